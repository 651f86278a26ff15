import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ExitCode } from '../../lib/cli/command';
import { importCommand, importPodmanRun, importQuadlets } from '../../lib/import';
import { quadletDryRun } from '../../lib/testing/quadlet-tool';
import { systemdVerify } from '../../lib/testing/systemd-tool';
import { App } from '../../lib';
import { LIB, scratchDir, synthSiteFile, typeCheck } from './support';

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await importCommand.run(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd });
  return { code, out, err };
}

describe('import: the quadlet-cdk import command, run lines and quadlet folders', function () {
  this.timeout(10 * 60_000);
  let dir: string;
  before(() => {
    dir = scratchDir('cli');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints its usage with --help and refuses wrong usage with exit code 2', async () => {
    const help = await cli(['--help'], dir);
    expect(help.code).to.equal(ExitCode.OK);
    expect(help.out).to.include('quadlet-cdk import compose <compose.yaml>');
    expect(importCommand.name).to.equal('import');
    for (const bad of [[], ['compose'], ['nonsense'], ['compose', 'x.yaml', '--bogus'], ['compose', 'missing.yaml'], ['run']]) {
      const r = await cli(bad, dir);
      expect(r.code, bad.join(' ')).to.equal(ExitCode.USAGE);
      expect(r.err).to.include('Usage:');
    }
  });

  it('writes the site with --out, the report as JSON with --report json, and refuses to overwrite without --force', async () => {
    fs.writeFileSync(path.join(dir, 'compose.yaml'), 'name: shop\nservices:\n  web:\n    image: docker.io/library/nginx:1.27\n    ports: ["8080:80"]\n');
    const r = await cli(['compose', 'compose.yaml', '--out', 'apps/shop.ts', '--report', 'json', '--library', LIB], dir);
    expect(r.code).to.equal(ExitCode.OK);
    const report = JSON.parse(r.out);
    expect(report.findings.map((f: any) => f.code)).to.include('IMPORT005');
    const site = path.join(dir, 'apps/shop.ts');
    expect(fs.readFileSync(site, 'utf8')).to.include("new Site(app, 'shop')");
    expect(synthSiteFile(site).quadlets['web.container']).to.include('PublishPort=8080:80');
    const again = await cli(['compose', 'compose.yaml', '--out', 'apps/shop.ts'], dir);
    expect(again.code).to.equal(ExitCode.USAGE);
    expect(again.err).to.include('--force');
  });

  it('prints the site when there is no --out, with the text report on stderr; an unreadable file exits 1 and writes nothing', async () => {
    const r = await cli(['compose', 'compose.yaml', '--library', LIB], dir);
    expect(r.code).to.equal(ExitCode.OK);
    expect(r.out).to.include('export default (app: App): void => {');
    expect(r.err).to.include('import report:');
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'services: [oops');
    const bad = await cli(['compose', 'broken.yaml', '--out', 'broken.ts'], dir);
    expect(bad.code).to.equal(ExitCode.FAILED);
    expect(bad.err).to.include('IMPORT001');
    expect(fs.existsSync(path.join(dir, 'broken.ts'))).to.equal(false);
  });

  it('imports podman run, network create and volume create lines, and appends them to a site', async () => {
    const site = path.join(dir, 'apps/home.ts');
    const steps = [
      ['network', 'create', '--subnet', '10.77.0.0/24', '--internal', 'backend'],
      ['volume', 'create', 'pgdata'],
      ['run', '-d', '--name', 'db', '--network', 'backend', '-v', 'pgdata:/var/lib/postgresql/data', '-e', 'POSTGRES_PASSWORD=hunter2hunter2', '--restart', 'always', '--health-cmd', 'pg_isready', 'docker.io/library/postgres:16.4'],
      ['run', '-d', '--name', 'web', '-p', '127.0.0.1:8080:80', '--network', 'backend', '--cap-drop', 'ALL', '--some-new-flag', 'docker.io/library/nginx:1.27', 'nginx', '-g', 'daemon off;'],
    ];
    for (const [i, s] of steps.entries()) {
      const r = await cli(['run', '--out', 'apps/home.ts', '--site-name', 'home', '--library', LIB, ...(i ? ['--append'] : []), '--', 'podman', ...s], dir);
      expect(r.code, s.join(' ')).to.equal(ExitCode.OK);
    }
    const text = fs.readFileSync(site, 'utf8');
    expect(text).not.to.include('hunter2hunter2');
    expect(text).to.include("new Network(site, 'backend'");
    expect(typeCheck([site])).to.equal('');
    const { quadlets } = synthSiteFile(site);
    expect(quadlets['web.container']).to.include('PodmanArgs=--some-new-flag');
    expect(quadlets['web.container']).to.include('Exec=nginx -g "daemon off;"');
    expect(quadlets['db.container']).to.include('EnvironmentFile=%h/.config/home/db.env');
    expect(quadlets['db.container']).to.include('Volume=pgdata:/var/lib/postgresql/data');
    expect(quadlets['backend.network']).to.include('Internal=true');
    const gen = quadletDryRun(quadlets);
    expect(gen.stderr).not.to.include('converting');
  });

  it('keeps a flag it does not know through podmanArgs and says so (library API)', () => {
    const r = importPodmanRun(['podman', 'run', '--frobnicate', 'docker.io/library/nginx:1.27'], { libraryImport: LIB });
    expect(r.source).to.include("podmanArgs: ['--frobnicate']");
    expect(r.report.findings.some((f) => f.code === 'IMPORT004' && f.field === '--frobnicate')).to.equal(true);
  });

  it('imports a quadlet folder with env files: secrets leave the source, references become typed', () => {
    const files = [
      { path: 'app.container', text: '[Unit]\nDescription=The app\nRequires=db.service\nAfter=db.service\n\n[Container]\nImage=docker.io/library/nginx:1.27\nNetwork=back.network\nEnvironmentFile=%h/.config/app.env\nEnvironment=MODE=prod API_TOKEN=tok-secret-value-99\nVolume=data.volume:/data:ro\nPublishPort=127.0.0.1:8080:80\n\n[X-Site]\nOwner=ops\n\n[Service]\nRestart=on-failure\nRestartSec=5\n\n[Install]\nWantedBy=default.target\n' },
      { path: 'db.container', text: '[Container]\nImage=docker.io/library/postgres:16.4\nNetwork=back.network\n' },
      { path: 'back.network', text: '[Network]\nSubnet=10.9.0.0/24\n' },
      { path: 'data.volume', text: '[Volume]\n' },
      { path: 'app.env', text: 'LOG_LEVEL=info\nDB_PASSWORD=env-secret-value-77\n' },
      { path: 'backup.timer', text: '[Timer]\nOnCalendar=daily\n' },
    ];
    const r = importQuadlets(files, { libraryImport: LIB, siteName: 'home' });
    expect(r.source).not.to.include('tok-secret-value-99');
    expect(r.source).not.to.include('env-secret-value-77');
    expect(r.source).to.match(/dependsOn: \[db\]/);
    expect(r.source).to.match(/networks: \[back\]/);
    expect(r.source).to.match(/volume: data, path: '\/data', readOnly: true/);
    expect(r.source).to.include("description: 'The app'");
    const codes = r.report.findings.map((f) => `${f.code} ${f.path}`);
    expect(codes).to.include('IMPORT006 app.container');
    expect(codes).to.include('IMPORT012 backup.timer');
    const site = path.join(dir, 'folder.ts');
    fs.writeFileSync(site, r.source);
    expect(typeCheck([site])).to.equal('');
    const { quadlets, files: out } = synthSiteFile(site);
    expect(quadlets['app.container']).to.include('EnvironmentFile=%h/.config/home/app.env');
    expect(quadlets['app.container']).to.include('Owner=ops');
    expect(out.some((f) => f.endsWith('app.env.tmpl'))).to.equal(true);
  });

  it('imports a plain .service beside the quadlets as a Service: typed command, restart, dependencies; the rest as written', () => {
    const files = [
      { path: 'web.container', text: '[Container]\nImage=docker.io/library/nginx:1.27\n' },
      { path: 'drain.service', text: '[Unit]\nDescription=Drain the queue\nRequires=web.service\nAfter=web.service\n\n[Service]\nExecStart=%h/.local/bin/drain --batch "two words"\nRestart=always\nRestartSec=10\nEnvironment=MODE=fast API_TOKEN=tok-plain-secret-42\nNice=5\n\n[Install]\nWantedBy=default.target\n' },
      { path: 'sync.service', text: '[Service]\nType=oneshot\nExecStart=/usr/bin/rsync -a /src /dst\nRestart=on-failure\n' },
      { path: 'prefixed.service', text: '[Service]\nExecStart=-/usr/bin/true\n' },
    ];
    const r = importQuadlets(files, { libraryImport: LIB, siteName: 'home' });
    expect(r.source).to.include("new Service(site, 'drain'");
    expect(r.source).to.include("exec: [home('.local/bin/drain'), '--batch', 'two words']");
    expect(r.source).to.match(/dependsOn: \[web\]/);
    expect(r.source).to.include("restart: 'always'");
    expect(r.source).to.include('drain.addEntry(\'Service\', \'Nice\', \'5\')');
    expect(r.source).not.to.include('tok-plain-secret-42');
    const codes = r.report.findings.map((f) => `${f.code} ${f.path}`);
    expect(codes).to.include('IMPORT012 prefixed.service');
    expect(codes).to.include('IMPORT006 drain.service');
    const site = path.join(dir, 'plain.ts');
    fs.writeFileSync(site, r.source);
    expect(typeCheck([site])).to.equal('');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const app = new App({ outdir: path.join(dir, 'unused') });
    require(site).default(app);
    const out = app.synthFiles().files;
    const units = Object.fromEntries(out.filter((f) => f.path.includes('systemd/user/')).map((f) => [path.basename(f.path), f.content]));
    const quadlets = Object.fromEntries(out.filter((f) => f.path.includes('containers/systemd/')).map((f) => [path.basename(f.path), f.content]));
    const drain = units['drain.service'];
    expect(drain).to.match(/^Description=Drain the queue$/m);
    expect(drain).to.match(/^Requires=web\.service$/m);
    expect(drain).to.match(/^ExecStart=%h\/\.local\/bin\/drain --batch "two words"$/m);
    expect(drain).to.match(/^Restart=always$/m);
    expect(drain).to.match(/^RestartSec=10$/m);
    expect(drain).to.match(/^Nice=5$/m);
    expect(drain).to.match(/^Type=simple$/m);
    // Restart= without RestartSec= stays as written: the construct would add RestartSec=5.
    const sync = units['sync.service'];
    expect(sync).to.match(/^Type=oneshot$/m);
    expect(sync).to.match(/^Restart=on-failure$/m);
    expect(sync).not.to.match(/^RestartSec=/m);
    expect(sync).not.to.match(/^Description=/m);
    expect(sync).not.to.include('[Install]');
    expect(units['prefixed.service']).to.equal(undefined);
    const verify = systemdVerify(quadlets, units);
    expect(verify.ok, verify.output).to.equal(true);
  });
});
