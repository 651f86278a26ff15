import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BACKEND_OPTION_USAGE } from '../../lib/k8s/cli';
import { cli, LIB, ROOT, scratch, siteApp } from './support';

describe('quadlet-cdk synth --backend', () => {
  let s: ReturnType<typeof scratch>;
  beforeEach(() => { s = scratch(); });
  afterEach(() => s.cleanup());
  const files = (app: string) => fs.readdirSync(path.join(s.dir, 'dist', app), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.quadlet-cdk'))
    .map((e) => path.relative(path.join(s.dir, 'dist', app), path.join(e.parentPath, e.name)))
    .sort();

  it('--backend kubernetes renders every site as manifests under k8s/; --backend=quadlet goes back to units', async () => {
    s.write('one.ts', siteApp('one', ['web']));
    const k8s = await cli(['synth', '--backend', 'kubernetes'], s.dir);
    expect(k8s.code, k8s.stderr).to.equal(0);
    expect(k8s.stdout).to.contain('apps/one.ts -> dist/one: 3 files, 3 written').and.contain('  written k8s/kustomization.yaml\n');
    expect(files('one')).to.deep.equal(['k8s/deployment-web.yaml', 'k8s/kustomization.yaml', 'k8s/namespace-one.yaml']);
    expect(fs.readFileSync(path.join(s.dir, 'dist/one/k8s/deployment-web.yaml'), 'utf8')).to.contain('image: docker.io/library/nginx:1.27');
    const quadlet = await cli(['synth', 'one', '--backend=quadlet'], s.dir);
    expect(quadlet.code, quadlet.stderr).to.equal(0);
    expect(quadlet.stdout).to.contain('1 files, 1 written, 0 unchanged, 3 removed');
    expect(files('one')).to.deep.equal(['.config/containers/systemd/web.container']);
    expect(process.env.QUADLET_CDK_BACKEND).to.equal(undefined); // restored after the run
  });

  it('reaches apps that build their own App, and a site that names its backend keeps it', async () => {
    s.write('own.ts', `import { App, Container, Site } from ${LIB};
const app = new App();
new Container(new Site(app, 'auto'), 'web', { image: 'docker.io/library/nginx:1.27' });
new Container(new Site(app, 'pinned', { backend: 'quadlet' }), 'pg', { image: 'docker.io/library/postgres:16' });
app.synth();
`);
    const r = await cli(['synth', '--backend', 'kubernetes', '--json'], s.dir);
    expect(r.code, r.stderr).to.equal(0);
    const written: string[] = JSON.parse(r.stdout).apps[0].written;
    expect(written).to.include('auto/k8s/kustomization.yaml').and.include('pinned/.config/containers/systemd/pg.container');
    expect(written.filter((p) => p.startsWith('auto/.config') || p.startsWith('pinned/k8s'))).to.deep.equal([]);
  });

  it('a missing or unknown backend is a usage error (exit code 2) and writes nothing', async () => {
    s.write('one.ts', siteApp('one', ['web']));
    const unknown = await cli(['synth', '--backend', 'nomad'], s.dir);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('unknown backend "nomad": use quadlet or kubernetes').and.contain('see quadlet-cdk synth --help');
    const missing = await cli(['synth', '--backend'], s.dir);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('--backend needs a value');
    const watch = await cli(['watch', '--backend=k8s'], s.dir);
    expect(watch.code).to.equal(2);
    expect(fs.existsSync(path.join(s.dir, 'dist'))).to.equal(false);
  });

  it('synth --help and watch --help describe the option', async () => {
    for (const name of ['synth', 'watch']) {
      const r = await cli([name, '--help']);
      expect(r.stdout, name).to.contain(`[--backend quadlet|kubernetes]`).and.contain(`${BACKEND_OPTION_USAGE}\n`);
    }
  });

  it('the command loads the Kubernetes renderer only for --backend kubernetes', () => {
    s.write('one.ts', siteApp('one', ['web']));
    // The bin's own loader and entry, in a fresh process; prints the lib/k8s modules it loaded.
    const script = `require(${JSON.stringify(path.join(ROOT, 'bin', 'ts-hook'))}).register();
const { runCli } = require(${JSON.stringify(path.join(ROOT, 'lib', 'cli', 'registry'))});
const io = { stdout: () => {}, stderr: (t) => process.stderr.write(t), cwd: process.cwd() };
runCli(process.argv.slice(1), io).then((code) => {
  const loaded = Object.keys(require.cache).filter((p) => p.includes('/lib/k8s/')).map((p) => p.split('/').pop()).sort();
  console.log(JSON.stringify({ code, loaded }));
});`;
    const run = (...argv: string[]) => JSON.parse(execFileSync(process.execPath, ['-e', script, ...argv], { cwd: s.dir, encoding: 'utf8' }).trim());
    const quadlet = run('synth');
    expect(quadlet.code).to.equal(0);
    expect(quadlet.loaded).to.include('cli.ts').and.not.include('backend.ts');
    expect(quadlet.loaded.filter((m: string) => ['backend.ts', 'workloads.ts', 'manifests.ts', 'kustomization.ts'].includes(m))).to.deep.equal([]);
    const k8s = run('synth', '--backend', 'kubernetes');
    expect(k8s.code).to.equal(0);
    expect(k8s.loaded).to.include('backend.ts').and.include('workloads.ts');
  });
});
