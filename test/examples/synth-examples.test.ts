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
