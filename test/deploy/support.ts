import { App, Caddy, Container, EnvFile, Network, Route, Site, Volume } from '../../lib';
import { factsOf, InstallTree, installTree } from '../../lib/deploy';
import { LiteLlm, LlamaSwap, Model, ModelPolicy } from '../../lib/llm';
import { Testing } from '../../lib/testing';

export const IMG = 'docker.io/library/alpine:3.20';

/** What one version of the test site varies. */
export interface Variant {
  /** web.env's MODE value. @default 'prod' */
  readonly mode?: string;
  /** worker.env's LEVEL value. @default 'info' */
  readonly level?: string;
  /** LiteLLM's request timeout (only litellm.yaml says it). @default 900 */
  readonly timeout?: number;
  /** The host of the web route (only routes/web.caddy says it). @default 'www.example.org' */
  readonly host?: string;
  /** Whether the `extra` container and its volume exist. @default true */
  readonly extra?: boolean;
  /** The site's props. @default rootless, home layout */
  readonly layout?: 'home' | 'chezmoi';
  readonly rootless?: boolean;
}

/**
 * A small site with each kind of input: two containers with their own env files (web needs db),
 * llama-swap and LiteLLM with their YAML files, Caddy with a route file, and a container with a
 * named volume that a later version removes.
 */
export function buildSite(v: Variant = {}): { app: App; site: Site } {
  const { app, site } = Testing.site({ domains: ['example.org'], layout: v.layout ?? 'home', rootless: v.rootless ?? true });
  new Network(site, 'net', { default: true });
  const dbEnv = new EnvFile(site, 'db-env', { name: 'app-db', values: { POSTGRES_USER: 'app' }, secrets: { POSTGRES_PASSWORD: { description: 'openssl rand -hex 16' } } });
  const db = new Container(site, 'app-db', { image: IMG, envFiles: [dbEnv], ports: [5432] });
  const webEnv = new EnvFile(site, 'web-env', { name: 'web', values: { MODE: v.mode ?? 'prod' } });
  const web = new Container(site, 'web', { image: IMG, envFiles: [webEnv], ports: [80], dependsOn: [db] });
  const workerEnv = new EnvFile(site, 'worker-env', { name: 'worker', values: { LEVEL: v.level ?? 'info' } });
  new Container(site, 'worker', { image: IMG, envFiles: [workerEnv] });
  const llamaSwap = new LlamaSwap(site, 'llama-swap', {
    image: 'ghcr.io/mostlygeek/llama-swap:v250-vulkan',
    modelDir: '/srv/models',
    policy: new ModelPolicy({ mandatoryFlags: '-ngl 999' }),
  });
  new Model(llamaSwap, 'qwen3-4b', { modelFile: 'qwen3-4b.gguf', aliases: ['local-task'] });
  const gateway = new LiteLlm(site, 'litellm', { image: 'ghcr.io/berriai/litellm:v1.80.0-stable', llamaSwap, requestTimeout: v.timeout ?? 900 });
  gateway.addLocalRoute('local-task');
  const caddy = new Caddy(site, 'caddy');
  new Route(caddy, 'web', { host: v.host ?? 'www.example.org', target: web.port(80) });
  if (v.extra ?? true) {
    const data = new Volume(site, 'extra-data');
    new Container(site, 'extra', { image: IMG, volumes: [{ volume: data, path: '/data' }] });
  }
  return { app, site };
}

/** The installed tree of a variant. */
export function treeOf(v: Variant = {}): InstallTree {
  const { app, site } = buildSite(v);
  return installTree(factsOf(site), app.synthFiles().files);
}
