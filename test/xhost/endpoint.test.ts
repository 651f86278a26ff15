import { expect } from 'chai';
import { App, Container, Diagnostic, Endpoint, EnvFile, Network, Severity, Site, SiteConfig } from '../../lib';
import { LiteLlm } from '../../lib/llm';
import { expectDiagnostic, Testing } from '../../lib/testing';

const LITELLM = 'ghcr.io/berriai/litellm:v1.80.0-stable';
const UI = 'ghcr.io/open-webui/open-webui:v0.6.18';

const TWO_HOSTS = `
[sites.gpu]
host = "gpu"
[sites.gpu.network]
subnet = "10.89.0.0/24"
[sites.apps]
host = "apps"
[sites.apps.network]
subnet = "10.90.0.0/24"
[images]
litellm = "${LITELLM}"
openwebui = "${UI}"
[hosts.gpu]
address = "gpu.lan"
bind = "192.168.1.10"
[hosts.apps]
address = "apps.lan"
`;

interface TwoHosts {
  app: App;
  gpu: Site;
  apps: Site;
  gateway: LiteLlm;
  endpoint: Endpoint;
  ui: Container;
}

/** Models on host gpu, apps on host apps, settings from one config file. */
function twoHosts(publishBind: string | null = '192.168.1.10'): TwoHosts {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-xhost' });
  const cfg = SiteConfig.fromString(app, TWO_HOSTS);
  const gpu = cfg.createSite(app, 'gpu');
  const apps = cfg.createSite(app, 'apps');
  const gateway = new LiteLlm(gpu, 'litellm', { image: cfg.image('litellm'), publish: [{ container: 4000, host: 4000, bind: publishBind ?? undefined }] });
  const endpoint = new Endpoint(gpu, 'gateway', { target: gateway.container.port(4000), address: cfg.host('gpu') });
  const ui = new Container(apps, 'openwebui', { image: cfg.image('openwebui'), ports: [8080] });
  return { app, gpu, apps, gateway, endpoint, ui };
}

function codes(app: App): string[] {
  return Testing.diagnostics(app).map((d) => d.code);
}

/** The one diagnostic of the app, after asserting it is `code` with `severity` (expectDiagnostic). */
function one(app: App, code: string, severity: Severity): Diagnostic {
  const found = Testing.diagnostics(app);
  expect(found.map((d) => `${d.code} ${d.message}`), code).to.have.length(1);
  expectDiagnostic(app, code, severity);
  return found[0];
}

describe('cross-host endpoints', () => {
  it('a consumer on host B reaches the gateway on host A by its declared address, with no unit dependency', () => {
    const { app, gateway, endpoint, ui } = twoHosts();
    const keys = new EnvFile(ui, 'keys', { name: 'openwebui' });
    gateway.connectRemote(ui, endpoint, { path: '/v1', keyVar: 'OPENAI_API_KEY', keyFile: keys });
    expect(endpoint.url('/v1')).to.equal('http://gpu.lan:4000/v1');
    expect(endpoint.consumers).to.deep.equal([ui]);
    const files = Testing.synth(app);
    expect(Testing.diagnostics(app)).to.deep.equal([]);
    const unit = files['apps/.config/containers/systemd/openwebui.container'];
    expect(unit).to.contain('Environment="OPENAI_API_BASE_URL=http://gpu.lan:4000/v1"');
    expect(unit).to.not.match(/litellm\.service/);
    expect(files['apps/.config/apps/openwebui.env.tmpl']).to.contain('OPENAI_API_KEY=');
    expect(files['gpu/.config/containers/systemd/litellm.container']).to.contain('PublishPort=192.168.1.10:4000:4000');
  });

  it('endpoint.connect sets any variable; IPv6 addresses are bracketed; a public port counts as reachable', () => {
    const app = new App({ outdir: '/nonexistent/x' });
    const a = new Site(app, 'a');
    const b = new Site(app, 'b');
    new Network(a, 'a', { default: true });
    new Network(b, 'b', { default: true });
    const db = new Container(a, 'app-db', { image: 'docker.io/library/postgres:16.4', publish: [{ container: 5432, public: true }] });
    const ep = new Endpoint(a, 'db-ep', { target: db.port(5432), address: 'fd00::10', scheme: 'postgres' });
    const web = new Container(b, 'web', { image: 'docker.io/library/nginx:1.27' });
    ep.connect(web, { envVar: 'DB_URL', path: '/app' });
    expect(web.envValue('DB_URL')).to.equal('postgres://[fd00::10]:5432/app');
    expect(codes(app)).to.deep.equal([]);
  });

  it('XHOST001: using the endpoint on its own site', () => {
    const { app, gpu, endpoint } = twoHosts();
    const local = new Container(gpu, 'agent', { image: UI });
    endpoint.connect(local, { envVar: 'OPENAI_API_BASE_URL', path: '/v1' });
    const d = one(app, 'XHOST001', 'error');
    expect(d.path).to.equal('gpu/agent');
    expect(d.message).to.contain('through endpoint gateway (http://gpu.lan:4000)');
    expect(d.hint).to.contain('http://litellm:4000');
  });

  it('XHOST002: the target does not publish the port', () => {
    const app = new App({ outdir: '/nonexistent/x' });
    const a = new Site(app, 'a');
    const c = new Container(a, 'api', { image: UI, ports: [8080] });
    new Endpoint(a, 'api-ep', { target: c.port(8080), address: 'a.lan' });
    expect(one(app, 'XHOST002', 'error').message).to.equal('endpoint api-ep (api:8080): api does not publish container port 8080');
  });

  it('XHOST003: the port is published on loopback only, or not on the declared bind', () => {
    const loop = twoHosts(null);
    const d = one(loop.app, 'XHOST003', 'error');
    expect(d.message).to.equal('endpoint gateway (litellm:4000): litellm publishes port 4000 on 127.0.0.1, not on the declared bind 192.168.1.10');
    expect(d.hint).to.contain("bind: '192.168.1.10'");
    const other = twoHosts('192.168.1.99');
    expect(one(other.app, 'XHOST003', 'error').message).to.contain('on 192.168.1.99, not on the declared bind 192.168.1.10');
  });

  it('XHOST004: a URL on host B names a container of host A, with a hint naming the endpoint (and no ENV003)', () => {
    const { app, ui } = twoHosts();
    ui.addEnvironment('OPENAI_API_BASE_URL', 'http://litellm:4000/v1');
    const d = one(app, 'XHOST004', 'error');
    expect(d.path).to.equal('apps/openwebui');
    expect(d.message).to.equal('openwebui: OPENAI_API_BASE_URL=http://litellm:4000/v1 names "litellm", a container of site gpu; on site apps that name does not resolve');
    expect(d.hint).to.contain('gpu/gateway').and.contain('http://gpu.lan:4000');
  });

  it('XHOST004 without an endpoint suggests declaring one', () => {
    const app = new App({ outdir: '/nonexistent/x' });
    const a = new Site(app, 'a');
    const b = new Site(app, 'b');
    new Container(a, 'search', { image: 'docker.io/searxng/searxng:2025.1.1', ports: [8080] });
    new Container(b, 'ui', { image: UI, environment: { SEARCH_HOST: 'search' } });
    expect(one(app, 'XHOST004', 'error').hint).to.contain('new Endpoint(aSite');
  });

  it('a single-label endpoint address is not ENV003', () => {
    const app = new App({ outdir: '/nonexistent/x' });
    const a = new Site(app, 'a');
    const b = new Site(app, 'b');
    const c = new Container(a, 'api', { image: UI, publish: [{ container: 8080, host: 8080, bind: '192.168.1.10' }] });
    const ep = new Endpoint(a, 'api-ep', { target: c.port(8080), address: 'gpu' });
    const user = new Container(b, 'user', { image: UI });
    ep.connect(user, { envVar: 'API_URL' });
    user.addEnvironment('OTHER_URL', 'http://nowhere:1');
    expect(codes(app)).to.deep.equal(['ENV003']);
    expectDiagnostic(app, 'ENV003', 'error');
  });

  it('XHOST005: connectRemote through an endpoint that leads elsewhere', () => {
    const { app, gpu, gateway, ui } = twoHosts();
    const other = new Container(gpu, 'other', { image: UI, publish: [{ container: 8080, bind: '192.168.1.10' }] });
    gateway.connectRemote(ui, new Endpoint(gpu, 'other-ep', { target: other.port(8080), address: 'gpu.lan' }));
    expect(one(app, 'XHOST005', 'error').message).to.equal('consumer openwebui: endpoint gpu/other-ep leads to other:8080, not to litellm:4000');
  });

  it('XHOST006: a malformed address or port, or a target on another site', () => {
    const { app, apps, gateway } = twoHosts();
    new Endpoint(apps, 'wrong-site', { target: gateway.container.port(4000), address: 'gpu.lan' });
    new Endpoint(gateway.site, 'bad', { target: gateway.container.port(4000), address: 'http://gpu.lan:4000', hostPort: 70000 });
    const msgs = expectDiagnostic(app, 'XHOST006', 'error').map((d) => d.message);
    expect(msgs).to.have.members([
      'endpoint wrong-site (litellm:4000): the target belongs to site gpu, not apps',
      'endpoint bad (litellm:4000): address "http://gpu.lan:4000" is not a DNS name or IP',
      'endpoint bad (litellm:4000): port 70000 is out of range',
    ]);
  });

  it('a dependency across sites is still CORE002: endpoints add none', () => {
    const { app, gateway, ui } = twoHosts();
    gateway.connect(ui);
    expectDiagnostic(app, 'CORE002', 'error');
  });
});
