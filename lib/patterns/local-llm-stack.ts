import { Construct } from 'constructs';
import { LiteLlm, LiteLlmProps } from '../llm/litellm';
import { LlamaSwap, LlamaSwapProps } from '../llm/llama-swap';
import { Model, ModelProps } from '../llm/model';
import { ModelGroup, ModelGroupProps } from '../llm/model-group';
import { CloudRouteOptions, LocalRouteOptions } from '../llm/routes';
import { freeId } from './placement';
import { PostgresDatabase, PostgresDatabaseProps } from './postgres';
import { RedisCache, RedisCacheProps } from './redis';
import { WebApp, WebAppProps } from './web-app';

/** The gateway: LiteLlm's props, with its Postgres and Redis made by the stack. */
export interface LocalLlmGatewayProps extends Omit<LiteLlmProps, 'llamaSwap' | 'database' | 'cache'> {
  /** A Postgres for keys and spend (`<name>-db`), or false. @default true */
  readonly database?: boolean | PostgresDatabaseProps;
  /** A Redis for shared rate-limit counters (`<name>-redis`), or false. @default false */
  readonly cache?: boolean | RedisCacheProps;
}

/** The chat UI: a WebApp (OpenWebUI by default) that reaches models only through the gateway. */
export interface LocalLlmChatProps extends Partial<WebAppProps> {
  /** The variable holding the chat UI's LiteLLM key, declared as a secret in its env file. @default 'OPENAI_API_KEY' */
  readonly keyVar?: string;
  /** The variable holding the gateway's URL. @default 'OPENAI_API_BASE_URL' (OpenWebUI's) */
  readonly baseUrlVar?: string;
}

export interface LocalLlmStackProps {
  /** llama-swap: image, model folder, devices, policy. Named `llama-swap` unless `name` is given. */
  readonly llamaSwap: LlamaSwapProps;
  /** Models by id. @default - none (add them with `stack.llamaSwap.addModel`) */
  readonly models?: Record<string, ModelProps>;
  /** Groups by id; members by model id or alias. @default - none */
  readonly groups?: Record<string, ModelGroupProps>;
  /** LiteLLM. Named `litellm` unless `name` is given. */
  readonly gateway: LocalLlmGatewayProps;
  /** Gateway routes to llama-swap models, in order. @default - none */
  readonly localRoutes?: Record<string, LocalRouteOptions>;
  /** Gateway routes to cloud models, after the local ones. @default - none */
  readonly cloudRoutes?: Record<string, CloudRouteOptions>;
  /** The chat UI, or false for none. Named `openwebui` unless `name` is given. @default - OpenWebUI with its defaults */
  readonly chat?: false | LocalLlmChatProps;
}

/** OpenWebUI, pinned: the chat UI the stack runs unless told otherwise. */
export const OPENWEBUI_IMAGE = 'ghcr.io/open-webui/open-webui:v0.6.30';

/**
 * A local model stack: llama-swap (models and groups), LiteLLM in front of it as the only model
 * backend (with its Postgres and, optionally, Redis), and a chat UI connected to the gateway,
 * never to llama-swap. Members keep the plain names the reference site uses (`llama-swap`,
 * `litellm`, `litellm-db`, `openwebui`, ...); the stack's id is not part of them.
 *
 * ```ts
 * const llm = new LocalLlmStack(site, 'llm', {
 *   llamaSwap: { image: 'ghcr.io/mostlygeek/llama-swap:v250-vulkan', modelDir: home('models'), devices: ['/dev/dri'] },
 *   models: { 'qwen3-4b': { modelFile: 'qwen3-4b/Qwen3-4B-Q8_0.gguf', aliases: ['local-task'] } },
 *   gateway: { image: 'ghcr.io/berriai/litellm:v1.80.0-stable' },
 *   localRoutes: { 'local-task': {} },
 *   chat: { host: 'chat.example.org', caddy },
 * });
 * ```
 */
export class LocalLlmStack {
  public readonly llamaSwap: LlamaSwap;
  public readonly gateway: LiteLlm;
  public readonly gatewayDatabase?: PostgresDatabase;
  public readonly gatewayCache?: RedisCache;
  public readonly chat?: WebApp;
  /** The models given in props, by id. */
  public readonly models: Record<string, Model> = {};
  /** The groups given in props, by id. */
  public readonly groups: Record<string, ModelGroup> = {};

  public constructor(scope: Construct, _id: string, props: LocalLlmStackProps) {
    const lsName = props.llamaSwap.name ?? 'llama-swap';
    this.llamaSwap = new LlamaSwap(scope, freeId(scope, lsName), { ...props.llamaSwap, name: lsName });
    for (const [id, m] of Object.entries(props.models ?? {})) this.models[id] = this.llamaSwap.addModel(id, m);
    for (const [id, g] of Object.entries(props.groups ?? {})) this.groups[id] = this.llamaSwap.addGroup(id, g);

    const gw = props.gateway;
    const gwName = gw.name ?? 'litellm';
    const dbProps = gw.database ?? true;
    if (dbProps) {
      const p = dbProps === true ? {} : dbProps;
      const name = p.name ?? `${gwName}-db`;
      this.gatewayDatabase = new PostgresDatabase(scope, freeId(scope, name), { networks: gw.networks, ...p, name });
    }
    if (gw.cache) {
      const p = gw.cache === true ? {} : gw.cache;
      const name = p.name ?? `${gwName}-redis`;
      this.gatewayCache = new RedisCache(scope, freeId(scope, name), { networks: gw.networks, purpose: 'LiteLLM', ...p, name });
    }
    const { database: _d, cache: _c, ...gatewayProps } = gw;
    this.gateway = new LiteLlm(scope, freeId(scope, gwName), {
      ...gatewayProps,
      name: gwName,
      llamaSwap: this.llamaSwap,
      database: this.gatewayDatabase ? { container: this.gatewayDatabase.container, url: this.gatewayDatabase.urlParts() } : undefined,
      cache: this.gatewayCache ? { container: this.gatewayCache.container } : undefined,
    });
    for (const [name, o] of Object.entries(props.localRoutes ?? {})) this.gateway.addLocalRoute(name, o);
    for (const [name, o] of Object.entries(props.cloudRoutes ?? {})) this.gateway.addCloudRoute(name, o);

    if (props.chat !== false) {
      const c = props.chat ?? {};
      const { keyVar, baseUrlVar, ...web } = c;
      const name = c.name ?? 'openwebui';
      this.chat = new WebApp(scope, freeId(scope, name), {
        image: OPENWEBUI_IMAGE,
        port: 8080,
        dataPath: '/app/backend/data',
        ...web,
        name,
        // Without this OpenWebUI probes for an Ollama on localhost:11434 at every start.
        env: { ENABLE_OLLAMA_API: 'false', ...(c.env ?? {}) },
        secrets: { WEBUI_SECRET_KEY: { description: 'session signing key: openssl rand -hex 32' }, ...(c.secrets ?? {}) },
      });
      this.gateway.connect(this.chat.container, { baseUrlVar, keyVar: keyVar ?? 'OPENAI_API_KEY', keyFile: this.chat.envFile });
    }
  }
}
