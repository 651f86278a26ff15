import { App, Network, Site } from '../../lib';
import { LiteLlm, LlamaSwap, Model, ModelPolicy } from '../../lib/llm';
import { findValidators, requireValidators, Testing } from '../../lib/testing';
import { LITELLM_IMAGE, LLAMA_SWAP_IMAGE } from './site';

export const validators = findValidators();

/** Skip when the quadlet generator is missing (fail on CI). */
export function needQuadlet(ctx: Mocha.Context): void {
  if (validators.quadlet) return;
  if (requireValidators()) throw new Error('quadlet is missing: run scripts/ensure-validators.sh');
  ctx.skip();
}

export interface Small {
  readonly app: App;
  readonly site: Site;
  readonly network: Network;
  readonly llamaSwap: LlamaSwap;
  readonly model: Model;
  readonly gateway: LiteLlm;
}

/** A valid minimal tree: one llama-swap with one model under a two-flag policy, and a gateway. */
export function small(opts: { exempt?: string[] } = {}): Small {
  const { app, site } = Testing.site();
  const network = new Network(site, 'net', { default: true });
  const llamaSwap = new LlamaSwap(site, 'llama-swap', {
    image: LLAMA_SWAP_IMAGE,
    publish: [{ container: 8080, host: 9292 }],
    modelDir: '/srv/models',
    policy: new ModelPolicy({ mandatoryFlags: '-ngl 999 --jinja', exempt: opts.exempt }),
    healthCheckTimeout: 300,
  });
  const model = new Model(llamaSwap, 'qwen3-4b', { modelFile: 'qwen3-4b.gguf', aliases: ['local-task'] });
  const gateway = new LiteLlm(site, 'litellm', { image: LITELLM_IMAGE, llamaSwap });
  gateway.addLocalRoute('local-task');
  return { app, site, network, llamaSwap, model, gateway };
}

/** The error and warning codes, sorted and unique. */
export function codesOf(app: App): string[] {
  return [...new Set(Testing.codes(app))].sort();
}
