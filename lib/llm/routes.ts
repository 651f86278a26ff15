import { Data } from '../render/data-formats';
import { DependencyStrength } from '../quadlet/dependency';
import { EnvFile } from '../quadlet/env-file';
import { ModelMode, ModelRef } from './model';

/** A provider key: only the variable's name enters the tree; its value lives in the real .env. */
export interface CloudKey {
  /** The variable in the gateway's env file, e.g. 'ANTHROPIC_API_KEY'. Written as `os.environ/NAME`. */
  readonly envVar: string;
  /** How to get one, for the env template. @default - "<provider> API key" */
  readonly description?: string;
}

/** Options every route takes. */
export interface RouteOptions {
  /** Seconds LiteLLM waits for this route. @default - the gateway's requestTimeout for local routes; LiteLLM's for cloud ones */
  readonly timeout?: number;
  /** Route names to try when this one fails, in order. @default - none */
  readonly fallbacks?: readonly string[];
  /** Other documented `litellm_params` (temperature, max_tokens, ...). @default - none */
  readonly params?: Readonly<Record<string, Data>>;
}

/** A route to a model of the gateway's llama-swap. */
export interface LocalRouteOptions extends RouteOptions {
  /**
   * The llama-swap model: a Model, or a model id or alias (sent as `openai/<name>`).
   * @default - the route name (an alias of the same name)
   */
  readonly target?: ModelRef;
  /** `model_info.mode`. @default - the model's mode (chat, or embedding for --embedding) */
  readonly mode?: ModelMode;
}

/** A route to a cloud provider's model. */
export interface CloudRouteOptions extends RouteOptions {
  /** LiteLLM's provider prefix: 'anthropic', 'openai', 'gemini', ... */
  readonly provider: string;
  /** The provider's model name, e.g. 'claude-opus-4-7'. */
  readonly model: string;
  /** The provider key, by env var. */
  readonly apiKey: CloudKey;
  /** A non-default endpoint. @default - the provider's */
  readonly apiBase?: string;
  /** USD per budgetDuration for this deployment. @default - no budget */
  readonly maxBudget?: number;
  /** The budget window, e.g. '30d'. @default - none (required with maxBudget) */
  readonly budgetDuration?: string;
  /** Requests per minute. @default - unlimited */
  readonly rpm?: number;
  /** Tokens per minute. @default - unlimited */
  readonly tpm?: number;
  /** `model_info.mode`. @default - not written (chat) */
  readonly mode?: ModelMode;
}

/** A route as the gateway keeps it. */
export type GatewayRoute =
  | ({ readonly kind: 'local'; readonly name: string } & LocalRouteOptions)
  | ({ readonly kind: 'cloud'; readonly name: string } & CloudRouteOptions);

/** How a consumer container is wired to the gateway. */
export interface ConnectOptions {
  /** The variable that holds the gateway's base URL. @default 'OPENAI_API_BASE_URL' */
  readonly baseUrlVar?: string;
  /** Appended to `http://<gateway>:<port>`; OpenAI-style clients often want '/v1'. @default '' */
  readonly path?: string;
  /** The variable that must hold the consumer's LiteLLM key. @default - no key checked */
  readonly keyVar?: string;
  /** Declare `keyVar` as a secret in this env file (and make the consumer read it). @default - the key must already be provided */
  readonly keyFile?: EnvFile;
  /**
   * How hard the consumer needs the gateway. `wants`: restarting LiteLLM (after a config change)
   * does not restart the consumer, which retries its calls; `requires` restarts it too.
   * @default 'wants'
   */
  readonly strength?: DependencyStrength;
}
