// The site the real-run harness (`npx projen e2e`) starts on real systemd 257 and rootless Podman
// 5.4.2: Caddy on 127.0.0.1:80 routing two apps by host name, one app with its PostgreSQL and
// Valkey, and a nightly dump of the database into a volume. Every image comes from site.toml, so
// the harness points them at stand-ins built from Debian packages without touching this file.
// test/e2e/sites.ts lists the checks run against it; README.md says what each part proves.
import * as path from 'path';
import { App, Caddy, ContainerJob, Site, SiteConfig, Target, Timer, Volume, WebApp } from '../../lib';

/** site.toml beside this file, as a path from the working directory (diagnostics name it). */
export const CONFIG_FILE = path.relative(process.cwd(), path.join(__dirname, 'site.toml'));

export default function realRun(app: App, cfg: SiteConfig = SiteConfig.load(app, CONFIG_FILE)): Site {
  const site = cfg.createSite(app, 'real-run');
  const domain = site.domains[0] ?? 'example.test';
  // `systemctl --user start real-run.target` starts everything; every unit is PartOf= it.
  new Target(site, 'target');
  const caddy = new Caddy(site, 'caddy', { image: cfg.image('caddy') });

  // notes: an app that logs in to its PostgreSQL and pings its Valkey, both reached by name.
  const notes = new WebApp(site, 'notes', {
    ...cfg.imageProps('app'),
    port: 8080,
    host: `notes.${domain}`,
    caddy,
    env: { APP_NAME: 'notes', PORT: '8080' },
    database: {
      postgres: {
        image: cfg.image('postgres'),
        connect: { hostVar: 'DB_HOST', portVar: 'DB_PORT', userVar: 'DB_USER', databaseVar: 'DB_NAME', passwordVar: 'DB_PASS' },
      },
    },
    cache: { image: cfg.image('valkey'), purpose: 'notes (sessions)', connect: { hostVar: 'REDIS_HOST' } },
    about: { role: 'a web app with a database and a cache' },
  });
  // hello: a second app, so the Host header decides which one answers.
  new WebApp(site, 'hello', {
    ...cfg.imageProps('app'),
    port: 8080,
    host: `hello.${domain}`,
    caddy,
    env: { APP_NAME: 'hello', PORT: '8080' },
    about: { role: 'a second web app behind the same Caddy' },
  });

  // The nightly dump of notes' database into the db-dumps volume.
  const db = notes.database!;
  const dumps = new Volume(site, 'db-dumps');
  new Timer(site, 'notes-db-dump', {
    description: 'dump the notes database into the db-dumps volume',
    onCalendar: cfg.setting('dump_calendar', '*-*-* 03:00:00 Europe/Paris'),
    persistent: true,
    dependsOn: [db.container],
    job: new ContainerJob({
      image: cfg.image('postgres'),
      networks: site.defaultNetwork ? [site.defaultNetwork] : [],
      envFiles: [db.envFile],
      // The password is the database's one podman secret, read the way the server reads it.
      secrets: [{ secret: db.passwordSecret, env: 'PGPASSWORD' }],
      volumes: [{ volume: dumps, path: '/dumps' }],
      entrypoint: '/bin/sh',
      command: ['-c', `set -eu; pg_dump -h ${db.hostname} -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f /dumps/notes.sql.partial; mv /dumps/notes.sql.partial /dumps/notes.sql`],
    }),
  });
  return site;
}
