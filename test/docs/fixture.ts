import { Caddy, Route, Tunnel } from '../../lib/caddy';
import { Container, Docs, EnvFile, home, Network, Secret, Volume } from '../../lib';
import { SiteDocs, SiteDocsProps } from '../../lib/docs';
import { ContainerJob, Service, Target, Timer } from '../../lib/systemd';
import { Testing } from '../../lib/testing';

export const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';

/**
 * A small site with everything the docs describe: a wiki with its database, Caddy with a
 * container-port route, a path route and a host-port route, the tunnel, a mail container with a
 * public port, a podman secret, a timer and a host service, under the site target.
 */
export function smallSite(docsProps: SiteDocsProps = {}) {
  const { app, site } = Testing.site({ domains: ['example.org'] }, 'small');
  new Target(site, 'target');
  const net = new Network(site, 'small', { subnet: '10.91.0.0/24', default: true });

  const dbEnv = new EnvFile(site, 'wiki-db-env', {
    name: 'wiki-db',
    values: { POSTGRES_USER: 'wiki', POSTGRES_DB: 'wiki' },
    secrets: { POSTGRES_PASSWORD: { description: 'DESCRIPTION-OF-PG-PASSWORD: openssl rand -hex 24' } },
  });
  const db = new Container(site, 'wiki-db', {
    image: 'docker.io/library/postgres:16.4',
    ports: [5432],
    volumes: [{ volume: new Volume(site, 'wiki-db-data'), path: '/var/lib/postgresql/data' }],
    envFiles: [dbEnv],
    about: { role: 'Postgres for the wiki' },
  });
  const wiki = new Container(site, 'wiki', {
    image: 'ghcr.io/requarks/wiki:2.5.304',
    ports: [3000, 3001],
    publish: [{ host: 3001, container: 3000 }],
    environment: { DB_TYPE: 'postgres', DB_HOST: db.hostname, DB_PORT: '5432', DB_USER: 'wiki', DB_NAME: 'wiki', PIPE: 'a|b' },
    secrets: [
      { secret: new Secret(site, 'wiki-session', { description: 'session key: openssl rand -hex 32' }), env: 'SESSION_KEY' },
      { secret: new Secret(site, 'wiki-db-pass', { description: 'POSTGRES_PASSWORD of wiki-db.env' }), env: 'DB_PASS' },
    ],
    dependsOn: [db],
    about: { upstream: 'requarks/wiki', role: 'the team wiki', notes: ['Search is Postgres full text.'] },
  });

  const caddy = new Caddy(site, 'caddy', { publish: [{ container: 80, host: 80 }] });
  Docs.describe(caddy, { upstream: 'caddyserver/caddy', role: 'reverse proxy', notes: ['Plain HTTP behind the tunnel.'] });
  new Route(caddy, 'wiki', { host: 'wiki.example.org', target: wiki.port(3000), paths: [{ path: '/ws', target: wiki.port(3001) }] });
  new Route(caddy, 'admin', { host: 'admin.example.org', hostPort: 9090 });
  new Tunnel(site, 'cloudflared', { caddy, tunnelId: TUNNEL_ID });

  const mail = new Container(site, 'mail', {
    image: 'docker.io/boky/postfix:4.3.0',
    publish: [{ container: 25, public: true }],
    about: { upstream: 'bokysan/docker-postfix', role: 'outbound SMTP' },
  });

  const backupEnv = new EnvFile(site, 'backup-env', {
    name: 'backup',
    values: { TARGET: 'nas:/backups' },
    secrets: { RESTIC_PASSWORD: { description: 'DESCRIPTION-OF-RESTIC: the repository password' } },
  });
  const backup = new Timer(site, 'backup', {
    onCalendar: '*-*-* 03:00:00 Europe/Paris',
    randomizedDelaySec: 600,
    job: new ContainerJob({
      image: 'docker.io/restic/restic:0.17.3',
      envFiles: [backupEnv],
      volumes: [{ volume: new Volume(site, 'backup-cache'), path: '/cache' }],
      networks: [net],
      command: ['backup', '/data'],
    }),
    dependsOn: [db],
  });
  Docs.describe(backup, { upstream: 'restic/restic', role: 'nightly backup of the wiki' });
  const sweeper = new Service(site, 'sweeper', {
    exec: [home('.local/bin/sweep'), '--older-than', '30 days'],
    environment: { SWEEP_DIR: '/srv/tmp' },
    dependsOn: [{ unit: mail, strength: 'wants' }],
  });
  const docs = new SiteDocs(site, 'docs', docsProps);
  return { app, site, net, db, wiki, caddy, mail, backup, sweeper, docs };
}

/** The docs page of a synthesized app (errors allowed), by its file name in docs/. */
export function docsOf(app: import('../../lib').App, name: string): string {
  const files = Testing.filesOf(app.synthFiles({ allowErrors: true }));
  const hit = Object.keys(files).find((p) => p === `docs/${name}` || p.endsWith(`/docs/${name}`));
  if (!hit) throw new Error(`no docs/${name} among ${Object.keys(files).join(', ')}`);
  return files[hit];
}
