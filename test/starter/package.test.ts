import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { npmInstall, packedTarball, run, slowTests } from './pack';

/**
 * The package as npm ships it: `npm pack` (its prepack compiles lib/ into build/), installed into
 * an empty folder, where a site is written and `npx quadlet-cdk synth` runs. Slow (a compile and
 * an npm install): runs when CI or QUADLET_CDK_SLOW_TESTS=1 is set.
 */
describe('the npm package', function () {
  this.timeout(600_000);
  before(function () {
    if (!slowTests()) this.skip();
  });

  it('holds the compiled library, its typings and the bin, and nothing of the tests or the sources', () => {
    const { files } = packedTarball();
    expect(files).to.include.members(['package.json', 'README.md', 'LICENSE', 'bin/quadlet-cdk', 'bin/ts-hook.js',
      'build/index.js', 'build/index.d.ts', 'build/cli/main.js', 'build/cli/registry.d.ts', 'build/projen/index.js', 'build/core/app.d.ts']);
    const allowed = /^(package\.json|README\.md|LICENSE|bin\/(quadlet-cdk|ts-hook\.js)|build\/.+\.(js|d\.ts|json)|docs\/.+\.md)$/;
    expect(files.filter((f) => !allowed.test(f)), 'files outside build/, bin/ and docs/').to.deep.equal([]);
    expect(files.filter((f) => /(^|\/)(test|tests)\/|\.test\.|^lib\/|^apps\/|^examples\/|^bench\/|^scripts\//.test(f))).to.deep.equal([]);
  });

  it('installed into an empty folder, `npx quadlet-cdk synth` writes a site, type-checked with the shipped typings', () => {
    const { tarball } = packedTarball();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-installed-'));
    try {
      run('npm', ['init', '-y'], dir);
      npmInstall([tarball, 'typescript@~5.9.3', '@types/node@^20'], dir);
      fs.mkdirSync(path.join(dir, 'apps'));
      fs.writeFileSync(path.join(dir, 'apps', 'home.ts'), `import { App, Container, Network, Site } from 'quadlet-cdk';

export default (app: App) => {
  const site = new Site(app, 'home');
  new Network(site, 'home', { subnet: '10.89.0.0/24', default: true });
  new Container(site, 'whoami', { image: 'docker.io/traefik/whoami:v1.10.4', publish: [{ host: 8080, container: 80 }] });
};
`);
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', target: 'es2022', types: ['node'], noEmit: true }, include: ['apps'] }));
      run('npx', ['tsc', '-p', 'tsconfig.json'], dir);
      const help = run('npx', ['quadlet-cdk', '--help'], dir);
      expect(help).to.contain('Usage: quadlet-cdk <command> [options]');
      const out = run('npx', ['quadlet-cdk', 'synth'], dir);
      expect(out).to.contain('quadlet-cdk: apps/home.ts -> dist/home: 2 files, 2 written, 0 unchanged');
      const unit = fs.readFileSync(path.join(dir, 'dist/home/.config/containers/systemd/whoami.container'), 'utf8');
      expect(unit).to.contain('PublishPort=127.0.0.1:8080:80');
      // the installed bin runs the compiled library, not sources
      expect(fs.existsSync(path.join(dir, 'node_modules/quadlet-cdk/lib'))).to.equal(false);
      expect(run('npx', ['quadlet-cdk', 'synth'], dir)).to.contain('2 files, 0 written, 2 unchanged');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
