import { expect } from 'chai';
import { Container, EnvFile, Network, PostgresDatabase, MariaDb, RedisCache, Volume } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { cleanSynth, dryRun, found, lab, needQuadlet } from './support';

/** A wiki on Postgres (URL and parts), a forum on MariaDB, both with Redis. */
function sidecars() {
  const t = lab();
  const wikiEnv = new EnvFile(t.site, 'wiki-env', { name: 'wiki', values: { DB_TYPE: 'postgres' } });
  const wiki = new Container(t.site, 'wiki', { image: 'ghcr.io/requarks/wiki:2.5.304', ports: [3000] });
  const wikiDb = new PostgresDatabase(t.site, 'wiki-db', { pgvector: true });
  wikiDb.connect(wiki, { envFile: wikiEnv });
  wikiDb.connect(wiki, { envFile: wikiEnv, hostVar: 'DB_HOST', portVar: 'DB_PORT', userVar: 'DB_USER', databaseVar: 'DB_NAME', passwordVar: 'DB_PASS' });
  const cache = new RedisCache(t.site, 'wiki-redis', { purpose: 'Wiki.js', persistent: true });
  cache.connect(wiki, { db: 1 });

  const forumEnv = new EnvFile(t.site, 'forum-env', { name: 'forum' });
  const forum = new Container(t.site, 'forum', { image: 'docker.io/example/forum:3.1.0', ports: [80] });
  const forumDb = new MariaDb(t.site, 'forum-mysql', { volumeName: 'forum-mysql' });
  forumDb.connect(forum, { envFile: forumEnv });
  return { ...t, wiki, wikiDb, wikiEnv, cache, forum, forumDb };
}

describe('patterns: PostgresDatabase, MariaDb, RedisCache', () => {
  it('match the golden tree', () => {
    expect(Testing.golden(cleanSynth(sidecars().app), 'test/patterns/__golden__/databases')).to.deep.equal([]);
  });

  it('pass the real quadlet generator', function () {
    needQuadlet(this);
    const r = dryRun(cleanSynth(sidecars().app));
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services)).to.include.members(['wiki-db.service', 'wiki-db-data-volume.service', 'forum-mysql.service', 'forum-mysql-volume.service', 'wiki-redis.service']);
  });

  it('name their files as an author would, and keep construct ids beside them', () => {
    const s = sidecars();
    expect(s.wikiDb.container.node.path).to.equal('lab/wiki-db');
    expect(s.wikiDb.volume.node.path).to.equal('lab/wiki-db-data');
    expect(s.wikiDb.envFile.node.path).to.equal('lab/wiki-db-env');
    // The volume named like the container gets the kind as a suffix on its construct id only.
    expect(s.forumDb.volume.node.path).to.equal('lab/forum-mysql-volume');
    expect(s.forumDb.volume.volumeName).to.equal('forum-mysql');
  });

  it('describe the connection URL without the password, and wire the consumer', () => {
    const s = sidecars();
    expect(s.wikiDb.database).to.equal('wiki');
    expect(s.wikiDb.url()).to.equal('postgresql://wiki:<podman secret wiki-db-password>@wiki-db:5432/wiki');
    expect(s.wikiDb.url({ scheme: 'postgres' })).to.match(/^postgres:\/\//);
    expect(s.cache.url()).to.equal('redis://wiki-redis:6379');
    expect(s.wiki.dependencies.map((d) => [d.unit, d.strength, d.ready])).to.deep.include.members([
      [s.wikiDb.container, 'requires', 'healthy'], [s.cache.container, 'requires', 'healthy'],
    ]);
    expect(s.wiki.envFiles).to.deep.equal([s.wikiEnv]);
    // The URL is composed at start, the password read from the database's podman secret: no template entry.
    expect(s.wikiEnv.secretNames).to.deep.equal([]);
    expect([...s.wiki.composedEnv.keys()]).to.deep.equal(['DATABASE_URL']);
    expect(s.wiki.secretMounts.map((m) => [m.secret, m.env])).to.deep.equal([[s.wikiDb.passwordSecret, 'DB_PASS']]);
    expect(s.wiki.environment).to.deep.equal({ REDIS_URL: 'redis://wiki-redis:6379/1' });
    expect(s.forum.envValue('MYSQL_HOST')).to.equal('forum-mysql');
  });

  it('RedisCache.connect sets the host and port variables instead of a URL when asked', () => {
    const t = lab();
    const env = new EnvFile(t.site, 'photos-env', { name: 'photos' });
    const photos = new Container(t.site, 'photos', { image: 'ghcr.io/immich-app/immich-server:v2.5.5', ports: [2283] });
    const redis = new RedisCache(t.site, 'photos-redis');
    redis.connect(photos, { envFile: env, hostVar: 'REDIS_HOSTNAME', portVar: 'REDIS_PORT' });
    expect(env.variables).to.deep.equal(['REDIS_HOSTNAME', 'REDIS_PORT']);
    expect(photos.envValue('REDIS_HOSTNAME')).to.equal('photos-redis');
    expect(photos.envValue('REDIS_PORT')).to.equal('6379');
    expect(photos.envFiles).to.deep.equal([env]);
    expect(photos.dependencies.map((d) => d.unit)).to.include(redis.container);
    // Both, when the URL variable is named too.
    const other = new Container(t.site, 'other', { image: 'docker.io/example/app:1.0.0' });
    redis.connect(other, { urlVar: 'REDIS_URL', hostVar: 'REDIS_HOST', db: 2 });
    expect(other.environment).to.deep.equal({ REDIS_URL: 'redis://photos-redis:6379/2', REDIS_HOST: 'photos-redis' });
    expect(found(t.app)).to.deep.equal([]);
  });

  it('default to the official images', () => {
    const t = lab();
    expect(new PostgresDatabase(t.site, 'a-db').container.props.image).to.equal('docker.io/library/postgres:16.9');
    expect(new PostgresDatabase(t.site, 'b-db', { pgvector: true }).container.props.image).to.equal('docker.io/pgvector/pgvector:0.8.0-pg16');
    expect(new MariaDb(t.site, 'c-db').container.props.image).to.equal('docker.io/library/mariadb:11.4.7');
    expect(new RedisCache(t.site, 'd-redis').container.props.image).to.equal('docker.io/library/redis:7.4.5-alpine');
  });

  it('a database or user name that cannot go into a URL (PATTERN002)', () => {
    const t = lab();
    new PostgresDatabase(t.site, 'app-db', { database: 'my db', user: 'ok_user' });
    expect(found(t.app)).to.deep.equal(['PATTERN002 lab/app-db']);
    expectDiagnostic(t.app, 'PATTERN002', 'error');
  });

  it('a consumer on another network than its database (PATTERN003)', () => {
    const t = lab();
    const other = new Network(t.site, 'other');
    const env = new EnvFile(t.site, 'app-env', { name: 'app' });
    const app = new Container(t.site, 'app', { image: 'docker.io/example/app:1.0.0', networks: [other] });
    new PostgresDatabase(t.site, 'app-db').connect(app, { envFile: env });
    new RedisCache(t.site, 'app-redis').connect(app);
    // ENV003 sees the Redis URL (a value); only PATTERN003 sees the database, whose URL is a secret.
    expect(found(t.app)).to.deep.equal(['ENV003 lab/app', 'PATTERN003 lab/app', 'PATTERN003 lab/app']);
    expectDiagnostic(t.app, 'ENV003', 'error');
    expectDiagnostic(t.app, 'PATTERN003', 'error');
  });

  it('never throws on a taken id: PATTERN001, and the resource gets the next free id', () => {
    const t = lab();
    new Volume(t.site, 'app-db-data', { name: 'something-else' });
    const db = new PostgresDatabase(t.site, 'app-db');
    expect(db.volume.node.path).to.equal('lab/app-db-data-2');
    expect(db.volume.volumeName).to.equal('app-db-data');
    expect(found(t.app)).to.deep.equal(['PATTERN001 lab']);
    expectDiagnostic(t.app, 'PATTERN001', 'error');
  });

  it('a different value for a variable connect sets is reported as set twice (ENV001)', () => {
    const t = lab();
    const env = new EnvFile(t.site, 'app-env', { name: 'app', values: { MYSQL_HOST: 'elsewhere' } });
    const app = new Container(t.site, 'app', { image: 'docker.io/example/app:1.0.0' });
    new MariaDb(t.site, 'app-db').connect(app, { envFile: env });
    expectDiagnostic(t.app, 'ENV001', 'error');
  });
});
