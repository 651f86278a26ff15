// A small homelab on one rootless Podman host and one domain: a password vault (Vaultwarden), a
// wiki (Wiki.js on Postgres), a photo library (Immich with its Postgres, Valkey and machine
// learning) and nightly backups, behind Caddy and a Cloudflare tunnel. README.md says how to
// synthesize and install it; test/examples/homelab.test.ts checks it with the real validators.
import {
  App, BackupJob, Caddy, Container, ContainerJob, Network, Site, Target, Timer, Tunnel, Volume, WebApp,
} from '../../lib';

/** The domain every route lives under. */
export const DOMAIN = 'example.net';

/** The tunnel's UUID (not a secret; its credentials file is, and stays on the host). */
export const TUNNEL_ID = '3f1c2a9e-7b4d-4c8e-9a61-0d5e2b7f4c13';

/** Where the backups go: a folder on the host (a NAS mount), which must exist. */
export const BACKUP_TARGET = '/mnt/backup/homelab';

/** Every image, fully qualified and pinned to a version. */
export const IMAGES = {
  caddy: 'docker.io/library/caddy:2.8.4-alpine',
  vaultwarden: 'docker.io/vaultwarden/server:1.32.7',
  wiki: 'ghcr.io/requarks/wiki:2.5.304',
  postgres: 'docker.io/library/postgres:16.4',
  immich: 'ghcr.io/immich-app/immich-server:v2.5.5',
  immichMl: 'ghcr.io/immich-app/immich-machine-learning:v2.5.5',
  // Immich's own Postgres build: VectorChord and pgvecto.rs for the smart search.
  immichPostgres: 'ghcr.io/immich-app/postgres:14-vectorchord0.4.3-pgvectors0.2.0',
  valkey: 'docker.io/valkey/valkey:8.1.3-bookworm',
} as const;

export default function homelab(app: App): Site {
  const site = new Site(app, 'homelab', { domains: [DOMAIN] });
  // `systemctl --user start homelab.target` starts everything; every unit is PartOf= it.
  new Target(site, 'target');
  const net = new Network(site, 'homelab', { subnet: '10.90.10.0/24', default: true });

  // --- Edge: Caddy on 127.0.0.1:80, fed by cloudflared (TLS ends at Cloudflare) ----------------
  const caddy = new Caddy(site, 'caddy', { image: IMAGES.caddy });
  new Tunnel(site, 'cloudflared', { caddy, tunnelId: TUNNEL_ID, ingress: 'per-host' });

  // --- Vaultwarden: SQLite and attachments in vaultwarden-data -----------------------------------
  const vault = new WebApp(site, 'vaultwarden', {
    image: IMAGES.vaultwarden,
    port: 80,
    dataPath: '/data',
    host: `vault.${DOMAIN}`,
    caddy,
    env: { DOMAIN: `https://vault.${DOMAIN}`, SIGNUPS_ALLOWED: 'false' },
    secrets: { ADMIN_TOKEN: { description: 'admin page token: openssl rand -hex 32 (or an argon2 PHC string)' } },
    about: { upstream: 'dani-garcia/vaultwarden', role: 'Bitwarden-compatible password vault', notes: ['WebSocket notifications ride on port 80 (no 3012 route since 1.29).'] },
  });

  // --- Wiki.js on Postgres, which it reads as parts (DB_HOST, DB_PORT, ...) ----------------------
  const wiki = new WebApp(site, 'wiki', {
    image: IMAGES.wiki,
    port: 3000,
    host: `wiki.${DOMAIN}`,
    caddy,
    env: { DB_TYPE: 'postgres' },
    database: {
      postgres: {
        image: IMAGES.postgres,
        connect: { hostVar: 'DB_HOST', portVar: 'DB_PORT', userVar: 'DB_USER', databaseVar: 'DB_NAME', passwordVar: 'DB_PASS' },
      },
    },
    about: { upstream: 'requarks/wiki', role: 'wiki; pages, users and uploads all live in its Postgres' },
  });
  const wikiDb = wiki.database!;

  // --- Immich: server, machine learning, its Postgres (vector search) and Valkey ----------------
  const ml = new Container(site, 'immich-machine-learning', {
    image: IMAGES.immichMl,
    ports: [3003],
    volumes: [{ volume: new Volume(site, 'immich-model-cache'), path: '/cache' }],
    about: { upstream: 'immich-app/immich', role: 'face and smart-search models for Immich; the cache volume holds downloaded models' },
  });
  const photos = new WebApp(site, 'immich', {
    image: IMAGES.immich,
    port: 2283,
    dataPath: '/data', // originals, thumbnails, encoded video and Immich's nightly database dumps (backups/)
    host: `photos.${DOMAIN}`,
    caddy,
    env: { IMMICH_MACHINE_LEARNING_URL: ml.url(3003) },
    database: {
      postgres: {
        image: IMAGES.immichPostgres,
        user: 'immich',
        containerProps: {
          environment: { POSTGRES_INITDB_ARGS: '--data-checksums' },
          shmSize: '128m',
          about: { role: 'Postgres with VectorChord for Immich' },
        },
        connect: { hostVar: 'DB_HOSTNAME', userVar: 'DB_USERNAME', databaseVar: 'DB_DATABASE_NAME', passwordVar: 'DB_PASSWORD' },
      },
    },
    // Immich's REDIS_URL takes an ioredis:// JSON blob, not redis://: give it the host instead.
    cache: { image: IMAGES.valkey, purpose: 'Immich (job queues)', connect: { hostVar: 'REDIS_HOSTNAME' } },
    // Immich runs without its ML container (search and faces wait): wants, not requires.
    containerProps: { dependsOn: [{ unit: ml, strength: 'wants' }] },
    about: { upstream: 'immich-app/immich', role: 'photo and video library with mobile upload' },
  });

  // --- Backups: a nightly dump of the wiki database, then restic over everything that matters ---
  // A file copy of a running Postgres is only crash-consistent (PATTERN006), so dump it first.
  const dumps = new Volume(site, 'db-dumps');
  new Timer(site, 'wiki-db-dump', {
    description: 'dump the wiki database into the db-dumps volume',
    onCalendar: '*-*-* 03:30:00 UTC',
    persistent: true,
    // Order only (a Timer's default): the dump never starts a database an admin stopped; it fails and says so.
    dependsOn: [{ unit: wikiDb.container, strength: 'orderOnly' }],
    job: new ContainerJob({
      image: IMAGES.postgres,
      networks: [net],
      envFiles: [wikiDb.envFile],
      volumes: [{ volume: dumps, path: '/dumps' }],
      entrypoint: '/bin/sh',
      command: ['-c', `set -eu; PGPASSWORD="$POSTGRES_PASSWORD" pg_dump -h ${wikiDb.hostname} -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f /dumps/wiki.sql.partial; mv /dumps/wiki.sql.partial /dumps/wiki.sql`],
    }),
  });
  new BackupJob(site, 'backup', {
    description: 'restic: the vault, the wiki dump and the photo library (with Immich\'s own database dumps) to the NAS',
    tool: 'restic',
    volumes: [vault.volume!, dumps, photos.volume!],
    target: BACKUP_TARGET,
    onCalendar: '*-*-* 04:00:00 UTC',
    keepDays: 30,
  });
  return site;
}
