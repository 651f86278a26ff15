import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { bin, cli, scratch, siteApp } from './support';

describe('quadlet-cdk synth', () => {
  let s: ReturnType<typeof scratch>;
  beforeEach(() => { s = scratch(); });
  afterEach(() => s.cleanup());
  const quadlet = (app: string, file: string) => path.join(s.dir, 'dist', app, '.config', 'containers', 'systemd', file);

  it('synthesizes every app of apps/ into dist/<name>/ and says what it wrote, then that nothing changed', async () => {
    s.write('one.ts', siteApp('one', ['web', 'api']));
    s.write('two/app.ts', siteApp('two', ['pg']));
    const first = await cli(['synth'], s.dir);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('quadlet-cdk: apps/one.ts -> dist/one: 2 files, 2 written, 0 unchanged\n  written .config/containers/systemd/api.container\n');
    expect(first.stdout).to.contain('quadlet-cdk: apps/two/app.ts -> dist/two: 1 files, 1 written, 0 unchanged');
    expect(fs.readFileSync(quadlet('one', 'web.container'), 'utf8')).to.contain('Image=docker.io/library/nginx:1.27');
    const mtime = fs.statSync(quadlet('one', 'web.container')).mtimeMs;
    const again = await cli(['synth'], s.dir);
    expect(again.stdout).to.contain('apps/one.ts -> dist/one: 2 files, 0 written, 2 unchanged\n');
    expect(again.stdout).to.not.contain('written .config');
    expect(fs.statSync(quadlet('one', 'web.container')).mtimeMs).to.equal(mtime);
  });

  it('lists removed files, and takes apps by file, by folder and by name, with --out', async () => {
    s.write('one.ts', siteApp('one', ['web', 'api']));
    s.write('other.ts', siteApp('other', ['x']));
    expect((await cli(['synth', 'apps/one.ts', '--out', 'out'], s.dir)).code).to.equal(0);
    expect(fs.readdirSync(path.join(s.dir, 'out'))).to.deep.equal(['one']);
    s.write('one.ts', siteApp('one', ['web']));
    const r = await cli(['synth', 'one', '-o', 'out'], s.dir);
    expect(r.stdout).to.contain('-> out/one: 1 files, 0 written, 1 unchanged, 1 removed\n  removed .config/containers/systemd/api.container\n');
    expect((await cli(['synth', 'apps', '--out', 'out'], s.dir)).code).to.equal(0);
    expect(fs.readdirSync(path.join(s.dir, 'out')).sort()).to.deep.equal(['one', 'other']);
  });

  it('an app with errors writes nothing, the others still run, exit code 1', async () => {
    s.write('a-bad.ts', siteApp('bad', ['web'], { image: 'nginx:1.27' }));
    s.write('b-good.ts', siteApp('good', ['web']));
    s.write('c-idle.ts', 'export const nothing = 1;\n');
    const r = await cli(['synth'], s.dir);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('quadlet-cdk: apps/a-bad.ts: nothing written.\nSynth found 1 error and 0 warnings:');
    expect(r.stderr).to.contain('IMAGE001 [bad/web]');
    expect(r.stderr).to.contain('apps/c-idle.ts neither called app.synth() nor exported a default function');
    expect(r.stdout).to.contain('apps/b-good.ts -> dist/b-good: 1 files, 1 written');
    expect(fs.existsSync(path.join(s.dir, 'dist', 'a-bad'))).to.equal(false);
  });

  it('an app that throws fails (1) with its stack; the bin exits 1 too', async () => {
    s.write('boom.ts', 'throw new Error("kaput");\n');
    const r = await cli(['synth'], s.dir);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('apps/boom.ts failed: Error: kaput');
    const child = bin(['synth'], s.dir);
    expect(child.code, child.stderr).to.equal(1);
    expect(child.stderr).to.contain('kaput');
  });

  it('runs an app that builds its own App and calls app.synth() (apps/demo.ts)', async () => {
    const r = await cli(['synth', path.join(__dirname, '..', '..', 'apps', 'demo.ts'), '--out', path.join(s.dir, 'out')], s.dir);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/demo\.ts -> out\/demo: \d+ files, \d+ written, 0 unchanged/);
    expect(fs.existsSync(path.join(s.dir, 'out', 'demo', '.config', 'containers', 'systemd', 'wiki.container'))).to.equal(true);
  });

  it('--strict fails on warnings; without it they are printed and the synth succeeds', async () => {
    s.write('w.ts', siteApp('w', ['web'], { digestPolicy: 'warn' }));
    const relaxed = await cli(['synth'], s.dir);
    expect(relaxed.code).to.equal(0);
    expect(relaxed.stdout).to.contain('WARNING IMAGE003 [w/web]');
    fs.rmSync(path.join(s.dir, 'dist'), { recursive: true });
    const strict = await cli(['synth', '--strict'], s.dir);
    expect(strict.code).to.equal(1);
    expect(strict.stderr).to.contain('IMAGE003');
    expect(fs.existsSync(path.join(s.dir, 'dist', 'w'))).to.equal(false);
    expect(process.env.QUADLET_CDK_STRICT).to.equal(undefined);
  });

  it('--json prints each app\'s files and diagnostics as data', async () => {
    s.write('a-bad.ts', siteApp('bad', ['web'], { image: 'nginx:1.27' }));
    s.write('b-good.ts', siteApp('good', ['web']));
    const r = await cli(['synth', '--json'], s.dir);
    expect(r.code).to.equal(1);
    const data = JSON.parse(r.stdout);
    expect(data.ok).to.equal(false);
    const [bad, good] = data.apps;
    expect(bad).to.deep.include({ app: 'apps/a-bad.ts', name: 'a-bad', outdir: 'dist/a-bad', ok: false, written: [] });
    expect(bad.failure.kind).to.equal('diagnostics');
    expect(bad.diagnostics.map((d: any) => [d.severity, d.code, d.path])).to.deep.equal([['error', 'IMAGE001', 'bad/web']]);
    expect(good).to.deep.include({ ok: true, written: ['.config/containers/systemd/web.container'], unchanged: [], removed: [], diagnostics: [] });
  });

  it('usage errors exit 2: a missing apps folder, an unknown app, two apps with one output folder', async () => {
    const none = await cli(['synth'], s.dir);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain('no apps (*.ts, or */app.ts) in apps');
    expect((await cli(['synth', '--apps', 'nowhere'], s.dir)).stderr).to.contain('no apps folder nowhere');
    s.write('one.ts', siteApp('one', ['web']));
    expect((await cli(['synth', 'two'], s.dir)).stderr).to.contain('no app two: neither a file nor an app in apps');
    s.write('one/app.ts', siteApp('one', ['web']));
    const clash = await cli(['synth'], s.dir);
    expect(clash.code).to.equal(2);
    expect(clash.stderr).to.contain('apps/one.ts and apps/one/app.ts would both write to the output folder one/');
  });

  it('npx projen synth:examples runs this command over examples/ (every example, or one by name)', () => {
    const out = path.join(s.dir, 'examples');
    const all = bin(['synth', '--apps', 'examples', '--out', out]);
    expect(all.code, all.stderr).to.equal(0);
    expect(fs.readdirSync(out).sort()).to.deep.equal(['gpu-box', 'homelab', 'real-run', 'two-hosts']);
    expect(all.stdout).to.match(/examples\/two-hosts\/app\.ts -> .*two-hosts: 19 files, 19 written/);
    fs.rmSync(out, { recursive: true });
    const one = bin(['synth', '--apps', 'examples', '--out', out, 'gpu-box']);
    expect(one.code, one.stderr).to.equal(0);
    expect(fs.readdirSync(out)).to.deep.equal(['gpu-box']);
  });

});
