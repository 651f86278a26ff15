import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import defaultApp, { CONFIG_FILE, twoHosts } from '../../examples/two-hosts/app';
import { App, SiteConfig } from '../../lib';
import { Testing } from '../../lib/testing';
import { caddyDials, dryRunSite, expectNoSecretValues, needs, publishedPorts, QUADLET, synthExample, USER_UNITS, verifySite } from './support';

const TOML = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'two-hosts', 'site.toml'), 'utf8');

const synth = () => synthExample(defaultApp);

/** The example built from an edited copy of site.toml. */
function fromToml(text: string) {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-examples' });
  return { app, ...twoHosts(app, SiteConfig.fromString(app, text, 'examples/two-hosts/site.toml')) };
}

function diagnostics(app: App): string[] {
  return Testing.diagnostics(app).map((d) => `${d.code} ${d.path} ${d.message}`);
}

describe('examples/two-hosts', () => {
  it('synthesizes with no diagnostics and matches the golden tree', () => {
    expect(Testing.golden(synth(), 'test/examples/__golden__/two-hosts')).to.deep.equal([]);
  });

  it('reads site.toml beside app.ts, whatever the working directory', () => {
    expect(path.resolve(CONFIG_FILE)).to.equal(path.join(__dirname, '..', '..', 'examples', 'two-hosts', 'site.toml'));
  });

  it('puts the models on gpu and the apps on apps, one output folder per host', () => {
    const files = synth();
    expect(Object.keys(Testing.area(files, `gpu/${QUADLET}`)).sort()).to.deep.equal([
      'gpu.network', 'litellm-db-data.volume', 'litellm-db.container', 'litellm.container', 'litellm.yaml', 'llama-swap.container', 'llama-swap.yaml',
    ]);
    expect(Object.keys(Testing.area(files, `apps/${QUADLET}`)).sort()).to.deep.equal([
      'apps.network', 'caddy.container', 'openwebui-data.volume', 'openwebui.container',
    ]);
    expect(Object.keys(files).filter((f) => !f.startsWith('gpu/') && !f.startsWith('apps/'))).to.deep.equal([]);
  });

  it('the chat UI on apps reaches the gateway by the address in site.toml, with no unit dependency on the gpu host', () => {
    const files = synth();
    const ui = files[`apps/${QUADLET}/openwebui.container`];
    expect(ui).to.contain('Environment="OPENAI_API_BASE_URL=http://gpu.lan:4000/v1"');
    expect(ui).to.not.match(/^(Requires|After|Wants)=.*litellm/m);
    expect(files[`gpu/${QUADLET}/litellm.container`]).to.contain('\nPublishPort=192.168.1.10:4000:4000\n');
    expect(files['apps/.config/apps/openwebui.env.tmpl']).to.match(/# secret: [^\n]*\nOPENAI_API_KEY=\n/);
    // Only the gateway faces the LAN, on the bind address site.toml gives.
    expect(publishedPorts(files)).to.deep.equal(['127.0.0.1:80:80', '192.168.1.10:4000:4000']);
    expectNoSecretValues(files, 5); // database passwords are podman secrets now, not template entries
  });

  it('moves to other machines by editing site.toml only', () => {
    const t = fromToml(TOML.replace('address = "gpu.lan"', 'address = "10.0.0.7"').replace('bind = "192.168.1.10"', 'bind = "10.0.0.7"')
      .replace('gateway_port = 4000', 'gateway_port = 14000'));
    const files = Testing.synth(t.app);
    expect(diagnostics(t.app)).to.deep.equal([]);
    expect(files[`apps/${QUADLET}/openwebui.container`]).to.contain('Environment="OPENAI_API_BASE_URL=http://10.0.0.7:14000/v1"');
    expect(files[`gpu/${QUADLET}/litellm.container`]).to.contain('\nPublishPort=10.0.0.7:14000:4000\n');
  });

  it('catches the chat UI given the gateway\'s container name, which only resolves on gpu (XHOST004)', () => {
    const t = fromToml(TOML);
    t.chat.container.addEnvironment('OPENAI_API_BASE_URL', 'http://litellm:4000/v1');
    const found = Testing.diagnostics(t.app);
    expect(found.map((d) => `${d.code} ${d.path}`)).to.deep.equal(['XHOST004 apps/openwebui']);
    expect(found[0].message).to.contain('names "litellm", a container of site gpu');
    expect(found[0].hint).to.contain('http://gpu.lan:4000');
  });

  it('catches a gateway published on 127.0.0.1 only, when site.toml gives the gpu host no bind (XHOST003)', () => {
    const t = fromToml(TOML.replace('bind = "192.168.1.10"', ''));
    const found = Testing.diagnostics(t.app);
    expect(found.map((d) => `${d.code} ${d.path}`)).to.deep.equal(['XHOST003 gpu/gateway']);
    expect(found[0].message).to.contain('publishes port 4000 on 127.0.0.1');
  });

  it('points at the file and key when site.toml is wrong (CONFIG006, CONFIG007)', () => {
    const t = fromToml(TOML.replace('litellm = "ghcr.io/berriai/litellm:v1.80.0-stable"', 'litellm = "litellm"').replace(/^caddy = .*$/m, ''));
    expect(diagnostics(t.app).map((d) => d.split(' ').slice(0, 2).join(' ')).sort()).to.deep.equal(['CONFIG006 site.toml', 'CONFIG007 site.toml']);
  });

  it('every quadlet unit of both hosts passes the real generator', function () {
    needs('quadlet', this);
    const files = synth();
    const gpu = dryRunSite(files, 'gpu');
    expect(gpu.ok, gpu.stderr).to.equal(true);
    expect(Object.keys(gpu.services)).to.include.members(['llama-swap.service', 'litellm.service', 'litellm-db.service', 'gpu-network.service']);
    const apps = dryRunSite(files, 'apps');
    expect(apps.ok, apps.stderr).to.equal(true);
    expect(Object.keys(apps.services)).to.include.members(['caddy.service', 'openwebui.service', 'apps-network.service']);
  });

  it('both hosts\' units pass systemd-analyze verify beside their generated services', function () {
    needs('quadlet', this);
    needs('systemdAnalyze', this);
    const files = synth();
    for (const host of ['gpu', 'apps']) {
      expect(Object.keys(Testing.area(files, `${host}/${USER_UNITS}`))).to.deep.equal(host === 'gpu' ? ['gpu-secrets.service'] : []);
      const r = verifySite(files, host);
      expect(r.ok, `${host}: ${r.output}`).to.equal(true);
    }
  });

  it('the apps host\'s Caddyfile passes caddy validate, and adapts to the chat UI', function () {
    needs('caddy', this);
    expect(caddyDials(synth(), 'apps')).to.deep.equal(['openwebui:8080']);
  });
});
