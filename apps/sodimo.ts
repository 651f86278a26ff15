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
  App, Caddy, Container, ContainerJob, Docs, EnvFile, home, HostFile, LocalLlmStack, MailStack, ModelPolicy, Network,
  PostgresDatabase, RedisCache, Route, Service, Site, SiteDocs, Specifier, systemdText, Target, Timer, Tunnel, UnitValue, WebApp,
} from '../lib';

/** The flags every llama-swap model must carry (kyuz0 docs/models.ini.example). */
export const MANDATORY_FLAGS = '--no-mmap -fa on -ngl 999 --batch-size 4096 --ubatch-size 512 --cache-type-k q8_0 --cache-type-v q8_0 --jinja --direct-io --cache-prompt --cache-reuse 256 --threads 12';

/** The Cloudflare tunnel (its id is not a secret; its credentials file is, and stays on the host). */
export const TUNNEL_ID = '9c5ad2b1-4d3e-4f0a-8b7c-2e61f0d4a9b3';

/** The user's podman API socket ($XDG_RUNTIME_DIR/podman/podman.sock). */
const podmanSocket = systemdText(Specifier.runtimeDir, '/podman/podman.sock');

export default function sodimo(app: App): Site {
  const site = new Site(app, 'sodimo', { domains: ['sodimo.eu'], layout: 'chezmoi', podmanVersion: '5.4.2' });
  new Target(site, 'target');
  new Network(site, 'sodimo', { subnet: '10.89.0.0/24', default: true, description: 'sodimo.network: every quadlet attaches here' });

  // --- Edge: Caddy on 127.0.0.1:80, fed by the cloudflared tunnel -------------------------------
  const caddy = new Caddy(site, 'caddy', {
    image: 'docker.io/library/caddy:2-alpine', // the chapter's tag (the pattern default pins a full version)
    publish: [{ container: 80, host: 80 }],
    about: {
      upstream: 'caddyserver/caddy',
      role: 'reverse proxy; fans out to containers on sodimo.network by name',
      notes: ['TLS ends at Cloudflare; Caddy speaks plain HTTP.'],
      deviations: [
        'The chapter also publishes port 443; nothing listens there (plain HTTP behind the tunnel), so only 80 is published.',
        'The chapter sets CADDY_ADMIN=off, which does not turn the admin API off and breaks start-up; the Caddyfile says admin off instead.',
      ],
    },
  });
  new Tunnel(site, 'cloudflared', { caddy, tunnelId: TUNNEL_ID });

  // --- Cockpit: host admin UI --------------------------------------------------------------------
  const cockpit = new Container(site, 'cockpit', {
    image: 'quay.io/cockpit/ws:latest',
    allowFloatingTag: 'the only :latest in the stack: slow cadence, strong compat',
    publish: [{ container: 9090 }],
    podmanArgs: ['--privileged', '--pid=host'],
    volumes: [{ hostPath: '/', path: '/host' }, { hostPath: podmanSocket, path: '/run/podman/podman.sock' }],
    about: {
      upstream: 'cockpit-project/cockpit',
      role: 'web admin UI: services, journals, storage',
      notes: ['Cockpit authenticates against host PAM; no secrets.'],
      deviations: ['The chapter routes cockpit.sodimo.eu to host.containers.internal:9090; cockpit publishes 9090 on 127.0.0.1 only, which host.containers.internal does not reach under pasta, so Caddy dials cockpit:9090 on sodimo.network.'],
    },
  });
  // The chapter dials host.containers.internal:9090, which is the host's address, not its
  // loopback, where cockpit publishes 9090 (CADDY020): Caddy reaches it by name on sodimo.network.
  new Route(caddy, 'cockpit', { host: 'cockpit.sodimo.eu', target: cockpit.port(9090), description: 'Cockpit on sodimo.network, dialled by container name' });

  // --- Local models: llama-swap behind LiteLLM, the only model backend, and OpenWebUI -----------
  const llm = new LocalLlmStack(site, 'llm', {
    llamaSwap: {
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
    },
    models: {
      'qwen3-4b': { modelFile: 'qwen3-4b/Qwen3-4B-Q8_0.gguf', aliases: ['local-task'], ttl: 0 },
      'gpt-oss-120b': {
        modelFile: 'gpt-oss-120b/gpt-oss-120b-UD-Q8_K_XL-00001-of-00002.gguf',
        aliases: ['local-heavy'],
        ctxSize: 65536,
        chatTemplateKwargs: { reasoning_effort: 'high' },
      },
      'qwen3-30b': { modelFile: 'qwen3-30b/Qwen3-30B-A3B-Q8_0.gguf', aliases: ['qwen3-30b-coder'] },
      'qwen3-embedding': { modelFile: 'qwen3-embedding/Qwen3-Embedding-0.6B-Q8_0.gguf', aliases: ['local-embeddings'], args: ['--embedding', '--pooling', 'last'], ttl: 0 },
    },
    groups: {
      task: { members: ['qwen3-4b'], exclusive: false, persistent: true },
      heavy: { members: ['gpt-oss-120b', 'qwen3-30b'], ttl: 600, exclusive: true },
      embeddings: { members: ['qwen3-embedding'], exclusive: false, persistent: true },
    },
    gateway: {
      image: 'ghcr.io/berriai/litellm:main-stable',
      allowFloatingTag: 'the chapter pins the main-stable channel',
      publish: [{ container: 4000 }],
      database: { pgvector: true },
      cache: true,
      containerProps: { about: { upstream: 'BerriAI/litellm', role: 'single gateway from every AI caller to every model backend: token accounting, fallback and cost caps in one place' } },
    },
    localRoutes: {
      'local-task': {},
      'local-heavy': { fallbacks: ['claude-opus-4-7'] },
      'local-embeddings': {},
    },
    cloudRoutes: {
      'claude-opus-4-7': { provider: 'anthropic', model: 'claude-opus-4-7', apiKey: { envVar: 'ANTHROPIC_API_KEY', description: 'Anthropic API key' } },
      'gpt-5': { provider: 'openai', model: 'gpt-5', apiKey: { envVar: 'OPENAI_API_KEY', description: 'OpenAI API key' } },
    },
    chat: {
      image: 'ghcr.io/open-webui/open-webui:main',
      allowFloatingTag: 'the chapter tracks main; pin by digest per Principle 1 when bumping',
      publish: [{ container: 8080, host: 3000 }],
      host: 'chat.sodimo.eu',
      caddy,
      database: { postgres: { pgvector: true } },
      cache: { purpose: 'OpenWebUI', connect: { db: 0 } },
      env: { WEBUI_AUTH: 'false', ENABLE_SIGNUP: 'false', DEFAULT_USER_ROLE: 'admin', AUDIO_STT_ENGINE: '', AUDIO_TTS_ENGINE: '' },
      about: { upstream: 'open-webui/open-webui', role: 'chat UI for local and cloud-escalation models; interactive only, agents use Paperclip', notes: ['Audio STT/TTS engines blanked (D-097).'] },
    },
  });
  const gateway = llm.gateway;

  // --- Mail: rspamd, dovecot, postfix (direct ports, no Caddy) -----------------------------------
  const mail = new MailStack(site, 'mail', {
    hostname: 'mail.sodimo.eu',
    domains: ['sodimo.eu', 'sodimonet.fr', 'yallafood.eu', 'cavisteduliban.fr'],
    rspamd: { about: { upstream: 'rspamd/rspamd', role: 'spam filter and DKIM signing; postfix talks milter on rspamd:11332', notes: ['Web UI on 11334, reached over Tailscale only.', 'DKIM private keys live in the rspamd-config volume.'] } },
    dovecot: {
      volumes: [
        { hostPath: home('.config/sodimo/dovecot/dovecot.conf'), path: '/etc/dovecot/dovecot.conf', readOnly: true },
        { hostPath: home('.config/sodimo/dovecot/users.d'), path: '/etc/dovecot/users.d', readOnly: true },
      ],
      about: { upstream: 'dovecot/dovecot', role: 'IMAP and LMTP for the Sodimo mailboxes', notes: ['IMAP clients reach mail.sodimo.eu:993; LMTP on 24 stays internal.', 'Per-user password hashes are age-encrypted by chezmoi into users.d/.'] },
    },
    postfix: { about: { upstream: 'bokysan/docker-postfix', role: 'outbound SMTP and inbound MX for sodimo.eu (+ sodimonet.fr, yallafood.eu, cavisteduliban.fr)', notes: ['Boots env-only on POSTFIX_* variables; main.cf/master.cf mounts wait for sodimo/dotfiles#18.'] } },
  });

  // --- Twenty: CRM (server and worker share one env file, database and Redis) ----------------------
  const twentyDb = new PostgresDatabase(site, 'twenty-db');
  const twentyRedis = new RedisCache(site, 'twenty-redis', { purpose: 'Twenty (BullMQ)' });
  const twentyEnv = new EnvFile(site, 'twenty-env', {
    name: 'twenty',
    values: { SERVER_URL: 'https://crm.sodimo.eu', AUTH_GOOGLE_ENABLED: 'true' },
    secrets: {
      APP_SECRET: { description: 'openssl rand -base64 32' },
      AUTH_GOOGLE_CLIENT_ID: { description: 'Google OAuth client id' },
      AUTH_GOOGLE_CLIENT_SECRET: { description: 'Google OAuth client secret' },
      EMAIL_SMTP_PASSWORD: { description: 'SMTP password for the CRM sender on postfix' },
    },
  });
  const twentyImage = 'docker.io/twentycrm/twenty:v2.0.0';
  const twentyWorker = new Container(site, 'twenty-worker', {
    image: twentyImage, envFiles: [twentyEnv], command: ['yarn', 'worker:prod'],
    about: { role: 'Twenty background worker (same image, yarn worker:prod)' },
  });
  const twenty = new Container(site, 'twenty', {
    image: twentyImage,
    publish: [{ container: 3000, host: 3333 }],
    envFiles: [twentyEnv],
    // The server runs without its worker (jobs queue up in Redis): restarting the worker must not restart the CRM.
    dependsOn: [{ unit: twentyWorker, strength: 'wants' }],
    about: { upstream: 'twentyhq/twenty', role: 'CRM: pipeline, contacts, companies, email threads, workflows', notes: ['First-boot migrations take about 18 s.'] },
  });
  for (const c of [twentyWorker, twenty]) {
    twentyDb.connect(c, { envFile: twentyEnv, urlVar: 'PG_DATABASE_URL', scheme: 'postgres' });
    twentyRedis.connect(c, { envFile: twentyEnv });
    mail.connect(c, { envFile: twentyEnv, hostVar: 'EMAIL_SMTP_HOST', portVar: 'EMAIL_SMTP_PORT' }); // mail is sent lazily: Wants=, not Requires=
  }
  new Route(caddy, 'twenty', { host: 'crm.sodimo.eu', target: twenty.port(3000) });

  // --- Vaultwarden: password vault ---------------------------------------------------------------
  const vaultwarden = new WebApp(site, 'vaultwarden', {
    image: 'docker.io/vaultwarden/server:1.32.7',
    port: 80,
    publish: [{ container: 80, host: 8222 }],
    dataPath: '/data',
    host: 'vault.sodimo.eu',
    caddy,
    env: { DOMAIN: 'https://vault.sodimo.eu', SIGNUPS_ALLOWED: 'false', SMTP_SECURITY: 'starttls', SMTP_FROM: 'vault@sodimo.eu' },
    secrets: { ADMIN_TOKEN: { description: '64-char random: openssl rand -hex 32' }, SMTP_PASSWORD: { description: 'SMTP password for vault@sodimo.eu' } },
    about: {
      upstream: 'dani-garcia/vaultwarden',
      role: 'Bitwarden-compatible password vault',
      notes: ['SQLite backup nightly to the NAS, weekly to R2.'],
      deviations: ['The chapter routes /notifications/hub to port 3012; WebSocket notifications ride on port 80 since 1.29, so there is no 3012 route.'],
    },
  });
  mail.connect(vaultwarden.container, { envFile: vaultwarden.envFile, hostVar: 'SMTP_HOST', portVar: 'SMTP_PORT' }); // password-reset mail only

  // --- Piler: mail archive, with the MySQL sidecar the chapter found missing ---------------------
  new WebApp(site, 'piler', {
    image: 'docker.io/sutoj/piler:1.4.5',
    port: 80,
    publish: [{ container: 80, host: 8091 }],
    dataPath: '/var/piler',
    host: 'archive.sodimo.eu',
    caddy,
    // piler reads MYSQL_HOSTNAME, not the MYSQL_HOST most images (and MariaDb.connect's default) use.
    database: { mariadb: { name: 'piler-mysql', volumeName: 'piler-mysql', about: { role: 'MySQL (MariaDB) for piler: the sidecar sodimo/dotfiles#17 was missing', deviations: ['The chapter records piler as known-broken without this sidecar (sodimo/dotfiles#17: the image expects an external MySQL); the site adds it.'] }, connect: { hostVar: 'MYSQL_HOSTNAME', databaseVar: 'MYSQL_DATABASE', userVar: 'MYSQL_USER', passwordVar: 'MYSQL_PASSWORD' } } },
    env: { PILER_HOSTNAME: 'archive.sodimo.eu' },
    about: { upstream: 'jsuto/piler', role: 'full-text-searchable email archive; BCC of all mail through postfix', notes: ['CNIL employee-transparency notice required before activation.'] },
  });

  // --- Paperclip: agents ---------------------------------------------------------------------------
  const paperclip = new WebApp(site, 'paperclip', {
    image: 'ghcr.io/sodimo/paperclip:v2026.416.0-pi0.x.y',
    port: 3100,
    publish: [{ container: 3100 }],
    dataPath: '/paperclip',
    host: 'paperclip.sodimo.eu',
    caddy,
    database: { postgres: { connect: { scheme: 'postgres' } } },
    env: {
      PAPERCLIP_DEPLOYMENT_MODE: 'authenticated',
      PAPERCLIP_PUBLIC_URL: 'https://paperclip.sodimo.eu',
      SERVE_UI: 'true',
      DO_NOT_TRACK: '1',
      ANTHROPIC_BASE_URL: gateway.url(''),
    },
    secrets: {
      PAPERCLIP_SECRETS_MASTER_KEY: { description: '32-byte hex: openssl rand -hex 32' },
      BETTER_AUTH_SECRET: { description: '32-byte hex session signing key; Paperclip refuses to start without it' },
    },
    about: { upstream: 'paperclipai/paperclip', role: 'agent platform; claude and pi are the canonical CLI harnesses', notes: ['All Anthropic and OpenAI traffic goes through LiteLLM with the master key as bearer; no direct cloud credentials.', 'Agents enqueue mail to the email_outbox queue, never to local sendmail (Principle 3).'] },
    containerProps: {
      volumes: [{ hostPath: home('.config/sodimo/paperclip/models.json'), path: '/paperclip/.pi/agent/models.json', readOnly: true }],
      // Rootless podman blocks the image's `gosu node ...` entrypoint (sodimo/dotfiles#16): run as
      // the node user directly, the work-around validated in smoke.
      user: '1000:1000',
      entrypoint: ['node', 'server/dist/index.js'],
    },
  });
  gateway.connect(paperclip.container, { baseUrlVar: 'OPENAI_BASE_URL', path: '/v1', keyVar: 'OPENAI_API_KEY', keyFile: paperclip.envFile });

  // --- Host files the units mount or run that the site does not generate ---------------------------
  const hostFiles: Array<[string, UnitValue, string]> = [
    ['dovecot-conf', home('.config/sodimo/dovecot/dovecot.conf'), 'sodimo/dotfiles dovecot/dovecot.conf (the private chezmoi source, not generated here)'],
    ['dovecot-users', home('.config/sodimo/dovecot/users.d'), 'sodimo/dotfiles dovecot/users.d/: per-user password hashes, age-encrypted by chezmoi'],
    ['paperclip-models', home('.config/sodimo/paperclip/models.json'), 'sodimo/dotfiles paperclip/models.json: the pi agent\'s model list'],
    ['llama-models', home('.local/share/llama-models'), 'GGUF files downloaded by the models resync runbook (hundreds of GB, never in git)'],
    ['email-drain', home('.local/bin/sodimo-email-drain'), 'sodimo/dotfiles bin/sodimo-email-drain (chezmoi executable_)'],
    ['sodiwin-dumps', '/mnt/sodiwin-dumps', 'the NAS share the Sodiwin SFTP dump lands on (an fstab CIFS mount)'],
  ];
  for (const [id, path, from] of hostFiles) new HostFile(site, id, { path, from });

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
  // The per-unit reference (docs/sodimo.md in this repo is a copy, checked by a test).
  new SiteDocs(site, 'docs', {
    title: 'sodimo: quadlet reference',
    intro: 'Every service on the harness is a Podman Quadlet under home/dot_config/containers/systemd/. chezmoi applies the tree into ~/.config/containers/systemd/; `systemctl --user enable --now sodimo.target` brings the stack up. Generated from apps/sodimo.ts.',
  });
  return site;
}
