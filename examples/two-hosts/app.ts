// One site spread over two hosts, with every setting in site.toml beside this file: the GPU host
// runs llama-swap and the LiteLLM gateway, the apps host runs Caddy, the tunnel and the chat UI.
// The chat UI reaches the gateway by the GPU host's declared address (an Endpoint), never by the
// container name `litellm`, which only resolves on the GPU host. README.md says how to synthesize
// it; test/examples/two-hosts.test.ts checks it, and shows the wrong references being caught.
import * as path from 'path';
import { App, Caddy, Endpoint, home, LocalLlmStack, ModelPolicy, Site, SiteConfig, Tunnel, WebApp } from '../../lib';

/** site.toml beside this file, as a path from the working directory (diagnostics name it). */
export const CONFIG_FILE = path.relative(process.cwd(), path.join(__dirname, 'site.toml'));

/** What the example builds, for tests and for sites that add to it. */
export interface TwoHosts {
  readonly config: SiteConfig;
  readonly gpu: Site;
  readonly apps: Site;
  readonly llm: LocalLlmStack;
  /** The gateway's port as the apps host reaches it: http://gpu.lan:4000. */
  readonly gateway: Endpoint;
  readonly chat: WebApp;
}

/** Build both hosts from a loaded config (`SiteConfig.load` or `SiteConfig.fromString`). */
export function twoHosts(app: App, cfg: SiteConfig): TwoHosts {
  const gpu = cfg.createSite(app, 'gpu');
  const apps = cfg.createSite(app, 'apps');
  const gpuHost = cfg.siteHost('gpu') ?? cfg.host('gpu');

  // --- GPU host: models behind the gateway; only the gateway port faces the LAN ------------------
  const llm = new LocalLlmStack(gpu, 'llm', {
    llamaSwap: {
      ...cfg.imageProps('llama_swap'),
      modelDir: home(cfg.setting('model_dir', '.local/share/models')),
      devices: ['nvidia.com/gpu=all'],
      policy: new ModelPolicy({ mandatoryFlags: '-ngl 999 --jinja', reason: 'every model fully on the GPU, with its own chat template' }),
      containerProps: { securityLabelDisable: true },
    },
    models: {
      'qwen3-8b': { modelFile: 'qwen3-8b/Qwen3-8B-Q4_K_M.gguf', aliases: ['local-chat'], ctxSize: 32768 },
      'qwen3-embedding': { modelFile: 'qwen3-embedding/Qwen3-Embedding-0.6B-Q8_0.gguf', aliases: ['local-embeddings'], args: ['--embedding', '--pooling', 'last'], ttl: 0 },
    },
    groups: { resident: { members: ['qwen3-8b', 'qwen3-embedding'], swap: false, exclusive: false, persistent: true } },
    gateway: {
      ...cfg.imageProps('litellm'),
      // The LAN bind comes from [hosts.gpu] bind: without it the port stays on 127.0.0.1, and the
      // endpoint below reports that the apps host cannot reach it (XHOST003).
      publish: [{ container: 4000, host: cfg.setting('gateway_port', 4000), bind: gpuHost.bind }],
      database: { image: cfg.image('postgres') },
    },
    localRoutes: { 'local-chat': { fallbacks: ['cloud'] }, 'local-embeddings': {} },
    cloudRoutes: { cloud: { provider: 'anthropic', model: cfg.setting('cloud_model', 'claude-sonnet-4-5'), apiKey: { envVar: 'ANTHROPIC_API_KEY' } } },
    chat: false, // the chat UI runs on the apps host
  });
  const gateway = new Endpoint(gpu, 'gateway', { target: llm.gateway.container.port(llm.gateway.port), address: gpuHost });

  // --- Apps host: Caddy behind the tunnel, and the chat UI ---------------------------------------
  const caddy = new Caddy(apps, 'caddy', { image: cfg.image('caddy') });
  new Tunnel(apps, 'cloudflared', { caddy, tunnelId: cfg.setting('tunnel_id', '00000000-0000-0000-0000-000000000000'), ingress: 'per-host' });
  const chat = new WebApp(apps, 'openwebui', {
    ...cfg.imageProps('openwebui'),
    port: 8080,
    dataPath: '/app/backend/data',
    host: cfg.setting('chat_host', 'chat.example.net'),
    caddy,
    env: { ENABLE_OLLAMA_API: 'false', ENABLE_SIGNUP: 'false' },
    secrets: { WEBUI_SECRET_KEY: { description: 'session signing key: openssl rand -hex 32' } },
    about: { upstream: 'open-webui/open-webui', role: `chat UI; models come from the gateway on ${gpuHost.address}` },
  });
  // OPENAI_API_BASE_URL=http://gpu.lan:4000/v1 and the key as a secret; no unit dependency (systemd
  // cannot order units across hosts).
  llm.gateway.connectRemote(chat.container, gateway, { baseUrlVar: 'OPENAI_API_BASE_URL', path: '/v1', keyVar: 'OPENAI_API_KEY', keyFile: chat.envFile });
  return { config: cfg, gpu, apps, llm, gateway, chat };
}

export default function (app: App): void {
  twoHosts(app, SiteConfig.load(app, CONFIG_FILE));
}
