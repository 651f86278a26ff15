import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import sodimo from '../../apps/sodimo';
import { App, Caddy, Container, EnvFile, home, LiteLlm, LlamaSwap, ModelPolicy, Network, Route, Site } from '../../lib';
import {
  caddyAdapt, caddyValidate, expectDiagnostic, findValidators, quadletDryRun, requireValidators, systemdVerify, Testing,
} from '../../lib/testing';

function synth(): Record<string, string> {
  const app = new App({ outdir: '/nonexistent' });
  sodimo(app);
  const out = app.synthFiles();
  expect(out.diagnostics.map((d) => `${d.code} ${d.path} ${d.message}`)).to.deep.equal([]);
  return Testing.filesOf(out);
}

const QUADLET = 'home/dot_config/containers/systemd';
const USER_UNITS = 'home/dot_config/systemd/user';

/**
 * Every unit the chapter names (its stanzas, their "Depends on" sidecars and volumes, the
 * network and the target), by the file it lives in.
 */
const CHAPTER_UNITS = [
  'caddy.container', 'cockpit.container', 'openwebui.container', 'openwebui-db.container', 'openwebui-redis.container',
  'litellm.container', 'litellm.yaml', 'litellm-db.container', 'litellm-redis.container', 'llama-swap.container', 'llama-swap.yaml',
  'twenty.container', 'twenty-worker.container', 'twenty-db.container', 'twenty-redis.container', 'vaultwarden.container',
  'postfix.container', 'dovecot.container', 'dovecot-mail.volume', 'rspamd.container', 'rspamd-config.volume',
  'piler.container', 'piler-mysql.container', 'piler-data.volume', 'piler-mysql.volume',
  'paperclip.container', 'paperclip-db.container', 'paperclip-data.volume', 'sodimo.network',
].map((f) => `${QUADLET}/${f}`).concat(
  ['sodiwin-etl.timer', 'sodiwin-etl.service', 'sodimo-email-drain.service', 'sodimo.target'].map((f) => `${USER_UNITS}/${f}`),
  ['openwebui', 'litellm', 'twenty', 'vaultwarden', 'postfix', 'piler', 'paperclip', 'sodiwin-etl', 'email-drain'].map((f) => `home/dot_config/sodimo/${f}.env.tmpl`),
  ['cockpit', 'openwebui', 'twenty', 'vaultwarden', 'piler', 'paperclip'].map((f) => `home/dot_config/caddy/routes/${f}.caddy`),
  ['home/dot_config/caddy/Caddyfile', 'host/etc/cloudflared/config.yml'],
);

const CHAPTER = path.join(__dirname, '..', '..', '..', 'shared', 'reference', 'site-quadlet-chapter.txt');

function needs(tool: 'quadlet' | 'caddy' | 'systemdAnalyze', ctx: Mocha.Context): void {
  if (findValidators()[tool]) return;
  if (requireValidators()) throw new Error(`${tool} missing: run scripts/ensure-validators.sh`);
  ctx.skip();
}

describe('apps/sodimo.ts (the reference site)', () => {
  it('synthesizes with no diagnostics and matches the golden tree', () => {
    expect(Testing.golden(synth(), 'test/apps/__golden__/sodimo')).to.deep.equal([]);
  });

  it('docs/sodimo.md and docs/sodimo-host.md are the generated reference (npx projen docs)', () => {
    for (const page of ['sodimo.md', 'sodimo-host.md']) {
      const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', page), 'utf8');
      expect(committed, page).to.equal(synth()[`docs/${page}`]);
    }
    expect(synth()['docs/sodimo.md']).to.contain('[sodimo-host.md](sodimo-host.md)');
  });

  it('the generated reference has a section for every container, timer and service', () => {
    const doc = synth()['docs/sodimo.md'];
    const units = CHAPTER_UNITS.map((f) => f.split('/').pop()!).filter((f) => /\.(container|timer)$/.test(f) || f === 'sodimo-email-drain.service');
    expect(units.length).to.equal(23);
    expect(units.filter((u) => !doc.includes(`\n### ${u}\n`))).to.deep.equal([]);
  });

  it('writes every unit the chapter lists, where the chapter puts it', () => {
    const files = synth();
    const missing = CHAPTER_UNITS.filter((f) => !(f in files));
    expect(missing).to.deep.equal([]);
  });

  it('covers every "Source ·" file and every image the chapter names (when the chapter is present)', function () {
    if (!fs.existsSync(CHAPTER)) this.skip();
    const chapter = fs.readFileSync(CHAPTER, 'utf8');
    const files = synth();
    const sources = [...chapter.matchAll(/Source · ([^\n]*)/g)].flatMap((m) => m[1].split('·').map((s) => s.trim()))
      .filter((s) => /^[a-z0-9-]+\.(container|yaml)$/.test(s));
    expect(sources.length).to.be.greaterThan(10);
    expect(sources.filter((s) => !(`${QUADLET}/${s}` in files))).to.deep.equal([]);
    const images = [...chapter.matchAll(/- Image ·\n([a-z0-9.-]+\.[a-z]+\/[a-z0-9._\/-]+:[A-Za-z0-9._-]+)/g)].map((m) => m[1]);
    const all = Object.values(files).join('\n');
    expect(images.length).to.be.greaterThan(10);
    expect(images.filter((i) => !all.includes(i))).to.deep.equal([]);
  });

  it('binds every published port to 127.0.0.1 except the mail ports', () => {
    const files = synth();
    const published = Object.entries(files).filter(([p]) => p.endsWith('.container'))
      .flatMap(([, t]) => [...t.matchAll(/^PublishPort=(.*)$/gm)].map((m) => m[1]));
    expect(published.filter((p) => !p.startsWith('127.0.0.1:')).sort()).to.deep.equal(['143:143', '25:25', '465:465', '587:587', '993:993']);
  });

  it('never writes a secret value: env templates leave every secret empty', () => {
    const entries = Testing.secretEntries(synth());
    // sodimo declares 21 template secrets today (its 6 database passwords are podman secrets):
    // a template that lost its markers must not pass by having none.
    expect(entries.length, entries.map((e) => e.line).join('\n')).to.be.at.least(21);
    for (const { file, line } of entries) expect(line, file).to.match(/^[A-Z0-9_]+=$/);
  });

  it('every quadlet unit passes the real generator', function () {
    needs('quadlet', this);
    const r = quadletDryRun(Testing.area(synth(), QUADLET));
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services)).to.include.members(['caddy.service', 'litellm.service', 'llama-swap.service', 'piler-mysql.service', 'sodimo-network.service']);
  });

  it('every timer, service and the target pass systemd-analyze verify beside the generated services', function () {
    needs('quadlet', this);
    needs('systemdAnalyze', this);
    const files = synth();
    const r = systemdVerify(Testing.area(files, QUADLET), Testing.area(files, USER_UNITS));
    expect(r.ok, r.output).to.equal(true);
  });

  it('the Caddyfile and every route pass caddy validate, and adapt to the expected dial targets', function () {
    needs('caddy', this);
    const caddy = Testing.area(synth(), 'home/dot_config/caddy');
    const v = caddyValidate(caddy);
    expect(v.ok, v.output).to.equal(true);
    const adapted = caddyAdapt(caddy);
    expect(adapted.ok, adapted.output).to.equal(true);
    const dials = JSON.stringify(adapted.config).match(/"dial":"[^"]+"/g)!.sort();
    expect(dials).to.deep.equal([
      '"dial":"cockpit:9090"', '"dial":"openwebui:8080"', '"dial":"paperclip:3100"',
      '"dial":"piler:80"', '"dial":"twenty:3000"', '"dial":"vaultwarden:80"',
    ]);
  });
});

/** The chapter's recorded defects, each rebuilt in a small tree: the library must catch it. */
describe('the chapter\'s known defects are caught at synth', () => {
  function site(): { app: App; site: Site } {
    const t = Testing.site({ domains: ['sodimo.eu'] }, 'sodimo');
    new Network(t.site, 'sodimo', { default: true });
    return t;
  }

  it('piler without its MySQL sidecar: no MYSQL_HOSTNAME (IMAGE010), or a host nobody answers to (ENV003)', () => {
    const a = site();
    new Container(a.site, 'piler', { image: 'docker.io/sutoj/piler:1.4.5', envFiles: [new EnvFile(a.site, 'piler-env', { name: 'piler', secrets: { MYSQL_PASSWORD: { description: 'x' } } })] });
    expect(Testing.codes(a.app)).to.deep.equal(['IMAGE010']);
    expectDiagnostic(a.app, 'IMAGE010', 'error');
    const b = site();
    new Container(b.site, 'piler', { image: 'docker.io/sutoj/piler:1.4.5', environment: { MYSQL_HOSTNAME: 'piler-mysql' } });
    expect(Testing.codes(b.app)).to.deep.equal(['ENV003']);
    expectDiagnostic(b.app, 'ENV003', 'error');
  });

  it('CADDY_ADMIN=off instead of admin off (CADDY001)', () => {
    const t = site();
    new Caddy(t.site, 'caddy', { environment: { CADDY_ADMIN: 'off' }, allowFloatingTag: 'test' });
    expectDiagnostic(t.app, 'CADDY001', 'error');
  });

  it('a route to vaultwarden\'s old WebSocket port 3012 (CADDY017)', () => {
    const t = site();
    const caddy = new Caddy(t.site, 'caddy', { allowFloatingTag: 'test' });
    const vw = new Container(t.site, 'vaultwarden', { image: 'docker.io/vaultwarden/server:1.32.7', ports: [80, 3012] });
    new Route(caddy, 'vaultwarden-ws', { host: 'vault.sodimo.eu', target: vw.port(3012) });
    expectDiagnostic(t.app, 'CADDY017', 'warning');
  });

  function llm(t: { site: Site }) {
    const ls = new LlamaSwap(t.site, 'llama-swap', {
      image: 'ghcr.io/mostlygeek/llama-swap:v250-vulkan', publish: [{ container: 8080, host: 9292 }],
      modelDir: home('.local/share/llama-models'), policy: new ModelPolicy({ mandatoryFlags: '--jinja' }),
    });
    return ls;
  }

  it('the chat UI pointing at llama-swap directly instead of the gateway (LLM026)', () => {
    const t = site();
    const ls = llm(t);
    ls.addModel('qwen3-4b', { modelFile: 'qwen3-4b/q.gguf' });
    new LiteLlm(t.site, 'litellm', { image: 'ghcr.io/berriai/litellm:v1.80.0-stable', llamaSwap: ls });
    new Container(t.site, 'openwebui', { image: 'ghcr.io/open-webui/open-webui:v0.6.30', environment: { OPENAI_API_BASE_URL: 'http://llama-swap:8080/v1' }, dependsOn: [ls.container] });
    expectDiagnostic(t.app, 'LLM026', 'error');
  });

  it('a llama-swap proxy naming a container (LLM001)', () => {
    const t = site();
    llm(t).addModel('qwen3-4b', { modelFile: 'qwen3-4b/q.gguf', proxy: 'http://llama-swap:${PORT}' });
    expectDiagnostic(t.app, 'LLM001', 'error');
  });

  it('a :latest image other than cockpit\'s exemption (IMAGE002)', () => {
    const t = site();
    new Container(t.site, 'cockpit', { image: 'quay.io/cockpit/ws:latest', allowFloatingTag: 'slow cadence' });
    new Container(t.site, 'vaultwarden', { image: 'docker.io/vaultwarden/server:latest' });
    const d = Testing.diagnostics(t.app);
    expect(d.map((x) => `${x.code} ${x.path}`)).to.deep.equal(['IMAGE002 sodimo/vaultwarden']);
  });

  it('GroupAdd=keep-groups on llama-swap, rootless (QUADLET020)', () => {
    const t = site();
    new LlamaSwap(t.site, 'llama-swap', { image: 'ghcr.io/mostlygeek/llama-swap:v250-vulkan', modelDir: home('m'), groupAdd: ['keep-groups'] });
    expectDiagnostic(t.app, 'QUADLET020', 'error');
  });

  it('a short image name (IMAGE001)', () => {
    const t = site();
    new Container(t.site, 'twenty', { image: 'twentycrm/twenty:v2.0.0' });
    expect(Testing.codes(t.app)).to.deep.equal(['IMAGE001']);
    expectDiagnostic(t.app, 'IMAGE001', 'error');
  });
});
