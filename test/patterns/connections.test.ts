/**
 * A connection must tell the consumer where its service is: MariaDb.connect writes MYSQL_HOST by
 * default, and any connection that writes neither a URL nor a host variable is PATTERN010.
 */
import { expect } from 'chai';
import { Container, EnvFile, MariaDb, Network, PostgresDatabase, RedisCache } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';

function tree() {
  const { app, site } = Testing.site();
  new Network(site, 'net', { default: true });
  const env = new EnvFile(site, 'app-env', { name: 'app' });
  const consumer = new Container(site, 'app', { image: 'docker.io/example/app:1.0.0' });
  return { app, site, env, consumer };
}

describe('connections name the host (PATTERN010)', () => {
  it('MariaDb.connect writes MYSQL_HOST by default, with the database, user and password', () => {
    const t = tree();
    new MariaDb(t.site, 'app-mysql').connect(t.consumer, { envFile: t.env });
    expect(t.env.valueOf('MYSQL_HOST')).to.equal('app-mysql');
    expect(t.env.has('MYSQL_HOSTNAME')).to.equal(false);
    expect(t.env.variables).to.include.members(['MYSQL_DATABASE', 'MYSQL_USER']);
    // The password comes from the database's podman secret, never from the env file.
    expect(t.env.has('MYSQL_PASSWORD')).to.equal(false);
    expect(Testing.codes(t.app)).to.deep.equal([]);
  });

  it('an image that reads MYSQL_HOSTNAME names it', () => {
    const t = tree();
    new MariaDb(t.site, 'app-mysql').connect(t.consumer, { envFile: t.env, hostVar: 'MYSQL_HOSTNAME', userVar: 'MYSQL_USER' });
    expect(t.env.valueOf('MYSQL_HOSTNAME')).to.equal('app-mysql');
  });

  it('warns when named variables leave out the host (MariaDB, Postgres, Redis)', () => {
    const cases: Array<(t: ReturnType<typeof tree>) => void> = [
      (t) => new MariaDb(t.site, 'app-mysql').connect(t.consumer, { envFile: t.env, userVar: 'MYSQL_USER', passwordVar: 'MYSQL_PASSWORD' }),
      (t) => new PostgresDatabase(t.site, 'app-pg').connect(t.consumer, { envFile: t.env, databaseVar: 'DB_NAME' }),
      (t) => new RedisCache(t.site, 'app-redis').connect(t.consumer, { envFile: t.env, portVar: 'REDIS_PORT' }),
    ];
    for (const build of cases) {
      const t = tree();
      build(t);
      const [d] = expectDiagnostic(t.app, 'PATTERN010', 'warning');
      expect(d.path).to.equal('test/app');
    }
  });
});
