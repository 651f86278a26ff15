import { expect } from 'chai';
import realRun from '../../examples/real-run/app';
import { App, SiteConfig } from '../../lib';
import { Testing } from '../../lib/testing';
import { caddyDials, dryRunSite, expectNoSecretValues, needs, QUADLET, synthExample, USER_UNITS, verifySite } from './support';

const synth = () => synthExample((app) => realRun(app));

describe('examples/real-run', () => {
  it('every image comes from site.toml and names a stand-in of the real-run harness', () => {
    const files = synth();
    const images = Object.entries(files).flatMap(([, text]) => [...text.matchAll(/^Image=(.*)$/gm)].map((m) => m[1]));
    expect([...new Set(images)].sort()).to.deep.equal([
      'localhost/quadlet-cdk-e2e/app:1', 'localhost/quadlet-cdk-e2e/caddy:1', 'localhost/quadlet-cdk-e2e/postgres:1', 'localhost/quadlet-cdk-e2e/valkey:1',
    ]);
    expect(files[`${USER_UNITS}/notes-db-dump.service`]).to.contain(' localhost/quadlet-cdk-e2e/postgres:1 -c ');
  });

  it('the same app.ts runs real images when site.toml pins them', () => {
    const app = new App({ outdir: '/nonexistent' });
    const cfg = SiteConfig.fromString(app, [
      '[site]', 'name = "real-run"', 'domains = ["example.org"]', '[site.network]', 'subnet = "10.90.41.0/24"', '[images]',
      'caddy = "docker.io/library/caddy:2.8.4-alpine"', 'postgres = "docker.io/library/postgres:16.4"',
      'valkey = "docker.io/valkey/valkey:8.1.3-bookworm"', 'app = "ghcr.io/example/notes:1.0.0"',
    ].join('\n'), 'site.toml');
    realRun(app, cfg);
    const files = Testing.synth(app);
    expect(files[`${QUADLET}/notes-db.container`]).to.contain('\nImage=docker.io/library/postgres:16.4\n');
    expect(files['.config/caddy/routes/notes.caddy']).to.contain('http://notes.example.org');
  });

  it('wires notes to its database and cache by name and writes no secret value', () => {
    const files = synth();
    expect(files['.config/real-run/notes.env.tmpl']).to.match(/^DB_HOST=notes-db$/m);
    expect(files['.config/real-run/notes.env.tmpl']).to.match(/^REDIS_HOST=notes-redis$/m);
    expect(files[`${USER_UNITS}/notes-db-dump.timer`]).to.contain('OnCalendar=*-*-* 03:00:00 Europe/Paris');
    // The database password is a podman secret both containers draw from, not a template entry.
    expect(files[`${QUADLET}/notes.container`]).to.contain('Secret=notes-db-password,type=env,target=DB_PASS');
    expect(files[`${QUADLET}/notes-db.container`]).to.contain('Secret=notes-db-password,type=env,target=POSTGRES_PASSWORD');
    // The nightly dump reads the same secret, after the unit that creates it.
    const dump = files[`${USER_UNITS}/notes-db-dump.service`];
    expect(dump).to.contain(' --secret=notes-db-password,type=env,target=PGPASSWORD ');
    expect(dump).to.match(/^Requires=.*\breal-run-secrets\.service\b/m);
    expectNoSecretValues(files, 0);
  });

  it('passes the real generator, systemd-analyze verify and caddy', function () {
    needs('quadlet', this);
    needs('systemdAnalyze', this);
    needs('caddy', this);
    const files = synth();
    const r = dryRunSite(files);
    expect(r.ok, r.stderr).to.equal(true);
    const v = verifySite(files);
    expect(v.ok, v.output).to.equal(true);
    expect(caddyDials(files)).to.deep.equal(['hello:8080', 'notes:8080']);
  });
});
