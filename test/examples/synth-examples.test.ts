import { spawnSync } from 'child_process';
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** `npx projen synth:examples` runs exactly this: every examples/<name>/app.ts into <out>/<name>. */
function synthApps(dir: string, out: string, ...only: string[]) {
  return spawnSync(process.execPath, [
    require.resolve('ts-node/dist/bin.js'), '--transpileOnly', '--project', 'test/tsconfig.json', 'lib/cli/synth-apps.ts', dir, out, ...only,
  ], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

describe('synth:examples (lib/cli/synth-apps.ts over examples/)', () => {
  let out: string;
  beforeEach(() => { out = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-examples-')); });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  it('writes each example folder\'s app.ts into <out>/<folder name>', () => {
    const r = synthApps('examples', out);
    expect(r.status, r.stderr + r.stdout).to.equal(0);
    expect(fs.readdirSync(out).sort()).to.deep.equal(['gpu-box', 'homelab', 'two-hosts']);
    expect(r.stdout).to.match(/examples\/two-hosts\/app\.ts -> .*two-hosts: 17 files, 17 written/);
    expect(fs.existsSync(path.join(out, 'homelab', '.config', 'containers', 'systemd', 'immich.container'))).to.equal(true);
    expect(fs.existsSync(path.join(out, 'two-hosts', 'apps', '.config', 'containers', 'systemd', 'openwebui.container'))).to.equal(true);
  });

  it('synthesizes one example by name, and fails on a name that is not there', () => {
    const r = synthApps('examples', out, 'gpu-box');
    expect(r.status, r.stderr + r.stdout).to.equal(0);
    expect(fs.readdirSync(out)).to.deep.equal(['gpu-box']);
    const missing = synthApps('examples', out, 'nope');
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain('no apps (*.ts, or */app.ts) in examples named nope');
  });
});

describe('synth (lib/cli/synth-apps.ts over an apps folder)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-apps-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const LIB = JSON.stringify(path.join(ROOT, 'lib'));
  const write = (name: string, body: string) => fs.writeFileSync(path.join(dir, 'apps', name), body);

  it('runs an app that calls app.synth() itself into <out>/<name> (apps/demo.ts)', () => {
    const r = synthApps('apps', path.join(dir, 'out'), 'demo');
    expect(r.status, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.match(/apps\/demo\.ts -> .*demo: \d+ files, \d+ written, 0 unchanged/);
    expect(fs.existsSync(path.join(dir, 'out', 'demo', '.config', 'containers', 'systemd', 'wiki.container'))).to.equal(true);
  });

  it('runs every app even after one fails, writes nothing for the failed one, and exits 1', () => {
    fs.mkdirSync(path.join(dir, 'apps'));
    write('a-bad.ts', `import { App, Container, Site } from ${LIB};
export default (app: App) => { new Container(new Site(app, 'bad'), 'web', { image: 'nginx', networkMode: 'none' }); };
`);
    write('b-good.ts', `import { App, Container, Site } from ${LIB};
export default (app: App) => { new Container(new Site(app, 'good'), 'web', { image: 'docker.io/library/nginx:1.27', networkMode: 'none' }); };
`);
    write('c-idle.ts', 'export const nothing = 1;\n');
    const out = path.join(dir, 'out');
    const r = synthApps(path.join(dir, 'apps'), out);
    expect(r.status, r.stderr + r.stdout).to.equal(1);
    expect(r.stderr).to.contain('a-bad.ts: nothing written.');
    expect(r.stderr).to.contain('IMAGE001 [bad/web]');
    expect(r.stderr).to.contain('c-idle.ts neither called app.synth() nor exported a default function');
    expect(r.stdout).to.match(/b-good\.ts -> .*b-good: \d+ files, \d+ written, 0 unchanged/);
    expect(fs.existsSync(path.join(out, 'a-bad'))).to.equal(false);
    expect(fs.existsSync(path.join(out, 'b-good', '.config', 'containers', 'systemd', 'web.container'))).to.equal(true);
  });

  it('fails on a missing apps folder', () => {
    const r = synthApps(path.join(dir, 'nowhere'), path.join(dir, 'out'));
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(`no apps folder ${path.join(dir, 'nowhere')}`);
  });
});
