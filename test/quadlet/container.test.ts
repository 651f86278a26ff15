import { expect } from 'chai';
import { Container, EnvFile, home, Network, Secret, Specifier, systemdText, Volume } from '../../lib';
import { findValidators, quadletDryRun, requireValidators, Testing } from '../../lib/testing';

/** A small stack using every typed Container prop, plus a network, a volume, env files and a secret. */
function stack() {
  const { app, site } = Testing.site({}, 'lab');
  const net = new Network(site, 'lab', { subnet: '10.89.0.0/24', gateway: '10.89.0.1', default: true, label: { 'org.example.site': 'lab' } });
  const data = new Volume(site, 'pg-data', { user: 999, group: 999 });
  const dbEnv = new EnvFile(site, 'pg-env', {
    name: 'pg',
    values: { POSTGRES_USER: 'app', POSTGRES_DB: 'app', GREETING: 'hello "world" $HOME' },
    secrets: { POSTGRES_PASSWORD: { description: 'database password: openssl rand -hex 24' } },
  });
  const pg = new Container(site, 'pg', { image: 'docker.io/pgvector/pgvector:pg16', volumes: [{ volume: data, path: '/var/lib/postgresql/data' }], envFiles: [dbEnv], ports: [5432] });
  const key = new Secret(site, 'app-key', { description: 'signing key' });
  const app1 = new Container(site, 'app', {
    image: 'ghcr.io/example/app:v1.2.3',
    description: 'the example app',
    networks: [net],
    publish: [{ container: 8080, host: 3000 }, { container: 25, public: true }, { container: 53, host: 5353, protocol: 'udp' }],
    volumes: [{ hostPath: home('.local/share/models'), path: '/models', readOnly: true }, { hostPath: systemdText(Specifier.runtimeDir, '/podman/podman.sock'), path: '/run/podman.sock' }],
    environment: { JSON: '{"a":1}', PCT: '50%', PATHLIKE: 'C:\\temp', SPACE: 'a b' },
    secrets: [{ secret: key, env: 'APP_KEY' }, { secret: key, target: '/run/secrets/key' }],
    dependsOn: [pg],
    entrypoint: ['node', 'server.js'],
    command: ['--port', '8080', 'two words'],
    addDevice: ['/dev/dri'],
    groupAdd: ['video'],
    user: '1000:1000',
    healthCmd: "curl -fsS 'http://localhost:8080/health'",
    label: { 'io.containers.autoupdate': 'registry' },
    service: { restartSec: 5, timeoutStartSec: 900 },
  });
  return { app, site, pg, app1 };
}

describe('Container, Network, Volume, EnvFile', () => {
  it('render as the golden files say', () => {
    const { app } = stack();
    expect(Testing.golden(Testing.synth(app), 'test/quadlet/__golden__/stack')).to.deep.equal([]);
  });

  it('pass the real quadlet generator, with dependencies on .service names', function () {
    if (!findValidators().quadlet) {
      if (requireValidators()) throw new Error('quadlet generator missing: run scripts/ensure-validators.sh');
      this.skip();
    }
    const { app } = stack();
    const r = quadletDryRun(Testing.area(Testing.synth(app), '.config/containers/systemd'));
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services).sort()).to.deep.equal(['app.service', 'lab-network.service', 'pg-data-volume.service', 'pg.service']);
    const svc = r.services['app.service'];
    expect(svc).to.match(/^Requires=lab-secrets\.service pg\.service$/m);
    expect(svc).to.match(/^Requires=lab-network\.service$/m);
    expect(svc).to.contain('--name app ');
    expect(svc).to.contain('--network lab ');
    expect(svc).to.contain('--publish 127.0.0.1:3000:8080');
    expect(svc).to.contain('--publish 25:25');
    expect(svc).to.contain('--entrypoint "[\\"node\\",\\"server.js\\"]"');
    expect(r.services['pg.service']).to.contain('-v pg-data:/var/lib/postgresql/data');
  });

  it('names podman resources as the author wrote them (no systemd- prefix)', () => {
    const { app } = stack();
    const files = Testing.synth(app);
    expect(files['.config/containers/systemd/pg.container']).to.match(/^ContainerName=pg$/m);
    expect(files['.config/containers/systemd/lab.network']).to.match(/^NetworkName=lab$/m);
    expect(files['.config/containers/systemd/pg-data.volume']).to.match(/^VolumeName=pg-data$/m);
  });

  it('never writes a secret value: the env template names secrets with empty values', () => {
    const { app } = stack();
    const tmpl = Testing.synth(app)['.config/lab/pg.env.tmpl'];
    expect(tmpl).to.match(/^POSTGRES_PASSWORD=$/m);
    expect(tmpl).to.contain('# secret: database password');
  });

  it('joins the site default network unless told otherwise', () => {
    const { app, site } = Testing.site();
    new Network(site, 'edge', { default: true });
    new Container(site, 'alpha', { image: 'docker.io/library/redis:7.2' });
    new Container(site, 'bravo', { image: 'docker.io/library/redis:7.2', networkMode: 'host' });
    const files = Testing.synth(app);
    expect(files['.config/containers/systemd/alpha.container']).to.match(/^Network=edge\.network$/m);
    expect(files['.config/containers/systemd/bravo.container']).to.match(/^Network=host$/m);
    expect(files['.config/containers/systemd/bravo.container']).to.not.contain('edge.network');
  });

  it('writes the chezmoi layout and rootful paths', () => {
    const chez = Testing.site({ layout: 'chezmoi' }, 'home');
    new Container(chez.site, 'alpha', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    expect(Object.keys(Testing.synth(chez.app))).to.deep.equal(['home/.chezmoiscripts/run_onchange_after_home-deploy.sh', 'home/dot_config/containers/systemd/alpha.container']);
    const root = Testing.site({ rootless: false }, 'srv');
    new Container(root.site, 'alpha', { image: 'docker.io/library/redis:7.2', networkMode: 'none', install: { wantedBy: ['multi-user.target'] } });
    expect(Object.keys(Testing.synth(root.app))).to.deep.equal(['etc/containers/systemd/alpha.container']);
  });

  it('keeps raw entries, in their own sections', () => {
    const { app, site } = Testing.site();
    const c = new Container(site, 'alpha', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    c.addEntry('X-Backup', 'Schedule', 'nightly');
    c.addEntry('Container', 'PodmanArgs', '--log-level=debug');
    const text = Testing.synth(app)['.config/containers/systemd/alpha.container'];
    expect(text).to.contain('\n[X-Backup]\nSchedule=nightly\n');
    expect(text).to.match(/^PodmanArgs=--log-level=debug$/m);
  });
});

describe('ServiceName', () => {
  it('is written in the unit section and passes the real generator', function () {
    const { app, site } = Testing.site();
    new Container(site, 'web', { image: 'docker.io/library/redis:7.2', networkMode: 'none', serviceName: 'custom-web' });
    const files = Testing.area(Testing.synth(app), '.config/containers/systemd');
    expect(files['web.container']).to.match(/\[Container\][^[]*^ServiceName=custom-web$/m);
    if (!findValidators().quadlet) {
      if (requireValidators()) throw new Error('quadlet generator missing');
      this.skip();
    }
    const r = quadletDryRun(files);
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services)).to.deep.equal(['custom-web.service']);
  });
});
