// One box with an NVIDIA GPU serving local models: llama-swap loads llama.cpp servers on demand,
// LiteLLM in front of it is the only model backend (with a cloud model as fallback), and
// OpenWebUI is the chat UI, reached on the LAN through Caddy. README.md says how to synthesize and
// install it; test/examples/gpu-box.test.ts checks it with the real validators.
import { App, Caddy, home, LocalLlmStack, ModelPolicy, Network, Site, Target } from '../../lib';

/** The domain the chat UI is served under (a LAN DNS name works as well as a public one). */
export const DOMAIN = 'example.net';

/** The box's LAN address: Caddy listens there, everything else stays on loopback or the podman network. */
export const LAN_IP = '192.168.1.50';

export const IMAGES = {
  caddy: 'docker.io/library/caddy:2.8.4-alpine',
  // llama-swap 166 with llama.cpp build 6795, CUDA.
  llamaSwap: 'ghcr.io/mostlygeek/llama-swap:v166-cuda-b6795',
  litellm: 'ghcr.io/berriai/litellm:v1.80.0-stable',
  postgres: 'docker.io/library/postgres:16.4',
  openwebui: 'ghcr.io/open-webui/open-webui:v0.6.30',
} as const;

export default function gpuBox(app: App): Site {
  const site = new Site(app, 'gpu-box', { domains: [DOMAIN] });
  new Target(site, 'target');
  new Network(site, 'gpu-box', { subnet: '10.90.20.0/24', default: true });

  // Plain HTTP on the LAN address only (Caddy's TLS is off: put a tunnel or a TLS proxy in front to
  // leave the LAN). Its admin API is off too.
  const caddy = new Caddy(site, 'caddy', { image: IMAGES.caddy, publish: [{ container: 80, host: 80, bind: LAN_IP }] });

  new LocalLlmStack(site, 'llm', {
    llamaSwap: {
      image: IMAGES.llamaSwap,
      modelDir: home('.local/share/models'),
      // The GPU through CDI: `nvidia-ctk cdi generate` on the host writes the spec. SELinux
      // labels are off for this container only, as NVIDIA's podman guide asks.
      devices: ['nvidia.com/gpu=all'],
      publish: [{ container: 8080, host: 9292 }], // 127.0.0.1:9292, for llama-swap's own UI
      policy: new ModelPolicy({ mandatoryFlags: '-ngl 999 --jinja', reason: 'every model fully on the GPU, with its own chat template' }),
      healthCheckTimeout: 300, // the 20B model takes a while to load from a spinning disk
      containerProps: {
        securityLabelDisable: true,
        about: { upstream: 'mostlygeek/llama-swap', role: 'OpenAI-compatible front end that starts and stops llama.cpp servers by model name' },
      },
    },
    models: {
      'qwen3-8b': { modelFile: 'qwen3-8b/Qwen3-8B-Q4_K_M.gguf', aliases: ['local-chat'], ctxSize: 32768 },
      'gpt-oss-20b': { modelFile: 'gpt-oss-20b/gpt-oss-20b-mxfp4.gguf', aliases: ['local-reasoning'], ctxSize: 65536, chatTemplateKwargs: { reasoning_effort: 'medium' } },
      'nomic-embed': { modelFile: 'nomic-embed/nomic-embed-text-v1.5.Q8_0.gguf', aliases: ['local-embeddings'], args: ['--embedding'], ttl: 0 },
    },
    groups: {
      // One chat model in VRAM at a time; the small embedding model stays loaded beside it.
      chat: { members: ['qwen3-8b', 'gpt-oss-20b'], swap: true, exclusive: false, ttl: 900 },
      embeddings: { members: ['nomic-embed'], swap: false, exclusive: false, persistent: true },
    },
    gateway: {
      image: IMAGES.litellm,
      database: { image: IMAGES.postgres },
      containerProps: { about: { upstream: 'BerriAI/litellm', role: 'the one gateway every caller uses: keys, spend, and the cloud fallback' } },
    },
    localRoutes: {
      'local-chat': { fallbacks: ['claude-sonnet'] },
      'local-reasoning': { fallbacks: ['claude-sonnet'] },
      'local-embeddings': {},
    },
    cloudRoutes: {
      'claude-sonnet': {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        apiKey: { envVar: 'ANTHROPIC_API_KEY', description: 'Anthropic API key (console.anthropic.com)' },
        maxBudget: 20,
        budgetDuration: '30d',
      },
    },
    chat: {
      image: IMAGES.openwebui,
      host: `chat.${DOMAIN}`,
      caddy,
      env: { WEBUI_URL: `http://chat.${DOMAIN}`, ENABLE_SIGNUP: 'false' },
      about: { upstream: 'open-webui/open-webui', role: 'chat UI; it sees the gateway\'s routes, never llama-swap' },
    },
  });
  return site;
}
