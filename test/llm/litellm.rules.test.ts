import { expect } from 'chai';
import { Container, EnvFile, Network } from '../../lib';
import { LiteLlm, LlamaSwap, Model } from '../../lib/llm';
import { LITELLM_IMAGE, LLAMA_SWAP_IMAGE } from './site';
import { codesOf, small } from './support';
import { expectDiagnostic } from '../../lib/testing';

const WEB = 'ghcr.io/open-webui/open-webui:v0.6.30';

describe('llm: gateway rules', () => {
  it('LLM020: a local route that names no model of the gateway\'s llama-swap', () => {
    const s = small();
    s.gateway.addLocalRoute('local-typo');
    const other = new LlamaSwap(s.site, 'other', { image: LLAMA_SWAP_IMAGE, modelDir: '/m' });
    s.gateway.addLocalRoute('foreign', { target: new Model(other, 'foreign', { modelFile: 'f.gguf' }) });
    const msgs = expectDiagnostic(s.app, 'LLM020', 'error').map((d) => d.message);
    expect(msgs).to.have.length(2);
    expect(msgs).to.include('route local-typo: "local-typo" is no model id or alias of llama-swap');
    const t = small();
    const cloudOnly = new LiteLlm(t.site, 'gw2', { image: LITELLM_IMAGE });
    cloudOnly.addLocalRoute('local-task');
    expect(expectDiagnostic(t.app, 'LLM020', 'error')[0].hint).to.include('llamaSwap');
  });

  it('LLM021: the gateway and llama-swap (or a consumer) share no network', () => {
    const s = small();
    const island = new Network(s.site, 'island');
    const gw = new LiteLlm(s.site, 'gw2', { image: LITELLM_IMAGE, llamaSwap: s.llamaSwap, networks: [island] });
    gw.addLocalRoute('local-task');
    const web = new Container(s.site, 'web', { image: WEB, networks: [island] });
    s.gateway.connect(web);
    const msgs = expectDiagnostic(s.app, 'LLM021', 'error').map((d) => d.message);
    expect(msgs).to.include('gw2 and llama-swap share no network');
    expect(msgs).to.include('consumer web shares no network with litellm');
  });

  it('LLM022: timeouts at or below llama-swap\'s healthCheckTimeout', () => {
    const s = small();
    const gw = new LiteLlm(s.site, 'gw2', { image: LITELLM_IMAGE, llamaSwap: s.llamaSwap, requestTimeout: 300 });
    gw.addLocalRoute('local-task', { timeout: 60 });
    expect(expectDiagnostic(s.app, 'LLM022', 'error')).to.have.length(2);
    expect(s.gateway.requestTimeout).to.equal(600); // the default: healthCheckTimeout 300 + 300
  });

  it('LLM023: a cloud key that is not a typed env reference', () => {
    const s = small();
    s.gateway.addCloudRoute('claude', { provider: 'anthropic', model: 'claude-opus-4-7', apiKey: 'sk-ant-literal' as any });
    s.gateway.addCloudRoute('gpt', { provider: 'openai', model: 'gpt-5', apiKey: { envVar: 'openai key' } });
    expect(expectDiagnostic(s.app, 'LLM023', 'error')).to.have.length(2);
  });

  it('LLM024: a fallback to a route that does not exist', () => {
    const s = small();
    s.gateway.addLocalRoute('local-task-2', { target: 'qwen3-4b', fallbacks: ['claude'] });
    s.gateway.addFallback('nope', ['local-task']);
    expect(expectDiagnostic(s.app, 'LLM024', 'error')).to.have.length(2);
  });

  it('LLM025: a health check that loads models', () => {
    const s = small();
    new LiteLlm(s.site, 'gw2', { image: LITELLM_IMAGE, healthCmd: 'curl -f http://127.0.0.1:4000/health' });
    new LiteLlm(s.site, 'gw3', { image: LITELLM_IMAGE, generalSettings: { background_health_checks: true } });
    const found = expectDiagnostic(s.app, 'LLM025', 'error');
    expect(found.map((d) => d.path)).to.deep.equal(['test/gw2', 'test/gw3']);
    expectDiagnostic(s.app, 'LLM031', 'error'); // the schema refuses background_health_checks: true too
  });

  it('LLM026: a container pointed at llama-swap directly', () => {
    const s = small();
    new Container(s.site, 'web', { image: WEB, environment: { OPENAI_API_BASE_URL: 'http://llama-swap:8080/v1' } });
    const env = new EnvFile(s.site, 'agent-env', { name: 'agent', values: { BASE: 'http://host.containers.internal:9292' } });
    new Container(s.site, 'agent', { image: WEB, envFiles: [env] });
    const ok = new Container(s.site, 'ok', { image: WEB, environment: { NOTE: 'llama-swapper', OTHER: 'http://127.0.0.1:92921' } });
    s.gateway.connect(ok);
    const found = expectDiagnostic(s.app, 'LLM026', 'error');
    expect(found.map((d) => d.path)).to.deep.equal(['test/agent', 'test/web']);
    expect(found[0].hint).to.include('connect');
  });

  it('LLM027: a consumer key that nothing provides', () => {
    const s = small();
    const web = new Container(s.site, 'web', { image: WEB });
    s.gateway.connect(web, { keyVar: 'OPENAI_API_KEY' });
    expect(expectDiagnostic(s.app, 'LLM027', 'error')[0].message).to.include('OPENAI_API_KEY');
    const t = small();
    const file = new EnvFile(t.site, 'web-env', { name: 'web' });
    const web2 = new Container(t.site, 'web', { image: WEB });
    t.gateway.connect(web2, { keyVar: 'OPENAI_API_KEY', keyFile: file, path: '/v1' });
    expect(codesOf(t.app)).to.deep.equal([]);
    expect(web2.envValue('OPENAI_API_BASE_URL')).to.equal('http://litellm:4000/v1');
    expect(file.secretNames).to.deep.equal(['OPENAI_API_KEY']);
  });

  it('LLM028: undocumented settings, or typed ones through the raw maps', () => {
    const s = small();
    new LiteLlm(s.site, 'gw2', { image: LITELLM_IMAGE, routerSettings: { routing_stratgy: 'least-busy', timeout: 5 } });
    const msgs = expectDiagnostic(s.app, 'LLM028', 'error').map((d) => d.message);
    expect(msgs).to.include('router_settings.routing_stratgy is not a documented LiteLLM setting');
    expect(msgs).to.include('router_settings.timeout is set by a typed prop of LiteLlm');
  });
});
