import { expect } from 'chai';
import homelab from '../../examples/homelab/app';
import { App, BackupJob, Volume } from '../../lib';
import { Testing } from '../../lib/testing';
import { caddyDials, dryRunSite, expectNoSecretValues, needs, publishedPorts, QUADLET, synthExample, USER_UNITS, verifySite } from './support';

const synth = () => synthExample(homelab);

describe('examples/homelab', () => {
  it('synthesizes with no diagnostics and matches the golden tree', () => {
    expect(Testing.golden(synth(), 'test/examples/__golden__/homelab')).to.deep.equal([]);
  });

  it('builds the vault, the wiki with its Postgres, Immich with its Postgres, Valkey and ML, and the backups', () => {
    const files = synth();
    const units = (dir: string, ext: string) => Object.keys(Testing.area(files, dir)).filter((f) => f.endsWith(ext)).sort();
    expect(units(QUADLET, '.container')).to.deep.equal([
      'caddy.container', 'immich-db.container', 'immich-machine-learning.container', 'immich-redis.container', 'immich.container',
      'vaultwarden.container', 'wiki-db.container', 'wiki.container',
    ]);
    expect(units(QUADLET, '.volume')).to.deep.equal([
      'db-dumps.volume', 'immich-data.volume', 'immich-db-data.volume', 'immich-model-cache.volume', 'vaultwarden-data.volume', 'wiki-db-data.volume',
    ]);
    expect(units(USER_UNITS, '')).to.deep.equal(['backup.service', 'backup.timer', 'homelab-secrets.service', 'homelab.target', 'wiki-db-dump.service', 'wiki-db-dump.timer']);
    expect(Object.keys(Testing.area(files, '.config/caddy/routes')).sort()).to.deep.equal(['immich.caddy', 'vaultwarden.caddy', 'wiki.caddy']);
    expect(files['host/etc/cloudflared/config.yml']).to.contain('hostname: photos.example.net');
  });

  it('wires Immich by the variables it reads, not by URLs it cannot parse', () => {
    const env = synth()['.config/homelab/immich.env.tmpl'];
    for (const line of ['DB_HOSTNAME=immich-db', 'DB_USERNAME=immich', 'DB_DATABASE_NAME=immich', 'REDIS_HOSTNAME=immich-redis', 'IMMICH_MACHINE_LEARNING_URL=http://immich-machine-learning:3003']) {
      expect(env).to.contain(`\n${line}\n`);
    }
    expect(env).to.not.contain('REDIS_URL');
    // The password is the database's podman secret, listed in no template.
    expect(env).to.not.contain('DB_PASSWORD');
    expect(synth()['.config/containers/systemd/immich.container']).to.match(/^Secret=immich-db-password,type=env,target=DB_PASSWORD$/m);
  });

  it('publishes nothing but Caddy, on loopback, and writes no secret value', () => {
    const files = synth();
    expect(publishedPorts(files)).to.deep.equal(['127.0.0.1:80:80']);
    expectNoSecretValues(files, 2); // database passwords are podman secrets now, not template entries
  });

  it('backs up a dump of the wiki database, not its live files; copying them would be PATTERN006', () => {
    const files = synth();
    expect(files[`${USER_UNITS}/wiki-db-dump.service`]).to.contain('pg_dump -h wiki-db');
    expect(files[`${USER_UNITS}/backup.service`]).to.contain('--volume=db-dumps:/backup/db-dumps:ro');
    expect(files[`${USER_UNITS}/backup.service`]).to.not.contain('wiki-db-data');
    const app = new App({ outdir: '/nonexistent/quadlet-cdk-examples' });
    const site = homelab(app);
    new BackupJob(site, 'copy-db', { volumes: [site.node.findChild('wiki-db-data') as Volume], target: '/mnt/backup/raw' });
    expect(Testing.diagnostics(app).map((d) => `${d.severity} ${d.code} ${d.path}`)).to.deep.equal(['warning PATTERN006 homelab/copy-db']);
  });

  it('every quadlet unit passes the real generator', function () {
    needs('quadlet', this);
    const r = dryRunSite(synth());
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services)).to.include.members([
      'caddy.service', 'immich.service', 'immich-db.service', 'immich-redis.service', 'immich-machine-learning.service',
      'vaultwarden.service', 'wiki.service', 'wiki-db.service', 'homelab-network.service', 'db-dumps-volume.service',
    ]);
  });

  it('the timers, their services and the target pass systemd-analyze verify beside the generated services', function () {
    needs('quadlet', this);
    needs('systemdAnalyze', this);
    const r = verifySite(synth());
    expect(r.ok, r.output).to.equal(true);
    expect(Object.keys(r.perUnit)).to.include.members(['backup.timer', 'backup.service', 'wiki-db-dump.timer', 'wiki-db-dump.service', 'homelab.target']);
  });

  it('the Caddyfile and routes pass caddy validate, and adapt to the three apps', function () {
    needs('caddy', this);
    expect(caddyDials(synth())).to.deep.equal(['immich:2283', 'vaultwarden:80', 'wiki:3000']);
  });
});
