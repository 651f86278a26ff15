import { expect } from 'chai';
import { Container, Network, WebApp } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { caddyOf, cleanSynth, dryRun, found, lab, needQuadlet } from './support';

/** Wiki.js on Postgres (by parts) with Redis and a route; a pastebin with a volume and no sidecars. */
function apps() {
  const t = lab();
  const caddy = caddyOf(t.site);
  const wiki = new WebApp(t.site, 'wiki', {
    image: 'ghcr.io/requarks/wiki:2.5.304',
    port: 3000,
    host: 'wiki.example.org',
    caddy,
    database: { postgres: { connect: { hostVar: 'DB_HOST', portVar: 'DB_PORT', userVar: 'DB_USER', passwordVar: 'DB_PASS', databaseVar: 'DB_NAME' } } },
    cache: true,
    env: { DB_TYPE: 'postgres' },
    secrets: { SESSION_SECRET: { description: 'openssl rand -hex 32' } },
  });
  const paste = new WebApp(t.site, 'paste', {
    image: 'docker.io/example/paste:1.4.0',
    port: 8080,
    publish: [{ container: 8080, host: 8088 }],
    dataPath: '/var/lib/paste',
  });
  return { ...t, caddy, wiki, paste };
}

describe('patterns: WebApp', () => {
  it('matches the golden tree', () => {
    expect(Testing.golden(cleanSynth(apps().app), 'test/patterns/__golden__/web-app')).to.deep.equal([]);
  });

  it('passes the real quadlet generator', function () {
    needQuadlet(this);
    const r = dryRun(cleanSynth(apps().app));
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services)).to.include.members(['wiki.service', 'wiki-db.service', 'wiki-redis.service', 'paste.service', 'paste-data-volume.service']);
  });

  it('creates and wires its sidecars, env file and route', () => {
    const { wiki, paste } = apps();
    expect(wiki.database!.container.name).to.equal('wiki-db');
    expect(wiki.cache!.container.name).to.equal('wiki-redis');
    expect(wiki.container.dependencies.map((d) => d.unit).filter((u) => u instanceof Container)).to.have.members([wiki.database!.container, wiki.cache!.container]);
    expect(wiki.envFile!.variables).to.deep.equal(['DB_HOST', 'DB_NAME', 'DB_PORT', 'DB_TYPE', 'DB_USER', 'REDIS_URL', 'SESSION_SECRET']);
    // DB_PASS is the database's podman secret, not a template entry.
    expect(wiki.container.secretMounts.map((m) => m.env)).to.deep.equal(['DB_PASS']);
    expect(wiki.route!.fileName).to.equal('routes/wiki.caddy');
    expect(wiki.url('/graphql')).to.equal('http://wiki:3000/graphql');
    expect(paste.envFile).to.equal(undefined);
    expect(paste.volume!.volumeName).to.equal('paste-data');
  });

  it('puts its sidecars on its own networks', () => {
    const t = lab();
    const back = new Network(t.site, 'back');
    const app = new WebApp(t.site, 'app', { image: 'docker.io/example/app:1.0.0', port: 80, networks: [back], database: { mariadb: {} }, cache: { purpose: 'sessions' } });
    expect(app.database!.container.networks).to.deep.equal([back]);
    expect(app.cache!.container.networks).to.deep.equal([back]);
    expect(found(t.app)).to.deep.equal([]);
  });

  it('a host without a caddy, or a caddy without a host (PATTERN004)', () => {
    const t = lab();
    new WebApp(t.site, 'app-a', { image: 'docker.io/example/a:1.0.0', port: 80, host: 'a.example.org' });
    new WebApp(t.site, 'app-b', { image: 'docker.io/example/b:1.0.0', port: 80, caddy: caddyOf(t.site) });
    expect(found(t.app)).to.deep.equal(['PATTERN004 lab/app-a', 'PATTERN004 lab/app-b']);
    expectDiagnostic(t.app, 'PATTERN004', 'error');
  });

  it('route checks still apply: a host outside the site\'s domains (CADDY011)', () => {
    const t = lab();
    new WebApp(t.site, 'a', { image: 'docker.io/example/a:1.0.0', port: 80, host: 'a.example.com', caddy: caddyOf(t.site) });
    expectDiagnostic(t.app, 'CADDY011', 'error');
  });

  it('healthPath becomes the health check dependents can wait for; a bad path is PATTERN009 (error)', () => {
    const t = lab();
    const api = new WebApp(t.site, 'api', { image: 'docker.io/example/api:1.2.0', port: 8080, healthPath: '/alive' });
    const worker = new WebApp(t.site, 'worker', { image: 'docker.io/example/worker:1.2.0', port: 9000 });
    worker.container.dependsOn(api.container, { ready: 'healthy' });
    const files = Testing.synth(t.app);
    const unit = files['.config/containers/systemd/api.container'];
    expect(unit).to.contain('HealthCmd=curl -fsS -o /dev/null http://127.0.0.1:8080/alive || wget -q -O /dev/null http://127.0.0.1:8080/alive\n');
    expect(unit).to.match(/^Notify=healthy$/m);
    expect(files['.config/containers/systemd/worker.container']).to.match(/^Requires=api\.service$/m);

    const bad = lab();
    new WebApp(bad.site, 'api', { image: 'docker.io/example/api:1.2.0', port: 8080, healthPath: 'alive now' });
    const diags = expectDiagnostic(bad.app, 'PATTERN009', 'error');
    expect(diags.map((d) => d.message)).to.deep.equal(['api: health path "alive now" is not a URL path (it must start with "/" and hold no spaces or quotes)']);
  });
});
