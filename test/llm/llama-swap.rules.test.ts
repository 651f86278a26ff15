import { expect } from 'chai';
import { LlamaSwap, Model, ModelGroup } from '../../lib/llm';
import { LLAMA_SWAP_IMAGE } from './site';
import { codesOf, small } from './support';
import { expectDiagnostic } from '../../lib/testing';

describe('llm: llama-swap rules', () => {
  it('the base tree is clean', () => {
    expect(codesOf(small().app)).to.deep.equal([]);
  });

  describe('LLM001 self-proxy', () => {
    for (const proxy of ['http://llama-swap:8080', 'http://localhost:${PORT}', 'http://10.89.0.5:${PORT}', 'https://127.0.0.1:${PORT}']) {
      it(`rejects proxy ${proxy}`, () => {
        const s = small();
        new Model(s.llamaSwap, 'other', { modelFile: 'o.gguf', proxy });
        const [d] = expectDiagnostic(s.app, 'LLM001', 'error');
        expect(d.message).to.include('self-proxy');
        expect(d.hint).to.include('127.0.0.1');
        // The schema holds the same rule on the rendered file, as a second net.
        expect(codesOf(s.app)).to.deep.equal(['LLM001', 'LLM030']);
        expectDiagnostic(s.app, 'LLM030', 'error');
      });
    }
    it('accepts a fixed port that matches, and rejects one that does not', () => {
      const s = small();
      new Model(s.llamaSwap, 'fixed', { modelFile: 'f.gguf', port: 10500 });
      expect(codesOf(s.app)).to.deep.equal([]);
      new Model(s.llamaSwap, 'mismatch', { modelFile: 'm.gguf', port: 10501, proxy: 'http://127.0.0.1:10502' });
      expect(expectDiagnostic(s.app, 'LLM001', 'error')[0].message).to.include('10502');
    });
  });

  it('LLM002: a ${...} llama-swap cannot expand is an error, wherever it is', () => {
    const s = small();
    new Model(s.llamaSwap, 'shell', { modelFile: 's.gguf', args: ['--log-file', '${HOME}/log'], env: { X: '${PID}' } });
    const found = expectDiagnostic(s.app, 'LLM002', 'error').map((d) => d.message);
    expect(found.some((m) => m.includes('${HOME}'))).to.equal(true);
    expect(found.some((m) => m.includes('${PID} is only available in cmdStop'))).to.equal(true);
  });

  it('LLM002: declared macros, ${MODEL_ID} and ${PORT} are fine', () => {
    const { app, site } = small();
    const ls = new LlamaSwap(site, 'ls2', { image: LLAMA_SWAP_IMAGE, modelDir: '/m', name: 'ls2', macros: { dir: '/logs', log: '${dir}/x' } });
    new Model(ls, 'a', { modelFile: 'a.gguf', args: ['--log-file', '${log}-${MODEL_ID}-${PORT}', '--alias', '${own}'], macros: { own: 'v' } });
    expect(codesOf(app)).to.deep.equal([]);
  });

  it('LLM003: reserved names, bad names and forward references', () => {
    const { app, site } = small();
    const ls = new LlamaSwap(site, 'ls2', { image: LLAMA_SWAP_IMAGE, modelDir: '/m', macros: { PORT: '1', 'bad name': 'x', a: '${b}', b: 'y' } });
    new Model(ls, 'a', { modelFile: 'a.gguf' });
    const msgs = expectDiagnostic(app, 'LLM003', 'error').map((d) => d.message).join('\n');
    expect(msgs).to.include("'PORT' is reserved").and.include('"bad name"').and.include('declared after it');
  });

  it('LLM004: ${env.NAME} needs NAME in the container environment', () => {
    const s = small();
    new Model(s.llamaSwap, 'e', { modelFile: 'e.gguf', env: { GFX: '${env.HSA_OVERRIDE_GFX_VERSION}' } });
    expect(expectDiagnostic(s.app, 'LLM004', 'error')[0].message).to.include('HSA_OVERRIDE_GFX_VERSION');
    const { app, site } = small();
    const ls = new LlamaSwap(site, 'ls2', { image: LLAMA_SWAP_IMAGE, modelDir: '/m', environment: { HSA_OVERRIDE_GFX_VERSION: '11.0.0' } });
    new Model(ls, 'e', { modelFile: 'e.gguf', env: { GFX: '${env.HSA_OVERRIDE_GFX_VERSION}' } });
    expect(codesOf(app)).to.deep.equal([]);
  });

  it('LLM005: a model without the mandatory flags, unless exempt', () => {
    const s = small();
    new Model(s.llamaSwap, 'bare', { modelFile: 'b.gguf', includeMandatoryFlags: false, args: ['--jinja'] });
    const [d] = expectDiagnostic(s.app, 'LLM005', 'error');
    expect(d.message).to.include('-ngl 999').and.not.include('--jinja');
    const e = small({ exempt: ['bare'] });
    const bare = new Model(e.llamaSwap, 'bare', { modelFile: 'b.gguf' });
    expect(codesOf(e.app)).to.deep.equal([]);
    expect(bare.argv).to.not.include('-ngl');
  });

  it('LLM006: a model that sets a mandatory flag to another value', () => {
    const s = small();
    new Model(s.llamaSwap, 'low', { modelFile: 'l.gguf', args: ['-ngl', '20'] });
    expect(expectDiagnostic(s.app, 'LLM006', 'error')[0].message).to.include('-ngl is 20');
  });

  it('LLM007: an alias used twice, or equal to another model id', () => {
    const s = small();
    new Model(s.llamaSwap, 'b', { modelFile: 'b.gguf', aliases: ['local-task', 'qwen3-4b'] });
    expect(expectDiagnostic(s.app, 'LLM007', 'error')).to.have.length(2);
    const t = small();
    new Model(t.llamaSwap, 'c', { modelFile: 'c.gguf', filters: { setParamsByID: { 'local-task': { temperature: 0 } } } });
    expectDiagnostic(t.app, 'LLM007', 'error');
  });

  it('LLM008: a model in two groups, or twice in one', () => {
    const s = small();
    new ModelGroup(s.llamaSwap, 'one', { members: [s.model] });
    new ModelGroup(s.llamaSwap, 'two', { members: ['local-task'] });
    expect(expectDiagnostic(s.app, 'LLM008', 'error')[0].message).to.include('group one and in group two');
    const t = small();
    t.llamaSwap.addGroup('g', { members: [t.model, 'qwen3-4b'] });
    expect(expectDiagnostic(t.app, 'LLM008', 'error')[0].message).to.include('twice');
  });

  it('LLM009: members that are no model of this llama-swap (and LLM032 on the rendered file)', () => {
    const s = small();
    const other = new LlamaSwap(s.site, 'other', { image: LLAMA_SWAP_IMAGE, modelDir: '/m' });
    const foreign = new Model(other, 'foreign', { modelFile: 'f.gguf' });
    new ModelGroup(s.llamaSwap, 'g', { members: ['nope', foreign] });
    const msgs = expectDiagnostic(s.app, 'LLM009', 'error').map((d) => d.message);
    expect(msgs.some((m) => m.includes('"nope"'))).to.equal(true);
    expect(msgs.some((m) => m.includes('belongs to test/other'))).to.equal(true);
    expectDiagnostic(s.app, 'LLM032', 'error');
  });

  it('LLM010: an unknown preload id (llama-swap would drop it silently)', () => {
    const { app, site } = small();
    const ls = new LlamaSwap(site, 'ls2', { image: LLAMA_SWAP_IMAGE, modelDir: '/m', preload: ['a-alias', 'typo'] });
    new Model(ls, 'a', { modelFile: 'a.gguf', aliases: ['a-alias'] });
    expect(expectDiagnostic(app, 'LLM010', 'error').map((d) => d.message)).to.deep.equal(['preload "typo" is no model of ls2']);
  });

  it('LLM011: invalid model values', () => {
    const s = small();
    new Model(s.llamaSwap, 'bad', { modelFile: 'b.gguf', ttl: -1, concurrencyLimit: 1.5, checkEndpoint: 'health', env: { lower: 'x' }, ctxSize: 0 });
    expect(expectDiagnostic(s.app, 'LLM011', 'error')).to.have.length(5);
  });

  it('LLM012: a later shard, or a file outside the model folder', () => {
    const s = small();
    new Model(s.llamaSwap, 'shard', { modelFile: 'big/big-00002-of-00002.gguf' });
    new Model(s.llamaSwap, 'outside', { modelFile: '/home/me/x.gguf' });
    expect(expectDiagnostic(s.app, 'LLM012', 'error')).to.have.length(2);
  });

  it('LLM013: a filter on the protected "model" parameter', () => {
    const s = small();
    new Model(s.llamaSwap, 'f', { modelFile: 'f.gguf', filters: { setParams: { model: 'x' } } });
    expectDiagnostic(s.app, 'LLM013', 'error');
  });

  it('LLM014: llama-swap settings the loader would change or refuse', () => {
    const { app, site } = small();
    const ls = new LlamaSwap(site, 'ls2', { image: LLAMA_SWAP_IMAGE, modelDir: '/m', healthCheckTimeout: 10, logLevel: 'verbose' as any, globalTTL: -5, startPort: 8080 });
    new Model(ls, 'a', { modelFile: 'a.gguf' });
    expect(expectDiagnostic(app, 'LLM014', 'error')).to.have.length(4);
  });

  it('LLM015: an exemption that names no model is a warning', () => {
    const s = small({ exempt: ['gone'] });
    const [d] = expectDiagnostic(s.app, 'LLM015', 'warning');
    expect(d.severity).to.equal('warning');
  });
});
