/**
 * Every name that becomes a file name, a unit name, a podman name or an entry of a unit list goes
 * through one validator and one encoder (lib/core/names.ts). Each case is a crafted input that
 * used to reach a file raw; the real quadlet generator checks the limits.
 */
import { expect } from 'chai';
import { App, Container, ContainerJob, Diagnostic, EnvFile, Network, Pod, Secret, Service, Site, SiteProps, Target, Timer, Volume } from '../../lib';
import { LiteLlm, LlamaSwap } from '../../lib/llm';
import { BackupJob, MariaDb, PostgresDatabase, RedisCache, WebApp } from '../../lib/patterns';
import { Caddy, Route, Tunnel } from '../../lib/caddy';
import { expectDiagnostic, findValidators, quadletDryRun, requireValidators, Testing } from '../../lib/testing';

const IMG = 'docker.io/library/alpine:3.20';
const TUNNEL = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

/** The diagnostics of a tree built under site `test`. */
function run(build: (s: Site) => void, props: SiteProps = {}): { app: App; all: Diagnostic[] } {
  const { app, site } = Testing.site({ domains: ['example.org'], ...props });
  build(site);
  return { app, all: Testing.diagnostics(app) };
}

/** Asserts `code` with `severity` (and what it does to a real synth) through expectDiagnostic. */
function expectCode(r: { app: App }, code: string, severity: 'error' | 'warning' = 'error'): Diagnostic {
  return expectDiagnostic(r.app, code, severity)[0];
}

const NEWLINE_KEY = 'x\nExecStartPre=/bin/sh -c evil';

describe('names are validated and encoded (NAME001)', () => {
  it('an env file name with a newline or a Go template', () => {
    expectCode(run((s) => new EnvFile(s, 'env', { name: 'web\n*' })), 'NAME001');
    expectCode(run((s) => new EnvFile(s, 'env', { name: '{{ output "sh" "-c" "id" }}' }), { layout: 'chezmoi' }), 'NAME001');
  });

  it('a tunnel config path with a newline or ..', () => {
    const tunnel = (configPath: string) => (s: Site) => {
      new Network(s, 'edge', { default: true });
      const caddy = new Caddy(s, 'caddy');
      const web = new Container(s, 'web', { image: IMG, ports: [80] });
      new Route(caddy, 'web', { host: 'web.example.org', target: web.port(80) });
      new Tunnel(s, 'tunnel', { caddy, tunnelId: TUNNEL, configPath });
    };
    expectCode(run(tunnel('etc/cloudflared/config.yml\nwarp-routing:')), 'NAME001');
    expectCode(run(tunnel('../../outside.yml')), 'NAME001');
    expect(run(tunnel('etc/cloudflared/main.yml')).all.filter((d) => d.severity === 'error')).to.deep.equal([]);
  });

  for (const [what, install] of [
    ['wantedBy', { wantedBy: [`default.target\n${NEWLINE_KEY}`] }],
    ['wantedBy with a specifier', { wantedBy: ['%i.target'] }],
    ['requiredBy', { requiredBy: ['app.target ExecStartPre=x'] }],
    ['alias', { alias: ['web\n[Service]'] }],
  ] as Array<[string, { wantedBy?: string[]; requiredBy?: string[]; alias?: string[] }]>) {
    it(`install.${what} of a container and a plain service`, () => {
      expectCode(run((s) => new Container(s, 'web', { image: IMG, install })), 'NAME001');
      expectCode(run((s) => new Service(s, 'job', { exec: ['/bin/true'], install })), 'NAME001');
    });
  }

  it('Target.wantedBy', () => {
    expectCode(run((s) => new Target(s, 'target', { wantedBy: [`default.target\n${NEWLINE_KEY}`] })), 'NAME001');
  });

  it('Container.fromName() as a dependency of a container and of a service', () => {
    const other = Container.fromName(NEWLINE_KEY);
    expectCode(run((s) => new Container(s, 'web', { image: IMG, dependsOn: [other] })), 'NAME001');
    expectCode(run((s) => new Service(s, 'job', { exec: ['/bin/true'], dependsOn: [other] })), 'NAME001');
    expectCode(run((s) => new Container(s, 'web', { image: IMG, dependsOn: [{ unit: Container.fromName('%i'), strength: 'wants' }] })), 'NAME001');
  });

  it('a container name with a space (Caddy would dial two upstreams)', () => {
    const d = expectCode(run((s) => new Container(s, 'web', { image: IMG, containerName: 'web evil' })), 'NAME001');
    expect(d.message).to.include('container name');
  });

  it('network and volume names', () => {
    expectCode(run((s) => new Network(s, 'net', { networkName: 'a b' })), 'NAME001');
    expectCode(run((s) => new Volume(s, 'vol', { volumeName: 'a/b' })), 'NAME001');
  });

  it('good names pass and are written as given', () => {
    const { app, site } = Testing.site();
    new Target(site, 'target', { wantedBy: ['default.target'] });
    new Container(site, 'web', { image: IMG, install: { wantedBy: ['test.target'], alias: ['www.service'] }, dependsOn: [Container.fromName('app-db')] });
    const files = Testing.synth(app);
    const unit = files['.config/containers/systemd/web.container'];
    expect(unit).to.include('Requires=app-db.service');
    expect(unit).to.include('WantedBy=test.target');
    expect(unit).to.include('Alias=www.service');
  });
});

describe('name lengths (NAME002)', () => {
  const at = (n: number) => `n${'x'.repeat(n - 1)}`;
  it('a network name whose generated service exceeds 255 bytes', () => {
    // <name>-network.service: 16 bytes of suffix.
    expectCode(run((s) => new Network(s, at(245))), 'NAME002');
    expectCode(run((s) => new Network(s, at(250))), 'NAME002');
    const d = expectCode(run((s) => new Container(s, at(300), { image: IMG })), 'NAME002');
    expect(d.path).to.include('test/');
  });

  it('a container or pod name (no file of its own) longer than 255 bytes', () => {
    expect(expectCode(run((s) => new Container(s, 'web', { image: IMG, containerName: at(256) })), 'NAME002').message).to.match(/^container name ".*" is 256 bytes long \(at most 255\)$/);
    expect(expectCode(run((s) => new Pod(s, 'pod', { podName: at(300) })), 'NAME002').message).to.match(/^pod name ".*" is 300 bytes long \(at most 255\)$/);
    expect(run((s) => new Container(s, 'web', { image: IMG, containerName: at(255) })).all.map((d) => d.code)).to.not.include('NAME002');
  });

  it('an env file name whose file exceeds 255 bytes', () => {
    expectCode(run((s) => new EnvFile(s, 'env', { name: at(250) })), 'NAME002');
  });

  it('the longest accepted name is accepted by the real quadlet generator', function () {
    if (!findValidators().quadlet) {
      if (requireValidators()) throw new Error('quadlet generator missing: run scripts/ensure-validators.sh');
      this.skip();
    }
    const { app, site } = Testing.site();
    new Network(site, at(239));
    const files = Testing.area(Testing.synth(app), '.config/containers/systemd');
    const res = quadletDryRun(files);
    expect(res.ok, res.stderr).to.equal(true);
    expect(Object.keys(res.services)).to.deep.equal([`${at(239)}-network.service`]);
    expect(run((s) => new Network(s, at(240))).all.map((d) => d.code)).to.include('NAME002');
  });
});

describe('names that differ only in case (NAME003)', () => {
  it('warns for units and env files', () => {
    const r = run((s) => {
      new Network(s, 'net', { default: true });
      new Container(s, 'Web', { image: IMG, containerName: 'Web-app' });
      new Container(s, 'web', { image: IMG });
      new EnvFile(s, 'Web-env', { name: 'Conf' });
      new EnvFile(s, 'web-env', { name: 'conf' });
    });
    const d = expectDiagnostic(r.app, 'NAME003', 'warning');
    expect(d).to.have.length(2);
    expect(d.map((x) => x.message).join('\n')).to.include('web.container').and.include('conf.env.tmpl');
  });

  it('is an error on a strict app', () => {
    const app = new App({ outdir: '/nonexistent/x', strict: true });
    const site = new Site(app, 'test');
    new Container(site, 'Web', { image: IMG, containerName: 'Web-app' });
    new Container(site, 'web', { image: IMG });
    expect(() => app.synthFiles()).to.throw(/NAME003/);
  });
});

describe('all-hex container and pod names (NAME004)', () => {
  for (const name of ['b', 'db', 'add', 'cafe', 'dead', '93b']) {
    it(`"${name}" is refused`, () => {
      const d = expectCode(run((s) => new Container(s, name, { image: IMG })), 'NAME004');
      expect(d.hint).to.include('app-db');
    });
  }

  it('as containerName and as a pod name', () => {
    expectCode(run((s) => new Container(s, 'web', { image: IMG, containerName: 'beef' })), 'NAME004');
    expectCode(run((s) => new Pod(s, 'face')), 'NAME004');
  });

  it('the container of a ContainerJob (podman run --replace --name <unit>): its default name and containerName', () => {
    const job = (id: string, containerName?: string) => (s: Site) =>
      new Timer(s, id, { onCalendar: '*-*-* 03:00:00 Europe/Berlin', job: new ContainerJob({ image: IMG, containerName }) });
    expect(expectCode(run(job('add')), 'NAME004').message).to.equal('container name "add" is made only of hex digits, which podman run --replace takes for a container-ID prefix');
    expectCode(run(job('nightly', 'cafe')), 'NAME004');
    expectCode(run(job('nightly', 'web evil')), 'NAME001');
    expectCode(run(job('nightly', `web\n${NEWLINE_KEY}`)), 'NAME001');
    expect(run(job('nightly', 'dump-job')).all.filter((d) => d.severity === 'error')).to.deep.equal([]);
  });

  it('every pattern\'s container takes its name from the id and is checked: an all-hex id is refused', () => {
    const patterns: Array<[string, (s: Site, id: string) => void]> = [
      ['PostgresDatabase', (s, id) => new PostgresDatabase(s, id)],
      ['MariaDb', (s, id) => new MariaDb(s, id)],
      ['RedisCache', (s, id) => new RedisCache(s, id)],
      ['WebApp', (s, id) => new WebApp(s, id, { image: 'docker.io/example/app:1.0.0', port: 80 })],
      ['LiteLlm', (s, id) => new LiteLlm(s, id, { image: 'ghcr.io/berriai/litellm:v1.80.0-stable' })],
      ['LlamaSwap', (s, id) => new LlamaSwap(s, id, { image: 'ghcr.io/mostlygeek/llama-swap:v170-cuda-b6795', modelDir: '/srv/models' })],
      ['BackupJob', (s, id) => new BackupJob(s, id, { target: '/srv/backup', paths: { etc: '/etc' }, onCalendar: '*-*-* 03:00:00 Europe/Berlin' })],
    ];
    for (const [what, make] of patterns) {
      const d = expectCode(run((s) => make(s, 'dead')), 'NAME004');
      expect(d.message, what).to.match(/"dead" is made only of hex digits/);
      expect(run((s) => make(s, 'app-db')).all.map((x) => x.code), what).to.not.include('NAME004');
    }
  });

  it('names with another letter, a dash or upper case pass', () => {
    for (const name of ['app-db', 'web', 'dbx', 'DB']) {
      expect(run((s) => new Container(s, name, { image: IMG })).all.map((d) => d.code), name).to.not.include('NAME004');
    }
  });
});

describe('secret mounts cannot smuggle options (SECRET003)', () => {
  it('a comma in target or env', () => {
    const key = (s: Site) => new Secret(s, 'api-key');
    expectCode(run((s) => new Container(s, 'web', { image: IMG, secrets: [{ secret: key(s), target: '/run/k,mode=0444' }] })), 'SECRET003');
    expectCode(run((s) => new Container(s, 'web', { image: IMG, secrets: [{ secret: key(s), env: 'KEY,type=mount' }] })), 'SECRET003');
    const ok = run((s) => new Container(s, 'web', { image: IMG, secrets: [{ secret: key(s), target: '/run/secrets/key' }, { secret: new Secret(s, 'b-key'), env: 'B_KEY' }] }));
    expect(ok.all.filter((d) => d.severity === 'error')).to.deep.equal([]);
  });

  it('a comma in the target or env of a ContainerJob\'s secret', () => {
    const job = (mount: { target?: string; env?: string }) => (s: Site) =>
      new Timer(s, 'nightly', { onCalendar: '*-*-* 03:00:00 Europe/Berlin', job: new ContainerJob({ image: IMG, secrets: [{ secret: new Secret(s, 'api-key'), ...mount }] }) });
    expectCode(run(job({ target: '/run/k,mode=0444' })), 'SECRET003');
    expectCode(run(job({ env: 'KEY,type=mount' })), 'SECRET003');
    expect(run(job({ env: 'API_KEY' })).all.filter((d) => d.severity === 'error')).to.deep.equal([]);
  });
});

describe('chezmoi attribute prefixes in file names', () => {
  const files = (layout: 'home' | 'chezmoi') => {
    const { app, site } = Testing.site({ layout });
    new Container(site, 'run_backup', { image: IMG });
    new Container(site, 'remove_web', { image: IMG });
    new Service(site, 'symlink_data', { exec: ['/bin/true'] });
    new EnvFile(site, 'private_x', { values: { A: '1' } });
    new Network(site, 'dot_net');
    return Object.keys(Testing.synth(app));
  };

  it('get chezmoi\'s literal_ prefix in the chezmoi layout', () => {
    const f = files('chezmoi');
    expect(f).to.include.members([
      'home/dot_config/containers/systemd/literal_run_backup.container',
      'home/dot_config/containers/systemd/literal_remove_web.container',
      'home/dot_config/containers/systemd/literal_dot_net.network',
      'home/dot_config/systemd/user/literal_symlink_data.service',
      'home/dot_config/test/literal_private_x.env.tmpl',
    ]);
    expect(f.filter((p) => /\/(run|remove|symlink|private|dot)_[a-z]/.test(p) && !p.includes('/literal_') && !p.includes('/dot_config/') && !p.startsWith('home/.chezmoiscripts/'))).to.deep.equal([]);
    // The one script chezmoi is meant to run: the site's deploy script (lib/deploy/chezmoi-script.ts).
    expect(f.filter((p) => p.startsWith('home/.chezmoiscripts/'))).to.deep.equal(['home/.chezmoiscripts/run_onchange_after_test-deploy.sh']);
  });

  it('are left alone in the home layout', () => {
    expect(files('home')).to.include('.config/containers/systemd/run_backup.container');
  });
});
