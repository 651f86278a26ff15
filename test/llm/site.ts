import { App, Container, EnvFile, home, Network, Site } from '../../lib';
import { Testing } from '../../lib/testing';
import { LiteLlm, LlamaSwap, Model, ModelGroup, ModelPolicy } from '../../lib/llm';

/** The site's mandatory flag group (site-quadlet-chapter: llama-swap). */
export const SITE_FLAGS = '--no-mmap -fa on -ngl 999 --batch-size 4096 --ubatch-size 512 --cache-type-k q8_0 --cache-type-v q8_0 --jinja --direct-io --cache-prompt --cache-reuse 256 --threads 12';

export const LLAMA_SWAP_IMAGE = 'ghcr.io/mostlygeek/llama-swap:v250-vulkan';
export const LITELLM_IMAGE = 'ghcr.io/berriai/litellm:v1.80.0-stable';

export interface SiteShaped {
  readonly app: App;
  readonly site: Site;
  readonly network: Network;
  readonly llamaSwap: LlamaSwap;
  readonly models: Record<string, Model>;
  readonly groups: Record<string, ModelGroup>;
  readonly gateway: LiteLlm;
  readonly openwebui: Container;
}

/** A tree shaped like the site: four models, three groups, local and cloud routes, fallbacks. */
export function siteShaped(): SiteShaped {
  const { app, site } = Testing.site({ name: 'sodimo', layout: 'chezmoi' });
  const network = new Network(site, 'sodimo', { subnet: '10.89.0.0/24', default: true });
  const policy = new ModelPolicy({ mandatoryFlags: SITE_FLAGS, reason: 'kyuz0 models.ini.example; re-validate with the resync runbook' });
  const llamaSwap = new LlamaSwap(site, 'llama-swap', {
    image: LLAMA_SWAP_IMAGE,
    publish: [{ container: 8080, host: 9292 }],
    devices: ['/dev/dri', '/dev/kfd'],
    groupAdd: ['video'],
    modelDir: home('.local/share/llama-models'),
    environment: { HSA_OVERRIDE_GFX_VERSION: '11.0.0' },
    policy,
    healthCheckTimeout: 600,
    logLevel: 'info',
    startPort: 10001,
    globalTTL: 0,
  });
  const models = {
    task: new Model(llamaSwap, 'qwen3-4b', { modelFile: 'qwen3-4b/Qwen3-4B-Q8_0.gguf', aliases: ['local-task'], ttl: 0 }),
    heavy: new Model(llamaSwap, 'gpt-oss-120b', {
      modelFile: 'gpt-oss-120b/gpt-oss-120b-UD-Q8_K_XL-00001-of-00002.gguf',
      aliases: ['local-heavy'],
      ctxSize: 65536,
      chatTemplateKwargs: { reasoning_effort: 'high' },
    }),
    coder: llamaSwap.addModel('qwen3-30b', { modelFile: 'qwen3-30b/Qwen3-30B-A3B-Q8_0.gguf', aliases: ['qwen3-30b-coder'] }),
    embeddings: llamaSwap.addModel('qwen3-embedding', {
      modelFile: 'qwen3-embedding/Qwen3-Embedding-0.6B-Q8_0.gguf',
      aliases: ['local-embeddings'],
      args: ['--embedding', '--pooling', 'last'],
      env: { HSA_OVERRIDE_GFX_VERSION: '11.0.0' },
      ttl: 0,
    }),
  };
  const groups = {
    task: new ModelGroup(llamaSwap, 'task', { exclusive: false, persistent: true, members: [models.task] }),
    heavy: llamaSwap.addGroup('heavy', { members: [models.heavy, 'qwen3-30b'], ttl: 600 }),
    embeddings: llamaSwap.addGroup('embeddings', { exclusive: false, persistent: true, members: ['local-embeddings'] }),
  };

  const db = new Container(site, 'litellm-db', { image: 'docker.io/pgvector/pgvector:0.8.0-pg16', ports: [5432] });
  const redis = new Container(site, 'litellm-redis', { image: 'docker.io/library/redis:7.4-alpine', ports: [6379] });
  const gateway = new LiteLlm(site, 'litellm', {
    image: LITELLM_IMAGE,
    publish: [{ container: 4000 }],
    llamaSwap,
    database: { container: db },
    cache: { container: redis },
    numRetries: 1,
  });
  gateway.addLocalRoute('local-task');
  gateway.addLocalRoute('local-heavy', { fallbacks: ['claude-opus-4-7'] });
  gateway.addLocalRoute('local-embeddings', { target: models.embeddings });
  gateway.addCloudRoute('claude-opus-4-7', {
    provider: 'anthropic', model: 'claude-opus-4-7', apiKey: { envVar: 'ANTHROPIC_API_KEY', description: 'console.anthropic.com key' },
    maxBudget: 50, budgetDuration: '30d',
  });
  gateway.addCloudRoute('gpt-5', { provider: 'openai', model: 'gpt-5', apiKey: { envVar: 'OPENAI_API_KEY' }, rpm: 60, tpm: 200000 });

  const webEnv = new EnvFile(site, 'openwebui-env', { name: 'openwebui', values: { WEBUI_AUTH: 'false', ENABLE_OLLAMA_API: 'false' } });
  const openwebui = new Container(site, 'openwebui', {
    image: 'ghcr.io/open-webui/open-webui:v0.6.30',
    publish: [{ container: 8080, host: 3000 }],
    envFiles: [webEnv],
  });
  gateway.connect(openwebui, { keyVar: 'OPENAI_API_KEY', keyFile: webEnv });
  return { app, site, network, llamaSwap, models, groups, gateway, openwebui };
}
