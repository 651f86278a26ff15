// The sodimo harness (reference chapter "Quadlet reference"): ~25 units on one rootless Podman
// host behind a Cloudflare tunnel and Caddy, written as the chezmoi source tree of
// sodimo/dotfiles. `npx projen synth` writes it to dist/sodimo/.
//
// Where the chapter records a defect, this file expresses the fix, and a test shows the library
// catching the defect (test/apps/sodimo.test.ts): piler gets its MySQL sidecar, Caddy turns its
// admin API off in the Caddyfile instead of CADDY_ADMIN=off, vaultwarden has no route to the old
// WebSocket port 3012, OpenWebUI and Paperclip reach models only through LiteLLM, llama-swap
// proxies only to 127.0.0.1, and cockpit is the only :latest image.
import {
  App, Caddy, Container, ContainerJob, Docs, EnvFile, home, LiteLlm, LlamaSwap, ModelPolicy, Network,
  Route, Service, Site, Specifier, systemdText, Target, Timer, Tunnel, Volume,
} from '../lib';

/** The flags every llama-swap model must carry (kyuz0 docs/models.ini.example). */
export const MANDATORY_FLAGS = '--no-mmap -fa on -ngl 999 --batch-size 4096 --ubatch-size 512 --cache-type-k q8_0 --cache-type-v q8_0 --jinja --direct-io --cache-prompt --cache-reuse 256 --threads 12';

/** The Cloudflare tunnel (its id is not a secret; its credentials file is, and stays on the host). */
export const TUNNEL_ID = '9c5ad2b1-4d3e-4f0a-8b7c-2e61f0d4a9b3';

const pg16 = 'docker.io/pgvector/pgvector:pg16';
const postgres16 = 'docker.io/library/postgres:16';
const redis7 = 'docker.io/library/redis:7-alpine';
/** The user's podman API socket ($XDG_RUNTIME_DIR/podman/podman.sock). */
const podmanSocket = systemdText(Specifier.runtimeDir, '/podman/podman.sock');

/** A Postgres sidecar with its data volume and env file (password as a secret). */
function database(site: Site, name: string, image: string, db: string) {
  const env = new EnvFile(site, `${name}-env`, {
    name,
    values: { POSTGRES_USER: db, POSTGRES_DB: db },
    secrets: { POSTGRES_PASSWORD: { description: `${db} database password: openssl rand -hex 24` } },
  });
  return new Container(site, name, {
    image,
    ports: [5432],
    volumes: [{ volume: new Volume(site, `${name}-data`), path: '/var/lib/postgresql/data' }],
    envFiles: [env],
    about: { role: `Postgres for ${db}` },
  });
}

/** A Redis sidecar. */
function redis(site: Site, name: string, forWhat: string) {
  return new Container(site, name, { image: redis7, ports: [6379], about: { role: `Redis for ${forWhat}` } });
}

export default function sodimo(app: App): Site {
  const site = new Site(app, 'sodimo', { domains: ['sodimo.eu'], layout: 'chezmoi', podmanVersion: '5.4.2' });
  new Target(site, 'target');
  new Network(site, 'sodimo', { subnet: '10.89.0.0/24', default: true, description: 'sodimo.network: every quadlet attaches here' });

  // --- Edge: Caddy on 127.0.0.1:80, fed by the cloudflared tunnel -------------------------------
  const caddy = new Caddy(site, 'caddy', {
    image: 'docker.io/library/caddy:2-alpine',
    allowFloatingTag: 'the chapter tracks the Caddy 2 major line (2-alpine)',
    publish: [{ container: 80, host: 80 }], // the chapter also maps 443; nothing listens there (plain HTTP behind the tunnel)
    about: { upstream: 'caddyserver/caddy', role: 'reverse proxy; fans out to containers on sodimo.network by name', notes: ['TLS ends at Cloudflare; Caddy speaks plain HTTP. The admin API is off in the Caddyfile (CADDY_ADMIN=off does not turn it off).'] },
  });
  new Tunnel(site, 'cloudflared', { caddy, tunnelId: TUNNEL_ID });

  // --- Cockpit: host admin UI --------------------------------------------------------------------
  new Container(site, 'cockpit', {
    image: 'quay.io/cockpit/ws:latest',
    allowFloatingTag: 'the only :latest in the stack: slow cadence, strong compat',
    publish: [{ container: 9090 }],
    podmanArgs: ['--privileged', '--pid=host'],
    volumes: [{ hostPath: '/', path: '/host' }, { hostPath: podmanSocket, path: '/run/podman/podman.sock' }],
    about: { upstream: 'cockpit-project/cockpit', role: 'web admin UI: services, journals, storage', notes: ['Cockpit authenticates against host PAM; no secrets.'] },
  });
  new Route(caddy, 'cockpit', { host: 'cockpit.sodimo.eu', hostPort: 9090, description: 'Cockpit listens on the host, reached through host.containers.internal' });

  // --- Local models: llama-swap ------------------------------------------------------------------
  const llamaSwap = new LlamaSwap(site, 'llama-swap', {
    image: 'ghcr.io/mostlygeek/llama-swap:vulkan',
    allowFloatingTag: 'Vulkan build channel, not ROCm (D-166)',
    publish: [{ container: 8080, host: 9292 }],
    devices: ['/dev/dri', '/dev/kfd'],
    groupAdd: ['video'],
    modelDir: home('.local/share/llama-models'),
    environment: { HSA_OVERRIDE_GFX_VERSION: '11.0.0' },
    policy: new ModelPolicy({ mandatoryFlags: MANDATORY_FLAGS, reason: 'kyuz0 docs/models.ini.example; deviation needs re-validation against the resync runbook' }),
    containerProps: {
      volumes: [{ hostPath: podmanSocket, path: '/run/podman/podman.sock' }],
      about: {
        upstream: 'mostlygeek/llama-swap',
        role: 'OpenAI-compatible front end that hot-swaps llama.cpp servers by model name',
        notes: ['GroupAdd=video only: keep-groups and --group-add=render break rootless podman 5.8.2.', '/dev/kfd, HSA_OVERRIDE_GFX_VERSION and the podman.sock mount are unused on the Vulkan path (sodimo/dotfiles#14).'],
      },
    },
  });
  const task = llamaSwap.addModel('qwen3-4b', { modelFile: 'qwen3-4b/Qwen3-4B-Q8_0.gguf', aliases: ['local-task'], ttl: 0 });
  const heavy = llamaSwap.addModel('gpt-oss-120b', {
    modelFile: 'gpt-oss-120b/gpt-oss-120b-UD-Q8_K_XL-00001-of-00002.gguf',
    aliases: ['local-heavy'],
    ctxSize: 65536,
    chatTemplateKwargs: { reasoning_effort: 'high' },
  });
  const coder = llamaSwap.addModel('qwen3-30b', { modelFile: 'qwen3-30b/Qwen3-30B-A3B-Q8_0.gguf', aliases: ['qwen3-30b-coder'] });
  const embeddings = llamaSwap.addModel('qwen3-embedding', { modelFile: 'qwen3-embedding/Qwen3-Embedding-0.6B-Q8_0.gguf', aliases: ['local-embeddings'], args: ['--embedding', '--pooling', 'last'], ttl: 0 });
  llamaSwap.addGroup('task', { members: [task], exclusive: false, persistent: true });
  llamaSwap.addGroup('heavy', { members: [heavy, coder], ttl: 600, exclusive: true });
  llamaSwap.addGroup('embeddings', { members: [embeddings], exclusive: false, persistent: true });

  // --- LiteLLM: the only model backend ---------------------------------------------------------
  const litellmDb = database(site, 'litellm-db', pg16, 'litellm');
  const litellmRedis = redis(site, 'litellm-redis', 'LiteLLM');
  const gateway = new LiteLlm(site, 'litellm', {
    image: 'ghcr.io/berriai/litellm:main-stable',
    allowFloatingTag: 'the chapter pins the main-stable channel',
    publish: [{ container: 4000 }],
    llamaSwap,
    database: { container: litellmDb },
    cache: { container: litellmRedis },
    containerProps: { about: { upstream: 'BerriAI/litellm', role: 'single gateway from every AI caller to every model backend: token accounting, fallback and cost caps in one place' } },
  });
  gateway.addLocalRoute('local-task');
  gateway.addLocalRoute('local-heavy', { fallbacks: ['claude-opus-4-7'] });
  gateway.addLocalRoute('local-embeddings');
  gateway.addCloudRoute('claude-opus-4-7', { provider: 'anthropic', model: 'claude-opus-4-7', apiKey: { envVar: 'ANTHROPIC_API_KEY', description: 'Anthropic API key' } });
  gateway.addCloudRoute('gpt-5', { provider: 'openai', model: 'gpt-5', apiKey: { envVar: 'OPENAI_API_KEY', description: 'OpenAI API key' } });

  // --- OpenWebUI: chat UI ------------------------------------------------------------------------
  const openwebuiDb = database(site, 'openwebui-db', pg16, 'openwebui');
  const openwebuiRedis = redis(site, 'openwebui-redis', 'OpenWebUI');
  const openwebuiEnv = new EnvFile(site, 'openwebui-env', {
    name: 'openwebui',
    values: {
      WEBUI_AUTH: 'false', ENABLE_SIGNUP: 'false', DEFAULT_USER_ROLE: 'admin',
      REDIS_URL: `redis://${openwebuiRedis.hostname}:6379/0`,
      AUDIO_STT_ENGINE: '', AUDIO_TTS_ENGINE: '', ENABLE_OLLAMA_API: 'false',
    },
    secrets: {
      WEBUI_SECRET_KEY: { description: 'session signing key: openssl rand -hex 32' },
      DATABASE_URL: { description: `postgresql://openwebui:<password from openwebui-db.env>@${openwebuiDb.hostname}:5432/openwebui` },
    },
  });
  const openwebui = new Container(site, 'openwebui', {
    image: 'ghcr.io/open-webui/open-webui:main',
    allowFloatingTag: 'the chapter tracks main; pin by digest per Principle 1 when bumping',
    publish: [{ container: 8080, host: 3000 }],
    envFiles: [openwebuiEnv],
    volumes: [{ volume: new Volume(site, 'openwebui-data'), path: '/app/backend/data' }],
    dependsOn: [openwebuiDb, openwebuiRedis],
    about: { upstream: 'open-webui/open-webui', role: 'chat UI for local and cloud-escalation models; interactive only, agents use Paperclip', notes: ['Audio STT/TTS engines blanked (D-097).'] },
  });
  gateway.connect(openwebui, { keyVar: 'OPENAI_API_KEY', keyFile: openwebuiEnv });
  new Route(caddy, 'openwebui', { host: 'chat.sodimo.eu', target: openwebui.port(8080) });

  // --- Mail: rspamd, dovecot, postfix (direct ports, no Caddy) -----------------------------------
  const rspamd = new Container(site, 'rspamd', {
    image: 'docker.io/rspamd/rspamd:3.9.1',
    ports: [11332, 11334],
    volumes: [{ volume: new Volume(site, 'rspamd-config'), path: '/etc/rspamd/local.d' }],
    about: { upstream: 'rspamd/rspamd', role: 'spam filter and DKIM signing; postfix talks milter on rspamd:11332', notes: ['Web UI on 11334, reached over Tailscale only.', 'DKIM private keys live in the rspamd-config volume.'] },
  });
  const dovecot = new Container(site, 'dovecot', {
    image: 'docker.io/dovecot/dovecot:2.3.21.1',
    ports: [24],
    publish: [{ container: 143, public: true }, { container: 993, public: true }],
    volumes: [
      { volume: new Volume(site, 'dovecot-mail'), path: '/srv/mail' },
      { hostPath: home('.config/sodimo/dovecot/dovecot.conf'), path: '/etc/dovecot/dovecot.conf', readOnly: true },
      { hostPath: home('.config/sodimo/dovecot/users.d'), path: '/etc/dovecot/users.d', readOnly: true },
    ],
    about: { upstream: 'dovecot/dovecot', role: 'IMAP and LMTP for the Sodimo mailboxes', notes: ['IMAP clients reach mail.sodimo.eu:993; LMTP on 24 stays internal.', 'Per-user password hashes are age-encrypted by chezmoi into users.d/.'] },
  });
  const postfix = new Container(site, 'postfix', {
    image: 'docker.io/boky/postfix:4.3.0',
    publish: [25, 587, 465].map((p) => ({ container: p, public: true })),
    envFiles: [new EnvFile(site, 'postfix-env', {
      name: 'postfix',
      values: {
        HOSTNAME: 'mail.sodimo.eu',
        ALLOWED_SENDER_DOMAINS: 'sodimo.eu sodimonet.fr yallafood.eu cavisteduliban.fr',
        POSTFIX_smtpd_milters: `inet:${rspamd.hostname}:11332`,
        POSTFIX_non_smtpd_milters: `inet:${rspamd.hostname}:11332`,
        POSTFIX_virtual_transport: `lmtp:inet:${dovecot.hostname}:24`,
      },
    })],
    dependsOn: [rspamd, dovecot],
    about: { upstream: 'bokysan/docker-postfix', role: 'outbound SMTP and inbound MX for sodimo.eu (+ sodimonet.fr, yallafood.eu, cavisteduliban.fr)', notes: ['Boots env-only on POSTFIX_* variables; main.cf/master.cf mounts wait for sodimo/dotfiles#18.'] },
  });

  // --- Twenty: CRM -------------------------------------------------------------------------------
  const twentyDb = database(site, 'twenty-db', postgres16, 'twenty');
  const twentyRedis = redis(site, 'twenty-redis', 'Twenty (BullMQ)');
  const twentyEnv = new EnvFile(site, 'twenty-env', {
    name: 'twenty',
    values: {
      SERVER_URL: 'https://crm.sodimo.eu', AUTH_GOOGLE_ENABLED: 'true',
      EMAIL_SMTP_HOST: postfix.hostname, EMAIL_SMTP_PORT: '587',
      REDIS_URL: `redis://${twentyRedis.hostname}:6379`,
    },
    secrets: {
      APP_SECRET: { description: 'openssl rand -base64 32' },
      PG_DATABASE_URL: { description: `postgres://twenty:<password from twenty-db.env>@${twentyDb.hostname}:5432/twenty` },
      AUTH_GOOGLE_CLIENT_ID: { description: 'Google OAuth client id' },
      AUTH_GOOGLE_CLIENT_SECRET: { description: 'Google OAuth client secret' },
      EMAIL_SMTP_PASSWORD: { description: 'SMTP password for the CRM sender on postfix' },
    },
  });
  const twentyImage = 'docker.io/twentycrm/twenty:v2.0.0';
  const twentyWorker = new Container(site, 'twenty-worker', {
    image: twentyImage, envFiles: [twentyEnv], command: ['yarn', 'worker:prod'], dependsOn: [twentyDb, twentyRedis], wants: [postfix],
    about: { role: 'Twenty background worker (same image, yarn worker:prod)' },
  });
  const twenty = new Container(site, 'twenty', {
    image: twentyImage,
    publish: [{ container: 3000, host: 3333 }],
    envFiles: [twentyEnv],
    dependsOn: [twentyWorker, twentyDb, twentyRedis],
    wants: [postfix], // mail is sent lazily: the CRM can start without it
    about: { upstream: 'twentyhq/twenty', role: 'CRM: pipeline, contacts, companies, email threads, workflows', notes: ['First-boot migrations take about 18 s.'] },
  });
  new Route(caddy, 'twenty', { host: 'crm.sodimo.eu', target: twenty.port(3000) });

  // --- Vaultwarden: password vault ---------------------------------------------------------------
  const vaultwarden = new Container(site, 'vaultwarden', {
    image: 'docker.io/vaultwarden/server:1.32.7',
    publish: [{ container: 80, host: 8222 }],
    volumes: [{ volume: new Volume(site, 'vaultwarden-data'), path: '/data' }],
    envFiles: [new EnvFile(site, 'vaultwarden-env', {
      name: 'vaultwarden',
      values: { DOMAIN: 'https://vault.sodimo.eu', SIGNUPS_ALLOWED: 'false', SMTP_HOST: postfix.hostname, SMTP_PORT: '587', SMTP_SECURITY: 'starttls', SMTP_FROM: 'vault@sodimo.eu' },
      secrets: { ADMIN_TOKEN: { description: '64-char random: openssl rand -hex 32' }, SMTP_PASSWORD: { description: 'SMTP password for vault@sodimo.eu' } },
    })],
    wants: [postfix], // password-reset mail only
    about: { upstream: 'dani-garcia/vaultwarden', role: 'Bitwarden-compatible password vault', notes: ['WebSocket notifications ride on port 80 since 1.29; there is no separate 3012 route.', 'SQLite backup nightly to the NAS, weekly to R2.'] },
  });
  new Route(caddy, 'vaultwarden', { host: 'vault.sodimo.eu', target: vaultwarden.port(80) });

  // --- Piler: mail archive, with the MySQL sidecar the chapter found missing ---------------------
  const pilerSecrets = { MYSQL_PASSWORD: { description: 'piler database password: openssl rand -hex 24' } };
  const pilerMysql = new Container(site, 'piler-mysql', {
    image: 'docker.io/library/mariadb:11.4',
    ports: [3306],
    volumes: [{ volume: new Volume(site, 'piler-mysql-volume', { name: 'piler-mysql' }), path: '/var/lib/mysql' }],
    envFiles: [new EnvFile(site, 'piler-mysql-env', {
      name: 'piler-mysql',
      values: { MYSQL_DATABASE: 'piler', MYSQL_USER: 'piler' },
      secrets: { ...pilerSecrets, MYSQL_ROOT_PASSWORD: { description: 'MariaDB root password: openssl rand -hex 24' } },
    })],
    about: { role: 'MySQL (MariaDB) for piler: the sidecar sodimo/dotfiles#17 was missing' },
  });
  const piler = new Container(site, 'piler', {
    image: 'docker.io/sutoj/piler:1.4.5',
    publish: [{ container: 80, host: 8091 }],
    volumes: [{ volume: new Volume(site, 'piler-data'), path: '/var/piler' }],
    envFiles: [new EnvFile(site, 'piler-env', {
      name: 'piler',
      values: { PILER_HOSTNAME: 'archive.sodimo.eu', MYSQL_HOSTNAME: pilerMysql.hostname, MYSQL_DATABASE: 'piler', MYSQL_USER: 'piler' },
      secrets: pilerSecrets,
    })],
    dependsOn: [pilerMysql],
    about: { upstream: 'jsuto/piler', role: 'full-text-searchable email archive; BCC of all mail through postfix', notes: ['CNIL employee-transparency notice required before activation.'] },
  });
  new Route(caddy, 'piler', { host: 'archive.sodimo.eu', target: piler.port(80) });

  // --- Paperclip: agents ---------------------------------------------------------------------------
  const paperclipDb = database(site, 'paperclip-db', postgres16, 'paperclip');
  const paperclipEnv = new EnvFile(site, 'paperclip-env', {
    name: 'paperclip',
    values: {
      PAPERCLIP_DEPLOYMENT_MODE: 'authenticated',
      PAPERCLIP_PUBLIC_URL: 'https://paperclip.sodimo.eu',
      SERVE_UI: 'true',
      DO_NOT_TRACK: '1',
      ANTHROPIC_BASE_URL: gateway.url(''),
    },
    secrets: {
      PAPERCLIP_SECRETS_MASTER_KEY: { description: '32-byte hex: openssl rand -hex 32' },
      BETTER_AUTH_SECRET: { description: '32-byte hex session signing key; Paperclip refuses to start without it' },
      DATABASE_URL: { description: `postgres://paperclip:<password from paperclip-db.env>@${paperclipDb.hostname}:5432/paperclip` },
    },
  });
  const paperclip = new Container(site, 'paperclip', {
    image: 'ghcr.io/sodimo/paperclip:v2026.416.0-pi0.x.y',
    publish: [{ container: 3100 }],
    envFiles: [paperclipEnv],
    volumes: [
      { volume: new Volume(site, 'paperclip-data'), path: '/paperclip' },
      { hostPath: home('.config/sodimo/paperclip/models.json'), path: '/paperclip/.pi/agent/models.json', readOnly: true },
    ],
    // Rootless podman blocks the image's `gosu node ...` entrypoint (sodimo/dotfiles#16): run as
    // the node user directly, the work-around validated in smoke.
    user: '1000:1000',
    entrypoint: ['node', 'server/dist/index.js'],
    dependsOn: [paperclipDb],
    about: { upstream: 'paperclipai/paperclip', role: 'agent platform; claude and pi are the canonical CLI harnesses', notes: ['All Anthropic and OpenAI traffic goes through LiteLLM with the master key as bearer; no direct cloud credentials.', 'Agents enqueue mail to the email_outbox queue, never to local sendmail (Principle 3).'] },
  });
  gateway.connect(paperclip, { baseUrlVar: 'OPENAI_BASE_URL', path: '/v1', keyVar: 'OPENAI_API_KEY', keyFile: paperclipEnv });
  new Route(caddy, 'paperclip', { host: 'paperclip.sodimo.eu', target: paperclip.port(3100) });

  // --- Host units: the nightly ETL and the email drain ---------------------------------------------
  const timer = new Timer(site, 'sodiwin-etl', {
    description: 'nightly Sodiwin CSV dump to Cloudflare D1 (the dump lands at 02:30)',
    onCalendar: '*-*-* 03:00:00 Europe/Paris',
    persistent: true,
    job: new ContainerJob({
      image: 'ghcr.io/sodimo/etl:latest',
      allowFloatingTag: 'pulled at dispatch: sodimo/etl publishes :latest only',
      pull: 'always',
      envFiles: [new EnvFile(site, 'sodiwin-etl-env', {
        name: 'sodiwin-etl',
        secrets: {
          CF_ACCOUNT_ID: { description: 'Cloudflare account id' },
          D1_DATABASE_ID: { description: 'D1 database id' },
          CF_API_TOKEN: { description: 'Cloudflare API token with D1 write' },
        },
      })],
      volumes: [{ hostPath: '/mnt/sodiwin-dumps', path: '/mnt/sodiwin-dumps', readOnly: true }],
    }),
  });
  Docs.describe(timer, { upstream: 'sodimo/etl', role: 'nightly ETL of the Sodiwin SFTP CSV dump into Cloudflare D1', notes: ['Reads only the NAS mount /mnt/sodiwin-dumps/; never touches Sodiwin directly.'] });

  const drain = new Service(site, 'sodimo-email-drain', {
    description: 'pull consumer for the email_outbox queue, piping to local sendmail -t',
    exec: [home('.local/bin/sodimo-email-drain')],
    envFiles: [new EnvFile(site, 'email-drain-env', {
      name: 'email-drain',
      values: { ALLOWED_SENDERS: 'paperclip@sodimo.eu,crm@sodimo.eu,vault@sodimo.eu' },
      secrets: {
        CF_ACCOUNT_ID: { description: 'Cloudflare account id' },
        CF_QUEUE_ID: { description: 'email_outbox queue id' },
        CF_API_TOKEN: { description: 'Cloudflare API token (queue consumer)' },
      },
    })],
    restart: 'always',
    restartSec: 30,
  });
  Docs.describe(drain, { upstream: 'sodimo/dotfiles bin/sodimo-email-drain', role: 'validates senders against ALLOWED_SENDERS and pipes to sendmail -t; no inbound port (Principle 3)', notes: ['sendmail failure: lease, retry 3 times, then DLQ to email_dlq.'] });
  return site;
}
