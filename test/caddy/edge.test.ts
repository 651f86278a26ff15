import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { Container, Network } from '../../lib';
import { Caddy, checkIngress, IngressRule, Route, Tunnel } from '../../lib/caddy';
import { droppedPort } from '../../lib/quadlet/image-facts';
import { caddyAdapt, caddyValidate, expectDiagnostic, findValidators, quadletDryRun, requireValidators, Testing, ValidatorPaths } from '../../lib/testing';
import { sodimo, TUNNEL_ID } from './fixture';

const found = findValidators();

/** Skips when `tool` is missing, or fails when validators are required (CI). */
function need(ctx: Mocha.Context, tool: keyof ValidatorPaths): void {
  if (found[tool]) return;
  if (requireValidators()) throw new Error(`${tool} is missing: run scripts/ensure-validators.sh`);
  ctx.skip();
}

const CADDY_DIR = '.config/caddy';

/** A site with Caddy on a network and one container, for check tests. */
function small(domains = ['example.org']) {
  const { app, site } = Testing.site({ domains });
  const net = new Network(site, 'edge', { default: true });
  const caddy = new Caddy(site, 'caddy');
  const web = new Container(site, 'web', { image: 'docker.io/library/nginx:1.27', ports: [80] });
  return { app, site, net, caddy, web };
}

describe('Caddy, Route', () => {
  it('render as the golden files say (Caddyfile, route files, caddy.container, cloudflared config)', () => {
    const files = Testing.synth(sodimo().app);
    const edge = Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith(`${CADDY_DIR}/`) || p.startsWith('host/') || p.endsWith('/caddy.container')));
    // The routes, the Caddyfile, caddy.container, cloudflared's config and the sysctl for Caddy's port 80.
    expect(Object.keys(edge)).to.have.length(8);
    expect(Testing.golden(edge, 'test/caddy/__golden__/sodimo')).to.deep.equal([]);
  });

  it('writes the main Caddyfile for plain HTTP behind the tunnel, importing each route file', () => {
    const caddyfile = Testing.synth(sodimo().app)[`${CADDY_DIR}/Caddyfile`];
    expect(caddyfile).to.contain('{\n\tauto_https off\n\tadmin off\n}\n');
    expect(caddyfile.match(/^import routes\/\w+\.caddy$/gm)).to.deep.equal([
      'import routes/cockpit.caddy', 'import routes/openwebui.caddy', 'import routes/paperclip.caddy', 'import routes/vaultwarden.caddy',
    ]);
  });

  it('mounts the Caddy folder read-only and keeps CADDY_ADMIN out of the container', () => {
    const unit = Testing.synth(sodimo().app)['.config/containers/systemd/caddy.container'];
    expect(unit).to.match(/^Volume=%h\/\.config\/caddy:\/etc\/caddy:ro,Z$/m);
    expect(unit).to.match(/^PublishPort=127\.0\.0\.1:80:80$/m);
    expect(unit).not.to.contain('CADDY_ADMIN');
  });

  it('routes path matchers before the main upstream', () => {
    const { app, caddy, web } = small();
    const api = new Container(caddy.site, 'api', { image: 'docker.io/library/nginx:1.27', ports: [9000] });
    new Route(caddy, 'web', { host: 'www.example.org', target: web.port(80), paths: [{ path: '/api/*', target: api.port(9000) }] });
    expect(Testing.synth(app)[`${CADDY_DIR}/routes/web.caddy`]).to.match(/\{\n\treverse_proxy \/api\/\* api:9000\n\treverse_proxy web:80\n\}\n$/);
  });

  describe('conformance (caddy validate, caddy adapt, caddy fmt, quadlet)', function () {
    before(function () {
      need(this, 'caddy');
    });

    it('caddy validate accepts the main Caddyfile and every route file on its own', () => {
      const tree = Testing.area(Testing.synth(sodimo().app), CADDY_DIR);
      const main = caddyValidate(tree);
      expect(main.ok, main.output).to.equal(true);
      const routes = Object.keys(tree).filter((f) => f.startsWith('routes/'));
      expect(routes).to.have.length(4);
      for (const f of routes) {
        const r = caddyValidate({ [f]: tree[f] }, f);
        expect(r.ok, `${f}: ${r.output}`).to.equal(true);
      }
    });

    it('caddy adapt: listens on :80 only, one host matcher per route, the expected dials, the catch-all last', () => {
      const res = caddyAdapt(Testing.area(Testing.synth(sodimo().app), CADDY_DIR));
      expect(res.ok, res.output).to.equal(true);
      expect(res.output).not.to.contain('not formatted');
      expect(res.config.admin).to.deep.equal({ disabled: true });
      const servers = res.config.apps.http.servers;
      expect(Object.keys(servers)).to.have.length(1);
      const server: any = Object.values(servers)[0];
      expect(server.listen).to.deep.equal([':80']);
      const dials = new Map<string, string[]>();
      for (const route of server.routes.slice(0, -1)) {
        expect(route.match).to.have.length(1);
        expect(route.match[0].host).to.have.length(1);
        dials.set(route.match[0].host[0], [...JSON.stringify(route.handle).matchAll(/"dial":"([^"]+)"/g)].map((m) => m[1]));
      }
      expect(Object.fromEntries([...dials].sort())).to.deep.equal({
        'chat.sodimo.eu': ['openwebui:8080'],
        'cockpit.sodimo.eu': ['host.containers.internal:9090'],
        'paperclip.sodimo.eu': ['paperclip:3100'],
        'vault.sodimo.eu': ['vaultwarden:80'],
      });
      const last = server.routes[server.routes.length - 1];
      expect(last.match).to.equal(undefined);
      expect(JSON.stringify(last.handle)).to.contain('"status_code":404');
    });

    it('the adapt checks catch a route file that validate accepts (upstream port 80800)', () => {
      const tree = Testing.area(Testing.synth(sodimo().app), CADDY_DIR);
      tree['routes/openwebui.caddy'] = tree['routes/openwebui.caddy'].replace('openwebui:8080', 'openwebui:80800');
      expect(caddyValidate(tree).ok).to.equal(true);
      const res = caddyAdapt(tree);
      expect(JSON.stringify(res.config)).to.contain('"dial":"openwebui:80800"');
    });

    it('the output is what caddy fmt writes', () => {
      const tree = Testing.area(Testing.synth(sodimo().app), CADDY_DIR);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caddy-fmt-'));
      try {
        for (const [name, content] of Object.entries(tree)) {
          const file = path.join(dir, name.replace('/', '_'));
          fs.writeFileSync(file, content);
          const out = spawnSync(found.caddy!, ['fmt', file], { encoding: 'utf8' });
          expect(out.stdout, name).to.equal(content);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the quadlet dry run accepts the Caddy container', function () {
      need(this, 'quadlet');
      const res = quadletDryRun(Testing.area(Testing.synth(sodimo().app), '.config/containers/systemd'));
      expect(res.ok, res.stderr).to.equal(true);
      expect(res.services['caddy.service']).to.contain('-v %h/.config/caddy:/etc/caddy:ro,Z');
    });
  });

  describe('checks', () => {
    it('CADDY001: CADDY_ADMIN on the Caddy container, directly or from an env file', () => {
      const { app, site } = Testing.site({ domains: ['example.org'] });
      new Caddy(site, 'caddy', { environment: { CADDY_ADMIN: 'off' } });
      const [d] = expectDiagnostic(app, 'CADDY001', 'error');
      expect(d?.message).to.contain('value "off"');
      expect(d?.hint).to.contain('admin off');
    });

    it('CADDY002 / CADDY003: no :80 on the host, or a dead :443', () => {
      const a = Testing.site();
      new Caddy(a.site, 'caddy', { publish: [] });
      expectDiagnostic(a.app, 'CADDY002', 'error');
      const b = Testing.site();
      new Caddy(b.site, 'caddy', { publish: [{ container: 80, host: 80 }, { container: 443, host: 443 }] });
      expect(Testing.codes(b.app)).to.deep.equal(['CADDY003']);
      expectDiagnostic(b.app, 'CADDY003', 'warning');
    });

    it('CADDY010: one hostname routed twice (even through two Caddies)', () => {
      const { app, caddy, web } = small();
      new Route(caddy, 'a', { host: 'www.example.org', target: web.port(80) });
      new Route(caddy, 'b', { host: 'www.example.org', target: web.port(80) });
      expect(Testing.codes(app)).to.deep.equal(['CADDY010']);
      expectDiagnostic(app, 'CADDY010', 'error');
    });

    it('CADDY011 / CADDY012: hostname outside the site domains, or not a hostname', () => {
      const { app, caddy, web } = small();
      new Route(caddy, 'other', { host: 'www.example.com', target: web.port(80) });
      new Route(caddy, 'apex', { host: 'example.org', target: web.port(80) });
      new Route(caddy, 'lookalike', { host: 'badexample.org', target: web.port(80) });
      for (const [i, host] of ['http://www.example.org', 'www.example.org:80', 'WWW.example.org', 'a.*.example.org', 'www.example.org/x'].entries()) {
        new Route(caddy, `bad${i}`, { host, target: web.port(80) });
      }
      expect(Testing.codes(app)).to.deep.equal(['CADDY011', 'CADDY011', 'CADDY012', 'CADDY012', 'CADDY012', 'CADDY012', 'CADDY012']);
      expectDiagnostic(app, 'CADDY011', 'error');
      expectDiagnostic(app, 'CADDY012', 'error');
    });

    it('CADDY013: target on no network Caddy joins', () => {
      const { app, site, caddy } = small();
      const lonely = new Container(site, 'lonely', { image: 'docker.io/library/nginx:1.27', ports: [80], networks: [new Network(site, 'private')] });
      new Route(caddy, 'lonely', { host: 'lonely.example.org', target: lonely.port(80) });
      const d = Testing.diagnostics(app);
      expect(d.map((x) => x.code)).to.deep.equal(['CADDY013']);
      expect(d[0].message).to.contain('Caddy: edge; target: private');
    });

    it('CADDY019 / PORT003: an undeclared container port, a host port out of range', () => {
      const { app, caddy, web } = small();
      new Route(caddy, 'web', { host: 'www.example.org', target: web.port(8080) });
      new Route(caddy, 'cockpit', { host: 'cockpit.example.org', hostPort: 90900 });
      expect(Testing.codes(app)).to.deep.equal(['CADDY019', 'PORT003']);
      expectDiagnostic(app, 'CADDY019', 'error');
      expectDiagnostic(app, 'PORT003', 'error');
    });

    it('CADDY014 / CADDY015: no upstream, two upstreams, an upstream with a path or no port', () => {
      const { app, caddy, web } = small();
      new Route(caddy, 'none', { host: 'a.example.org' });
      new Route(caddy, 'two', { host: 'b.example.org', target: web.port(80), hostPort: 9090 });
      new Route(caddy, 'path', { host: 'c.example.org', upstream: 'http://nas.lan:5000/api' });
      new Route(caddy, 'slash', { host: 'd.example.org', upstream: 'nas.lan:5000/' });
      new Route(caddy, 'noport', { host: 'e.example.org', upstream: 'nas.lan' });
      new Route(caddy, 'ok', { host: 'f.example.org', upstream: 'https://nas.lan' });
      new Route(caddy, 'ok2', { host: 'g.example.org', upstream: '192.168.1.5:5000' });
      expect(Testing.codes(app)).to.deep.equal(['CADDY014', 'CADDY014', 'CADDY015', 'CADDY015', 'CADDY015']);
      expectDiagnostic(app, 'CADDY014', 'error');
      expectDiagnostic(app, 'CADDY015', 'error');
    });

    it('CADDY016 / CADDY018: bad path matchers, bad route names', () => {
      const { app, caddy, web } = small();
      new Route(caddy, 'paths', {
        host: 'www.example.org',
        target: web.port(80),
        paths: [{ path: 'api', target: web.port(80) }, { path: '/a b', target: web.port(80) }, { path: '/x', target: web.port(80) }, { path: '/x', target: web.port(80) }],
      });
      new Route(caddy, 'dot', { name: '.hidden', host: 'dot.example.org', target: web.port(80) });
      expect(Testing.codes(app)).to.deep.equal(['CADDY016', 'CADDY016', 'CADDY016', 'CADDY018']);
      expectDiagnostic(app, 'CADDY016', 'error');
      expectDiagnostic(app, 'CADDY018', 'error');
    });

    it('CADDY017: the chapter\'s WebSocket route to vaultwarden:3012 warns on images without that port', () => {
      const { app, site, caddy } = small();
      const vw = new Container(site, 'vaultwarden', { image: 'docker.io/vaultwarden/server:1.32.7', ports: [80, 3012] });
      new Route(caddy, 'vault', { host: 'vault.example.org', target: vw.port(80), paths: [{ path: '/notifications/hub', target: vw.port(3012) }] });
      const d = Testing.diagnostics(app);
      expect(d.map((x) => x.code)).to.deep.equal(['CADDY017']);
      expect(d[0].severity).to.equal('warning');
      expect(d[0].hint).to.contain('vaultwarden:80');
      expect(() => Testing.synth(app)).not.to.throw();
    });

    it('knows which vaultwarden tags still had the WebSocket port', () => {
      expect(droppedPort('docker.io/vaultwarden/server:1.28.1', 3012)).to.equal(undefined);
      expect(droppedPort('docker.io/vaultwarden/server:1.29.0', 3012)?.usePort).to.equal(80);
      expect(droppedPort('docker.io/vaultwarden/server:1.32.7-alpine', 3012)).not.to.equal(undefined);
      expect(droppedPort('docker.io/vaultwarden/server:latest', 3012)).not.to.equal(undefined);
      expect(droppedPort('vaultwarden/server:1.32.7', 3012)).not.to.equal(undefined);
      expect(droppedPort('docker.io/vaultwarden/server:1.32.7', 80)).to.equal(undefined);
      expect(droppedPort('docker.io/library/nginx:1.27', 3012)).to.equal(undefined);
    });
  });

  describe('direct ports (mail)', () => {
    const MAIL = [25, 587, 465, 143, 993];

    it('mail ports publish on all interfaces when marked public', () => {
      const { app, site } = Testing.site();
      new Container(site, 'postfix', { image: 'docker.io/boky/postfix:4.3.0', publish: [25, 587, 465].map((p) => ({ container: p, public: true })) });
      new Container(site, 'dovecot', { image: 'docker.io/dovecot/dovecot:2.3.21.1', publish: [143, 993].map((p) => ({ container: p, public: true })) });
      const files = Testing.synth(app);
      const published = (unit: string) => files[`.config/containers/systemd/${unit}.container`].match(/^PublishPort=.*$/gm);
      expect(published('postfix')).to.deep.equal(['PublishPort=25:25', 'PublishPort=587:587', 'PublishPort=465:465']);
      expect(published('dovecot')).to.deep.equal(['PublishPort=143:143', 'PublishPort=993:993']);
    });

    it('PORT002: the same ports on all interfaces without public', () => {
      const { app, site } = Testing.site();
      new Container(site, 'postfix', { image: 'docker.io/boky/postfix:4.3.0', publish: MAIL.map((p) => ({ container: p, bind: '0.0.0.0' })) });
      expect(Testing.codes(app)).to.deep.equal(MAIL.map(() => 'PORT002'));
      expectDiagnostic(app, 'PORT002', 'error');
    });

    it('without public or bind, ports stay on loopback', () => {
      const { app, site } = Testing.site();
      new Container(site, 'postfix', { image: 'docker.io/boky/postfix:4.3.0', publish: [{ container: 25 }] });
      expect(Testing.synth(app)['.config/containers/systemd/postfix.container']).to.match(/^PublishPort=127\.0\.0\.1:25:25$/m);
    });
  });
});

describe('Tunnel', () => {
  const config = (app: ReturnType<typeof Testing.site>['app']) => parseYaml(Testing.synth(app)['host/etc/cloudflared/config.yml']);

  it('derives one wildcard rule per routed domain to Caddy\'s loopback port, the catch-all last', () => {
    const doc = config(sodimo().app);
    expect(doc).to.deep.equal({
      'tunnel': TUNNEL_ID,
      'credentials-file': `/etc/cloudflared/${TUNNEL_ID}.json`,
      'originRequest': { connectTimeout: '30s' },
      'ingress': [{ hostname: '*.sodimo.eu', service: 'http://127.0.0.1:80' }, { service: 'http_status:404' }],
    });
    expect(checkIngress(doc.ingress)).to.deep.equal([]);
  });

  it('per-host rules, an apex route, extra rules first, another loopback port', () => {
    const { app, site } = Testing.site({ domains: ['example.org', 'example.net'] });
    new Network(site, 'edge', { default: true });
    const caddy = new Caddy(site, 'caddy', { publish: [{ container: 80, host: 8080 }] });
    new Route(caddy, 'apex', { host: 'example.org', hostPort: 3000 });
    new Route(caddy, 'www', { host: 'www.example.org', hostPort: 3000 });
    new Route(caddy, 'net', { host: 'example.net', hostPort: 3000 });
    const ssh: IngressRule = { hostname: 'ssh.example.org', service: 'ssh://localhost:22' };
    new Tunnel(site, 'wild', { caddy, tunnelId: 'home', configPath: 'etc/cloudflared/wild.yml', extraRules: [ssh] });
    new Tunnel(site, 'exact', { caddy, tunnelId: 'home', ingress: 'per-host', configPath: 'etc/cloudflared/exact.yml', catchAllStatus: 421 });
    const files = Testing.synth(app);
    const svc = 'http://127.0.0.1:8080';
    expect(parseYaml(files['host/etc/cloudflared/wild.yml']).ingress).to.deep.equal([
      ssh, { hostname: 'example.org', service: svc }, { hostname: '*.example.org', service: svc }, { hostname: 'example.net', service: svc }, { service: 'http_status:404' },
    ]);
    expect(parseYaml(files['host/etc/cloudflared/exact.yml']).ingress.map((r: IngressRule) => r.hostname ?? r.service)).to.deep.equal([
      'example.net', 'example.org', 'www.example.org', 'http_status:421',
    ]);
  });

  it('checks the ingress rules with cloudflared\'s loader rules (TUNNEL002-005)', () => {
    const { app, site, caddy, web } = small();
    new Route(caddy, 'web', { host: 'www.example.org', target: web.port(80) });
    new Tunnel(site, 'cf', {
      caddy,
      tunnelId: TUNNEL_ID,
      catchAllStatus: 1000,
      extraRules: [
        { service: 'http_status:503' },
        { hostname: 'a.example.org:443', service: 'http://localhost:80' },
        { hostname: 'a.*.example.org', service: 'http://localhost:80' },
        { hostname: 'b.example.org', service: 'http://localhost:80/' },
        { hostname: 'c.example.org', service: 'localhost:80' },
        { hostname: 'd.example.org', path: '(unclosed', service: 'http://localhost:80' },
      ],
    });
    const d = Testing.diagnostics(app).filter((x) => x.code.startsWith('TUNNEL'));
    expect(d.map((x) => `${x.code} ${x.message}`)).to.deep.equal([
      'TUNNEL002 Rule #1 is matching the hostname \'\', but this will match every hostname, meaning the rules which follow it will never be triggered.',
      'TUNNEL003 Rule #2: Hostname cannot contain a port',
      'TUNNEL003 Rule #3: Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"',
      'TUNNEL004 Rule #4: http://localhost:80/ is an invalid address, ingress rules don\'t support proxying to a different path on the origin service. The path will be the same as the eyeball request\'s path',
      'TUNNEL004 Rule #5: localhost:80 is an invalid address, please make sure it has a scheme and a hostname',
      'TUNNEL004 Rule #8: invalid HTTP status code: 1000',
      'TUNNEL005 Rule #6 has an invalid regex',
    ]);
  });

  it('agrees with the reference sample and its broken variants', () => {
    // samples/cloudflared-config.yml of the reference notes: explicit hosts, a wildcard, the catch-all.
    const sample: IngressRule[] = [
      { hostname: 'chat.sodimo.eu', service: 'http://127.0.0.1:80' },
      { hostname: 'vault.sodimo.eu', service: 'http://127.0.0.1:80' },
      { hostname: '*.sodimo.eu', service: 'http://127.0.0.1:80' },
      { service: 'http_status:404' },
    ];
    expect(checkIngress(sample)).to.deep.equal([]);
    expect(checkIngress([])).to.deep.equal([{ code: 'TUNNEL002', message: "The config file doesn't contain any ingress rules" }]);
    expect(checkIngress([{ hostname: 'chat.sodimo.eu', service: 'http://127.0.0.1:80' }]).map((p) => p.message)).to.deep.equal([
      'The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)',
    ]);
    expect(checkIngress([{ path: '^/api', service: 'http://127.0.0.1:80' }])[0].code).to.equal('TUNNEL002');
    expect(checkIngress([{ hostname: '*', service: 'hello_world' }])).to.deep.equal([]);
    expect(checkIngress([{ hostname: 'x.sodimo.eu', service: 'unix:/run/x.sock' }, { service: 'bastion' }])).to.deep.equal([]);
  });

  it('TUNNEL001 / TUNNEL006 / TUNNEL007 / TUNNEL008 / TUNNEL009', () => {
    const a = small();
    new Tunnel(a.site, 'cf', { caddy: a.caddy, tunnelId: 'has space', credentialsFile: 'creds.json', originRequest: { connectTimout: '30s' } });
    expect(Testing.codes(a.app)).to.deep.equal(['TUNNEL001', 'TUNNEL006', 'TUNNEL006', 'TUNNEL008']);
    expectDiagnostic(a.app, 'TUNNEL001', 'warning');
    expectDiagnostic(a.app, 'TUNNEL006', 'error');
    expectDiagnostic(a.app, 'TUNNEL008', 'error');

    const b = Testing.site({ domains: ['example.org'] });
    const caddy = new Caddy(b.site, 'caddy', { publish: [] });
    new Route(caddy, 'cockpit', { host: 'cockpit.example.org', hostPort: 9090 });
    new Tunnel(b.site, 'cf', { caddy, tunnelId: '', extraRules: [{ hostname: '*.example.org', service: 'http://localhost:9000' }] });
    expect(Testing.codes(b.app)).to.deep.equal(['CADDY002', 'TUNNEL006', 'TUNNEL007', 'TUNNEL009']);
    expectDiagnostic(b.app, 'CADDY002', 'error');
    expectDiagnostic(b.app, 'TUNNEL006', 'error');
    expectDiagnostic(b.app, 'TUNNEL007', 'error');
    expectDiagnostic(b.app, 'TUNNEL009', 'warning');
  });
});
