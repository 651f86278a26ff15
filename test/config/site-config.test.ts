import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Container, Diagnostic, loadSiteConfig, Severity, Site, SiteConfig, ValidationError } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';

/** The TOML blocks of docs/site-config.md, in order: the guide's examples are tested as written. */
function docExamples(): string[] {
  const md = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'site-config.md'), 'utf8');
  return [...md.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function load(text: string, file = 'site.toml'): { app: App; cfg: SiteConfig } {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-config' });
  return { app, cfg: SiteConfig.fromString(app, text, file) };
}

/** The app built from a file (one site created from it), and its CONFIG diagnostics. */
function built(text: string): { app: App; found: Diagnostic[] } {
  const { app, cfg } = load(text);
  cfg.createSite(app);
  return { app, found: Testing.diagnostics(app).filter((d) => d.code.startsWith('CONFIG')) };
}

function problems(text: string): Diagnostic[] {
  return built(text).found;
}

/** The one CONFIG diagnostic of a file, after asserting it is `code` with `severity` (expectDiagnostic). */
function only(text: string, code: string, severity: Severity): Diagnostic {
  const { app, found } = built(text);
  expect(found.map((d) => d.code), found.map((d) => d.message).join('\n')).to.deep.equal([code]);
  expectDiagnostic(app, code, severity);
  return found[0];
}

const MINIMAL = '[site]\nname = "home"\n';

describe('site config (site.toml)', () => {
  it('the full example of docs/site-config.md loads without a problem and configures the site', () => {
    const { app, cfg } = load(docExamples()[0]);
    const site = cfg.createSite(app);
    new Container(site, 'wiki', { ...cfg.imageProps('wiki'), publish: [{ host: cfg.setting('wiki_port', 1), container: 3000 }] });
    new Container(site, 'chat', { ...cfg.imageProps('openwebui') });
    const files = Testing.synth(app);
    expect(Testing.diagnostics(app).filter((d) => d.severity === 'error')).to.deep.equal([]);
    expect(site.name).to.equal('home');
    expect(site.domains).to.deep.equal(['example.org']);
    expect(site.digestPolicy).to.equal('warn');
    expect(site.outputDir).to.equal('home');
    expect(cfg.image('postgres')).to.equal('docker.io/library/postgres:16.4');
    expect(cfg.imageProps('openwebui').allowFloatingTag).to.equal('upstream tags releases late');
    expect(cfg.host('home')).to.deep.equal({ name: 'home', address: 'home.lan', bind: '192.168.1.20' });
    expect(cfg.siteHost()?.address).to.equal('home.lan');
    expect(cfg.secretSource()).to.equal('env-file');
    expect(cfg.setting('chat_title', 'x')).to.equal('Home chat');
    expect(cfg.setting('absent', 7)).to.equal(7);
    const net = files['home/.config/containers/systemd/home.network'];
    expect(net).to.contain('Subnet=10.89.0.0/24').and.contain('Gateway=10.89.0.1');
    expect(files['home/.config/containers/systemd/wiki.container']).to.contain('PublishPort=127.0.0.1:3001:3000');
  });

  it('the several-sites example loads, and each site takes its own table', () => {
    const { app, cfg } = load(docExamples()[1]);
    const gpu = cfg.createSite(app, 'gpu');
    const apps = new Site(app, 'apps', cfg.siteProps('apps'));
    expect(cfg.siteNames).to.deep.equal(['gpu', 'apps']);
    expect([gpu.name, apps.name]).to.deep.equal(['gpu', 'apps']);
    expect(cfg.siteHost('apps')?.bind).to.equal('192.168.1.11');
    expect(Testing.diagnostics(app)).to.deep.equal([]);
  });

  it('CONFIG001: a file that cannot be read', () => {
    const app = new App({ outdir: '/nonexistent/x' });
    const cfg = SiteConfig.load(app, '/nonexistent/site.toml');
    expect(cfg.siteProps()).to.deep.equal({});
    const [d] = Testing.diagnostics(app);
    expect(d.code).to.equal('CONFIG001');
    expectDiagnostic(app, 'CONFIG001', 'error');
    expect(d.message).to.match(/^\/nonexistent\/site\.toml: cannot be read \(ENOENT\)/);
    expect(d.path).to.equal('site.toml');
  });

  it('CONFIG002: not TOML, with line and column', () => {
    const d = only('[site]\nname = "home"\ndomains = [example.org]\n', 'CONFIG002', 'error');
    expect(d.message).to.match(/^site\.toml:3:12: invalid value/);
  });

  it('CONFIG003: an unknown key, with the nearest known one', () => {
    const d = only(`${MINIMAL}podman-version = "5.4.2"\n`, 'CONFIG003', 'error');
    expect(d.message).to.equal('site.toml: [site] podman-version: unknown key');
    expect(d.hint).to.contain('did you mean "podman_version"');
    expect(only('[site]\n[site.network]\nsubnett = "10.0.0.0/24"\n', 'CONFIG003', 'error').message).to.equal('site.toml: [site.network] subnett: unknown key');
    expect(only(`${MINIMAL}[image]\nx = "a"\n`, 'CONFIG003', 'error').hint).to.contain('"images"');
  });

  it('CONFIG004: wrong type or form, and the default applies', () => {
    const { app, cfg } = load(`${MINIMAL}rootless = "yes"\nlayout = "flat"\ndomains = ["example.org", "Not A Domain"]\n`);
    const site = cfg.createSite(app);
    const msgs = expectDiagnostic(app, 'CONFIG004', 'error').map((d) => d.message);
    expect(msgs).to.have.members([
      'site.toml: [site] rootless: "yes" is not true or false',
      'site.toml: [site] layout: "flat" is not one of "home", "chezmoi"',
      'site.toml: [site] domains[1]: "Not A Domain" is not a DNS domain such as example.org',
    ]);
    expect(site.rootless).to.equal(true);
    expect(site.layout).to.equal('home');
    expect(site.domains).to.deep.equal(['example.org']);
    expect(only(`${MINIMAL}[hosts.gpu]\naddress = "gpu.lan"\nbind = "127.0.0.1"\n`, 'CONFIG004', 'error').message).to.equal('site.toml: [hosts.gpu] bind: "127.0.0.1" is not a LAN address');
    expect(only(`${MINIMAL}[hosts.gpu]\naddress = "gpu.lan"\nbind = "1.2.3"\n`, 'CONFIG004', 'error').message).to.equal('site.toml: [hosts.gpu] bind: "1.2.3" is not an IP address');
    expect(only('[sites.Big]\n', 'CONFIG004', 'error').message).to.contain('[sites] Big: "Big" is not a valid name');
  });

  it('CONFIG004: a setting of another type than the code expects', () => {
    const { app, cfg } = load(`${MINIMAL}[settings]\nport = "3001"\n`);
    expect(cfg.setting('port', 3000)).to.equal(3000);
    expect(Testing.diagnostics(app).map((d) => d.message)).to.deep.equal(['site.toml: [settings] port: "3001" is not a number']);
  });

  it('CONFIG005: a required key is missing', () => {
    expect(only('[images]\nx = "docker.io/library/x:1"\n', 'CONFIG005', 'error').message).to.equal('site.toml: has no [site] table (or [sites.<name>] tables)');
    expect(only(`${MINIMAL}[hosts.gpu]\nbind = "192.168.1.10"\n`, 'CONFIG005', 'error').message).to.equal('site.toml: [hosts.gpu] address: is required');
    expect(only(`${MINIMAL}[images]\nx = { allow_floating_tag = "why" }\n`, 'CONFIG005', 'error').message).to.equal('site.toml: [images.x] ref: is required');
  });

  it('CONFIG006: images that are not pinned, fully qualified references', () => {
    expect(only(`${MINIMAL}[images]\nopenwebui = "open-webui"\n`, 'CONFIG006', 'error').message)
      .to.equal('site.toml: [images] openwebui: "open-webui" is not a fully qualified image reference');
    expect(only(`${MINIMAL}[images]\nui = "ghcr.io/open-webui/open-webui:main"\n`, 'CONFIG006', 'error').message).to.contain('uses the floating tag :main');
    expect(only(`${MINIMAL}[images]\nui = { ref = "ghcr.io/Bad Ref" }\n`, 'CONFIG006', 'error').message).to.equal('site.toml: [images.ui] ref: "ghcr.io/Bad Ref" is not an image reference');
    expect(problems(`${MINIMAL}allow_floating_tags = true\n[images]\nui = "ghcr.io/open-webui/open-webui:main"\n`)).to.deep.equal([]);
    // The hint names the table form that allows a short name; a short name still may not float.
    expect(only(`${MINIMAL}[images]\napp = "myapp:1"\n`, 'CONFIG006', 'error').hint).to.contain('app = { ref = "myapp:1", allow_short_name = "<why>" }');
    expect(only(`${MINIMAL}[images]\napp = { ref = "myapp", allow_short_name = "built here" }\n`, 'CONFIG006', 'error').message).to.contain('uses the floating tag :latest');
  });

  it('allow_short_name: a short name the file allows, with the reason, reaches the container', () => {
    const { app, cfg } = load(`${MINIMAL}[images]\napp = { ref = "myapp:1.2", allow_short_name = "built on the host by make image" }\n`);
    expect(cfg.imageProps('app')).to.deep.equal({ image: 'myapp:1.2', allowFloatingTag: undefined, allowShortName: 'built on the host by make image' });
    const site = cfg.createSite(app);
    new Container(site, 'app', { ...cfg.imageProps('app') });
    expect(Testing.diagnostics(app).map((d) => `${d.code} ${d.message}`)).to.deep.equal([]);
    // Without the allowance the container reports the short name itself.
    const { app: app2, cfg: cfg2 } = load(`${MINIMAL}[images]\napp = { ref = "docker.io/library/myapp:1.2" }\n`);
    new Container(cfg2.createSite(app2), 'app', { ...cfg2.imageProps('app'), image: 'myapp:1.2' });
    expectDiagnostic(app2, 'IMAGE001', 'error');
  });

  it('CONFIG007: the code asks for what the file lacks, without cascading from other errors', () => {
    const { app, cfg } = load(`${MINIMAL}[images]\nbroken = "nope"\n`);
    expect(cfg.image('wiki')).to.equal('config.invalid/missing/wiki:0');
    // An invalid entry is left out like any other invalid value: the placeholder, and no IMAGE001/IMAGE002 cascade.
    expect(cfg.image('broken')).to.equal('config.invalid/missing/broken:0');
    cfg.host('gpu');
    new Site(app, 'x', cfg.siteProps('other'));
    const found = Testing.diagnostics(app).filter((d) => d.code.startsWith('CONFIG')).map((d) => `${d.code} ${d.message}`);
    expect(found).to.have.members([
      'CONFIG006 site.toml: [images] broken: "nope" is not a fully qualified image reference',
      'CONFIG007 site.toml: no image "wiki" in [images]',
      'CONFIG007 site.toml: no host "gpu" in [hosts]',
      'CONFIG007 site.toml: [site] is "home", not "other"',
    ]);
    expectDiagnostic(app, 'CONFIG007', 'error', { message: 'no image "wiki"' });
    const two = load('[sites.a]\n[sites.b]\n');
    two.cfg.siteProps();
    two.cfg.siteProps('c');
    expect(Testing.diagnostics(two.app).map((d) => d.message)).to.have.members([
      'site.toml: 2 sites are configured; say which one',
      'site.toml: no site "c" in [sites]',
    ]);
  });

  it('CONFIG008: keys that contradict each other', () => {
    expect(only(`${MINIMAL}host = "gpu"\n`, 'CONFIG008', 'error').message).to.equal('site.toml: [site] host: "gpu" is no [hosts] entry');
    const both = load(`${MINIMAL}[sites.a]\n`);
    expect(Testing.diagnostics(both.app).map((d) => d.message)).to.deep.equal(['site.toml: sites: is given together with [site]']);
    const dup = load('[sites.a]\nname = "b"\n[sites.b]\n');
    expect(Testing.diagnostics(dup.app).map((d) => `${d.code} ${d.message}`)).to.deep.equal(['CONFIG008 site.toml: [sites.b] name: site name "b" is also used by [sites.a]']);
  });

  it('synth fails listing every problem at once, and loading never throws', () => {
    const { app, cfg } = load(`[site]\nname = 5\ndomains = 3\nrootless = "yes"\nnetwork = "x"\nsecrets = { source = "vault" }\n[images]\na = "nope"\nb = 7\n[hosts]\nx = 1\n[settings]\nk = { nested = true }\n`);
    const site = cfg.createSite(app);
    new Container(site, 'a', { image: cfg.image('a') });
    expect(() => app.synthFiles()).to.throw(ValidationError).with.property('diagnostics').that.satisfies((ds: Diagnostic[]) =>
      ds.filter((d) => d.code.startsWith('CONFIG')).length >= 8);
    expect(site.name).to.equal('site');
  });

  it('round trip: toToml() loads back to the same data', () => {
    for (const text of docExamples()) {
      const first = load(text).cfg;
      const second = load(first.toToml(['regenerated'])).cfg;
      expect(second.data).to.deep.equal(first.data);
      expect(second.toToml()).to.equal(first.toToml());
    }
  });

  it('loadSiteConfig reads a file without a construct tree', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-config-'));
    try {
      const file = path.join(dir, 'site.toml');
      fs.writeFileSync(file, `${MINIMAL}[images]\nopenwebui = "open-webui"\n`);
      const { config, diagnostics } = loadSiteConfig(file);
      expect(config?.site?.name).to.equal('home');
      expect(diagnostics.map((d) => [d.code, d.path])).to.deep.equal([['CONFIG006', file]]);
      expect(diagnostics[0].message.startsWith(`${file}: [images] openwebui:`)).to.equal(true);
      expect(loadSiteConfig('x.toml', MINIMAL)).to.deep.equal({ config: { site: { name: 'home' } }, diagnostics: [] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('site config files cannot reach the process', () => {
  /** Load `text` in an app writing to a fresh folder, synth, and return the diagnostics and what was written. */
  function synthWith(text: string, build: (app: App, cfg: SiteConfig) => void = (app, cfg) => cfg.createSite(app)) {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-config-'));
    try {
      const app = new App({ outdir });
      const cfg = SiteConfig.fromString(app, text);
      build(app, cfg);
      let error: unknown;
      try {
        app.synth();
      } catch (e) {
        error = e;
      }
      return { diagnostics: Testing.diagnostics(app), error, written: fs.readdirSync(outdir, { recursive: true }) };
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  /** Everything a config file could have changed in the process. */
  const builtins = () => ({
    hasOwn: Object.prototype.hasOwnProperty,
    call: Object.prototype.hasOwnProperty.call,
    objectKeys: Object.getOwnPropertyNames(Object).sort().join(),
    protoKeys: Object.getOwnPropertyNames(Object.prototype).sort().join(),
    polluted: ({} as any).polluted,
  });

  it('CONFIG009: keys named like built-ins (__proto__, constructor, prototype, inherited names) are errors, and change nothing', () => {
    const before = builtins();
    const files = [
      '[site]\nname = "home"\n[settings.hasOwnProperty]\ncall = 1\n',
      '[site]\nname = "home"\n[hosts.constructor]\naddress = "x"\n',
      '[site]\nname = "home"\n[__proto__]\npolluted = 1\n',
      '[site]\nname = "home"\n[settings]\nx = { __proto__ = { polluted = 1 } }\n',
      '[site]\nname = "home"\n[images.prototype]\nref = "docker.io/library/postgres:16.4"\n',
      '[site]\nname = "home"\ntoString = "x"\n',
    ];
    const found = files.map((text) => synthWith(text));
    expect(builtins(), 'no built-in changed').to.deep.equal(before);
    for (const [i, r] of found.entries()) {
      const d = r.diagnostics.filter((x) => x.code === 'CONFIG009');
      expect(d, files[i]).to.have.length(1);
      expect(d[0].severity).to.equal('error');
      expect(d[0].message).to.match(/^site\.toml: .*(hasOwnProperty|constructor|__proto__|prototype|toString): is a name every JavaScript object has$/);
      expect(r.error, files[i]).to.be.instanceOf(ValidationError);
      expect(r.written, 'a failed synth writes nothing').to.deep.equal([]);
    }
    expect(found[0].diagnostics[0].message).to.equal('site.toml: [settings] hasOwnProperty: is a name every JavaScript object has');
    // The process still works: a good file loads and synthesizes after all of them.
    const ok = synthWith('[site]\nname = "home"\n[hosts.home]\naddress = "home.lan"\n', (app, cfg) => {
      new Container(cfg.createSite(app), 'web', { image: 'docker.io/library/nginx:1.27' });
    });
    expect(ok.diagnostics).to.deep.equal([]);
    expect(ok.written).to.include('.quadlet-cdk-manifest.json');
  });

  it('inherited names are never present: host = "constructor" is no [hosts] entry (CONFIG008), cfg.host("toString") is missing (CONFIG007)', () => {
    const d = only('[site]\nname = "home"\nhost = "constructor"\n[hosts.home]\naddress = "home.lan"\n', 'CONFIG008', 'error');
    expect(d.severity).to.equal('error');
    expect(d.message).to.equal('site.toml: [site] host: "constructor" is no [hosts] entry');
    const { app, cfg } = load('[site]\nname = "home"\n[hosts.home]\naddress = "home.lan"\n[settings]\nport = 1\n');
    expect(cfg.host('toString')).to.deep.equal({ name: 'toString', address: 'toString.invalid' });
    expect(cfg.setting('valueOf', 'fallback')).to.equal('fallback');
    expect(cfg.image('constructor')).to.match(/^config\.invalid\/missing\//);
    const codes = Testing.diagnostics(app).map((x) => [x.code, x.severity]);
    expect(codes).to.deep.equal([['CONFIG007', 'error'], ['CONFIG007', 'error']]);
  });

  it('accepts a UTF-8 byte order mark, from text and from a file', () => {
    const text = '\uFEFF[site]\nname = "home"\n';
    expect(problems(text)).to.deep.equal([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-bom-'));
    try {
      const file = path.join(dir, 'site.toml');
      fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[site]\nname = "home"\n')]));
      expect(loadSiteConfig(file)).to.deep.equal({ config: { site: { name: 'home' } }, diagnostics: [] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CONFIG010: a 6,000-deep dotted key, table or inline array is an error, not a RangeError', () => {
    const deep = Array(6000).fill('a').join('.');
    for (const text of [`${deep} = 1\n[site]\nname = "home"\n`, `[site]\nname = "home"\n[${deep}]\nb = 1\n`, `[site]\nname = "home"\n[settings]\nx = ${'['.repeat(6000)}${']'.repeat(6000)}\n`]) {
      let r: ReturnType<typeof synthWith> | undefined;
      expect(() => (r = synthWith(text))).to.not.throw();
      const d = r!.diagnostics.filter((x) => x.code === 'CONFIG010');
      expect(d, text.slice(0, 40)).to.have.length(1);
      expect(d[0].severity).to.equal('error');
      expect(d[0].message).to.match(/^site\.toml(:\d+:\d+)?: (a: )?nests (arrays or inline tables )?deeper than 32 levels$/);
      expect(r!.error).to.be.instanceOf(ValidationError);
      expect(r!.written).to.deep.equal([]);
    }
  });
});
