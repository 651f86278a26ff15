import { expect } from 'chai';
import { Container, home, LocalLlmStack } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { caddyOf, cleanSynth, dryRun, found, lab, needQuadlet } from './support';

function stack(chat = true) {
  const t = lab();
  const caddy = caddyOf(t.site);
  const llm = new LocalLlmStack(t.site, 'llm', {
    llamaSwap: { image: 'ghcr.io/mostlygeek/llama-swap:v250-vulkan', modelDir: home('.local/share/llama-models'), devices: ['/dev/dri'], groupAdd: ['video'] },
    models: {
      'qwen3-4b': { modelFile: 'qwen3-4b/Qwen3-4B-Q8_0.gguf', aliases: ['local-task'], ttl: 0 },
      'qwen3-embedding': { modelFile: 'qwen3-embedding/Qwen3-Embedding-0.6B-Q8_0.gguf', aliases: ['local-embeddings'], args: ['--embedding', '--pooling', 'last'] },
    },
    groups: { always: { members: ['qwen3-4b', 'qwen3-embedding'], swap: false, exclusive: false, persistent: true } },
    gateway: { image: 'ghcr.io/berriai/litellm:v1.80.0-stable', cache: true },
    localRoutes: { 'local-task': { fallbacks: ['claude-sonnet'] }, 'local-embeddings': {} },
    cloudRoutes: { 'claude-sonnet': { provider: 'anthropic', model: 'claude-sonnet-4-5', apiKey: { envVar: 'ANTHROPIC_API_KEY' } } },
    chat: chat ? { host: 'chat.example.org', caddy, publish: [{ container: 8080, host: 3000 }] } : false,
  });
  return { ...t, llm };
}

describe('patterns: LocalLlmStack', () => {
  it('matches the golden tree', () => {
    expect(Testing.golden(cleanSynth(stack().app), 'test/patterns/__golden__/local-llm-stack')).to.deep.equal([]);
  });

  it('passes the real quadlet generator', function () {
    needQuadlet(this);
    const r = dryRun(cleanSynth(stack().app));
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services)).to.include.members(['llama-swap.service', 'litellm.service', 'litellm-db.service', 'litellm-redis.service', 'openwebui.service', 'openwebui-data-volume.service']);
  });

  it('wires the chat UI to the gateway, and the gateway to llama-swap, its database and cache', () => {
    const { llm } = stack();
    const chat = llm.chat!;
    expect(chat.container.envValue('OPENAI_API_BASE_URL')).to.equal('http://litellm:4000');
    expect(chat.envFile!.secretNames).to.deep.equal(['OPENAI_API_KEY', 'WEBUI_SECRET_KEY']);
    expect(chat.envFile!.valueOf('ENABLE_OLLAMA_API')).to.equal('false');
    expect(llm.gateway.container.dependencies.filter((d) => d.unit instanceof Container).map((d) => [d.unit, d.strength, d.ready])).to.have.deep.members([
      [llm.llamaSwap.container, 'wants', 'started'], [llm.gatewayDatabase!.container, 'requires', 'healthy'], [llm.gatewayCache!.container, 'requires', 'healthy'],
    ]);
    // The chat UI only wants the shared gateway: restarting LiteLLM leaves it running.
    expect(llm.chat!.container.dependencies.find((d) => d.unit === llm.gateway.container)?.strength).to.equal('wants');
    expect(Object.keys(llm.models)).to.deep.equal(['qwen3-4b', 'qwen3-embedding']);
    expect(llm.groups.always.models).to.have.length(2);
  });

  it('runs without a chat UI', () => {
    const { app, llm } = stack(false);
    expect(llm.chat).to.equal(undefined);
    expect(found(app)).to.deep.equal([]);
  });

  it('the llm checks still apply: a route to a model llama-swap lacks (LLM020)', () => {
    const t = lab();
    new LocalLlmStack(t.site, 'llm', {
      llamaSwap: { image: 'ghcr.io/mostlygeek/llama-swap:v250-vulkan', modelDir: home('m') },
      models: { 'qwen3-4b': { modelFile: 'qwen3-4b/q.gguf' } },
      gateway: { image: 'ghcr.io/berriai/litellm:v1.80.0-stable', database: false },
      localRoutes: { 'local-task': {} },
      chat: false,
    });
    expect(Testing.codes(t.app)).to.deep.equal(['LLM020']);
    expectDiagnostic(t.app, 'LLM020', 'error');
  });
});
