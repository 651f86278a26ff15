import { expect } from 'chai';
import { parse } from 'yaml';
import { checkLiteLlmConfig, checkLlamaSwapConfig, Model, shellWord, splitCommand } from '../../lib/llm';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { small } from './support';

const model = (extra: object = {}) => ({ cmd: 'llama-server --port ${PORT}', proxy: 'http://127.0.0.1:${PORT}', ...extra });

describe('llm: schemas and cross-reference checks', () => {
  it('LLM030: the llama-swap schema is closed where the loader is open', () => {
    const codes = (doc: unknown) => checkLlamaSwapConfig(doc).map((p) => `${p.code} ${p.message}`);
    expect(codes({ models: { a: model({ ttll: 5 }) } })).to.deep.equal(['LLM030 llama-swap config /models/a: unknown key "ttll"']);
    expect(codes({ healthCheckTimout: 600, models: { a: model() } })[0]).to.include('unknown key "healthCheckTimout"');
    expect(codes({ healthCheckTimeout: 10, models: { a: model() } })[0]).to.include('/healthCheckTimeout');
    expect(codes({ logLevel: 'verbose', models: { a: model() } })[0]).to.include('/logLevel');
    expect(codes({ models: { a: model({ proxy: 'http://llama-swap:8080' }) } })[0]).to.include('/models/a/proxy');
    expect(codes({ models: { a: model({ env: ['lower=1'] }) } })[0]).to.include('/models/a/env/0');
    expect(codes({ models: { a: { proxy: 'http://127.0.0.1:5000' } } })[0]).to.include('cmd');
    expect(codes({ models: { a: model() }, groups: { g: { members: ['a'], swapp: true } } })[0]).to.include('unknown key "swapp"');
  });

  it('LLM032: cross references in a llama-swap file', () => {
    const msgs = checkLlamaSwapConfig({
      macros: { a: '${b}', b: 'x' },
      models: {
        m1: model({ aliases: ['x'] }),
        m2: model({ aliases: ['x'], cmd: 'llama-server --port 5000 ${nope}' }),
      },
      groups: { g1: { members: ['m1'] }, g2: { members: ['m1', 'ghost'] } },
      hooks: { on_startup: { preload: ['typo'] } },
    }).map((p) => `${p.code} ${p.message}`);
    expect(msgs).to.have.members([
      'LLM032 models.m2: alias "x" is also an alias of m1',
      'LLM032 groups.g2: model m1 is also in group g1',
      'LLM032 groups.g2: member "ghost" is no model id or alias',
      'LLM032 hooks.on_startup.preload: "typo" is no model id or alias (llama-swap would drop it silently)',
      'LLM032 macros: macro a uses ${b}, which is declared after it',
      'LLM032 models.m2.cmd: ${nope} is not a macro llama-swap knows',
      'LLM032 models.m2.proxy: ${PORT} is only available when the model\'s cmd uses it',
    ]);
    expect(checkLlamaSwapConfig({ models: { a: model({ cmdStop: 'kill ${PID}' }) } })).to.deep.equal([]);
  });

  it('LLM031 and LLM032: the LiteLLM schema and its fallbacks', () => {
    const doc = parse(`
model_list:
  - model_name: a
    litellm_param: {}
  - model_name: b
    litellm_params: { model: gpt-5, api_key: sk-literal }
router_settings:
  routing_strategy: fastest
  fallbacks: [{ a: [c] }]
general_settings:
  master_key: sk-1234
`);
    const msgs = checkLiteLlmConfig(doc).map((p) => `${p.code} ${p.message}`);
    expect(msgs).to.include('LLM031 LiteLLM config /model_list/0: unknown key "litellm_param"');
    expect(msgs.some((m) => m.startsWith('LLM031 LiteLLM config /model_list/1/litellm_params/model'))).to.equal(true);
    expect(msgs.some((m) => m.startsWith('LLM031 LiteLLM config /model_list/1/litellm_params/api_key'))).to.equal(true);
    expect(msgs.some((m) => m.startsWith('LLM031 LiteLLM config /router_settings/routing_strategy'))).to.equal(true);
    expect(msgs.some((m) => m.startsWith('LLM031 LiteLLM config /general_settings/master_key'))).to.equal(true);
    expect(msgs).to.include('LLM032 router_settings.fallbacks: "c" is no model_name of this config');
  });

  it('runs on the rendered files at synth (LLM030 and LLM031 reach the construct)', () => {
    const s = small();
    new Model(s.llamaSwap, 'long', { modelFile: 'l.gguf', name: 'x'.repeat(200) });
    s.gateway.addCloudRoute('gpt', { provider: 'openai', model: 'gpt-5', apiKey: { envVar: 'OPENAI_API_KEY' }, params: { temprature: 0.2 } });
    expect(expectDiagnostic(s.app, 'LLM030', 'error')[0].path).to.equal('test/llama-swap');
    expect(expectDiagnostic(s.app, 'LLM031', 'error')[0].message).to.include('unknown key "temprature"');
  });

  it('quotes command words so that llama-swap splits them back', () => {
    const words = ['plain', 'with space', "it's", '{"a":"b c"}', '#not-a-comment', 'back\\slash', '${PORT}', ''];
    expect(splitCommand(words.map(shellWord).join(' '))).to.deep.equal(words);
    expect(splitCommand('a \\\n  b\n# comment\nc "d e"')).to.deep.equal(['a', 'b', 'c', 'd e']);
  });

  it('keeps macro declaration order in the file', () => {
    const { app, site } = small();
    const { LlamaSwap } = require('../../lib/llm');
    const ls = new LlamaSwap(site, 'ls2', { image: 'ghcr.io/mostlygeek/llama-swap:v250-vulkan', modelDir: '/m', macros: { zeta: '/app', alpha: '${zeta}/x' } });
    new Model(ls, 'a', { modelFile: 'a.gguf' });
    const yaml = Testing.synth(app)['.config/containers/systemd/ls2.yaml'];
    expect(yaml.indexOf('zeta:')).to.be.lessThan(yaml.indexOf('alpha:'));
  });
});
