import { Construct } from 'constructs';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import { Data, renderYaml } from '../render/data-formats';
import { literalOf } from '../render/systemd-value';
import { ComposedValue, Container, ContainerProps, IImageSource, PortMapping } from '../quadlet/container';
import { Readiness } from '../quadlet/dependency';
import { EnvFile } from '../quadlet/env-file';
import { INetwork } from '../quadlet/network';
import { headerFor } from '../quadlet/unit';
import type { Endpoint } from '../xhost/endpoint';
import '../xhost/codes';
import './codes';
import { registerConfigFile } from './config-check';
import { markGatewayContainer, shareNetwork } from './consumers';
import { LlamaSwap } from './llama-swap';
import { Model } from './model';
import { CloudRouteOptions, ConnectOptions, GatewayRoute, LocalRouteOptions } from './routes';
import { settingsKeys } from './schemas/litellm.schema';

/** LiteLLM's routing strategies. */
export type RoutingStrategy = 'simple-shuffle' | 'least-busy' | 'usage-based-routing' | 'usage-based-routing-v2' | 'latency-based-routing' | 'cost-based-routing' | 'provider-budget-routing';

/** The gateway's Postgres: a typed dependency, its URL a secret. */
export interface LiteLlmDatabase {
  /** The PostgreSQL container LiteLLM stores spend and keys in. */
  readonly container: Container;
  /** The env var holding `postgresql://user:password@host:5432/db`. @default 'DATABASE_URL' */
  readonly urlVar?: string;
  /**
   * The URL composed at the gateway's start from text and podman secrets (never written to a
   * file): what PostgresDatabase.urlParts() gives. Without it the URL is a secret in the env template.
   * @default - a secret in the env template
   */
  readonly url?: ComposedValue;
  /** How to build that URL, for the env template (never the password itself), when `url` is not given. @default - the URL with `<user>`, `<password>` and `<db>` placeholders */
  readonly urlDescription?: string;
  /** Start the gateway once the database is started, or once its health check passed. @default 'healthy' when the container has a health check (the Postgres pattern's has), else 'started' */
  readonly ready?: Readiness;
}

/** The gateway's Redis (shared rpm/tpm counters, optional response cache). */
export interface LiteLlmCache {
  /** The Redis (or Valkey) container LiteLLM caches responses in. */
  readonly container: Container;
  /**
   * The port the cache listens on.
   * @default 6379
   */
  readonly port?: number;
  /** The env var holding the Redis password. @default - none (no password) */
  readonly passwordVar?: string;
  /** Also cache responses in Redis. @default false */
  readonly responseCache?: boolean;
  /** Start the gateway once Redis is started, or once its health check passed. @default 'healthy' when the container has a health check (the Redis pattern's has), else 'started' */
  readonly ready?: Readiness;
}

export interface LiteLlmProps {
  /** The LiteLLM image, fully qualified. */
  readonly image: string | IImageSource;
  /** Allow a floating tag (`:main-stable`), with the reason. @default - floating tags are errors */
  readonly allowFloatingTag?: string;
  /** Container, unit and DNS name; the config is `<name>.yaml`, the env file `<name>.env`. @default - the construct id */
  readonly name?: string;
  /** The port LiteLLM listens on. @default 4000 */
  readonly port?: number;
  /** Host ports. @default - none */
  readonly publish?: PortMapping[];
  /** Networks to join. @default - the site's default network */
  readonly networks?: INetwork[];
  /** The local backend. @default - none (only cloud routes) */
  readonly llamaSwap?: LlamaSwap;
  /** Env var of the master key (must start with sk-). @default 'LITELLM_MASTER_KEY' */
  readonly masterKeyVar?: string;
  /** Env var of the salt key (encrypts stored credentials; never change it). @default 'LITELLM_SALT_KEY' */
  readonly saltKeyVar?: string;
  /**
   * The database for spend tracking and virtual keys.
   * @default - none (no spend tracking, no virtual keys)
   */
  readonly database?: LiteLlmDatabase;
  /**
   * A response cache.
   * @default - none
   */
  readonly cache?: LiteLlmCache;
  /** Seconds a request may take: must cover a cold model start. @default - llama-swap's healthCheckTimeout + 300, else 600 */
  readonly requestTimeout?: number;
  /** Retries before a fallback. @default - LiteLLM's */
  readonly numRetries?: number;
  /**
   * How LiteLLM picks among deployments of one model name.
   * @default 'simple-shuffle'
   */
  readonly routingStrategy?: RoutingStrategy;
  /** Drop OpenAI parameters a backend does not support. @default true */
  readonly dropParams?: boolean;
  /** More documented `litellm_settings`. @default - none */
  readonly litellmSettings?: Record<string, Data>;
  /** More documented `router_settings`. @default - none */
  readonly routerSettings?: Record<string, Data>;
  /** More documented `general_settings`. @default - none */
  readonly generalSettings?: Record<string, Data>;
  /** The container health check; must not load models. @default - GET /health/liveliness with python */
  readonly healthCmd?: string;
  /** Where the image reads the config. @default '/app/config.yaml' */
  readonly configPath?: string;
  /** Non-secret values for the env file. @default - none */
  readonly envValues?: Record<string, string>;
  /** Any other container settings. @default - none */
  readonly containerProps?: Partial<ContainerProps>;
}

/**
 * The LiteLLM gateway: the single model backend of every caller. Its container, its env template
 * (master, salt and provider keys by name), and `litellm.yaml` rendered from typed routes.
 */
export class LiteLlm extends Resource {
  public readonly kind = 'litellm';
  public readonly name: string;
  public readonly port: number;
  public readonly container: Container;
  public readonly envFile: EnvFile;
  public readonly llamaSwap?: LlamaSwap;
  private readonly props: LiteLlmProps;
  private readonly routes: GatewayRoute[] = [];
  private readonly extraFallbacks: Array<[string, string[]]> = [];
  private readonly consumers: Array<{ container: Container; opts: ConnectOptions; endpoint?: Endpoint }> = [];

  public constructor(scope: Construct, id: string, props: LiteLlmProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? id;
    this.port = props.port ?? 4000;
    this.llamaSwap = props.llamaSwap;
    this.envFile = new EnvFile(this, 'env', {
      name: this.name,
      values: props.envValues,
      secrets: {
        [this.masterKeyVar]: { description: 'the LiteLLM master key: "sk-" + random, e.g. sk-$(openssl rand -hex 24)' },
        [props.saltKeyVar ?? 'LITELLM_SALT_KEY']: { description: 'encrypts stored credentials; openssl rand -hex 32; never change it once models are stored' },
      },
    });
    if (props.database && !props.database.url) this.envFile.addSecret(props.database.urlVar ?? 'DATABASE_URL', { description: props.database.urlDescription ?? `postgresql://<user>:<password>@${props.database.container.hostname}:5432/<db>` });
    if (props.cache?.passwordVar) this.envFile.addSecret(props.cache.passwordVar, { description: `the password of ${props.cache.container.hostname}` });
    const extra = props.containerProps ?? {};
    const configPath = props.configPath ?? '/app/config.yaml';
    this.container = new Container(this, 'container', {
      ...extra,
      name: this.name,
      image: props.image,
      allowFloatingTag: props.allowFloatingTag ?? extra.allowFloatingTag,
      ports: [this.port, ...(extra.ports ?? [])],
      publish: props.publish ?? extra.publish,
      networks: props.networks ?? extra.networks,
      envFiles: [this.envFile, ...(extra.envFiles ?? [])],
      // Beside litellm.container in the quadlet folder: a unit-relative path fits every layout.
      volumes: [{ hostPath: `./${this.configFileName}`, path: configPath, readOnly: true, options: ['Z'] }, ...(extra.volumes ?? [])],
      command: extra.command ?? ['--config', configPath, '--port', String(this.port)],
      // liveliness answers without calling a model; /health would make llama-swap load every one.
      healthCmd: props.healthCmd ?? extra.healthCmd ?? `python3 -c 'import urllib.request as u; u.urlopen("http://127.0.0.1:${this.port}/health/liveliness", timeout=5)'`,
    });
    markGatewayContainer(this.container);
    if (props.database?.url) this.container.composeEnv(props.database.urlVar ?? 'DATABASE_URL', props.database.url);
    // llama-swap is restarted after every model change (its YAML says so): Wants=, so that does
    // not restart the gateway and everything behind it. Its database and cache are hard needs.
    if (props.llamaSwap) this.container.dependsOn(props.llamaSwap.container, { strength: 'wants' });
    if (props.database) this.container.dependsOn(props.database.container, { strength: 'requires', ready: props.database.ready ?? readyDefault(props.database.container) });
    if (props.cache) this.container.dependsOn(props.cache.container, { strength: 'requires', ready: props.cache.ready ?? readyDefault(props.cache.container) });
    registerConfigFile(this, 'litellm');
  }

  public get configFileName(): string {
    return `${this.name}.yaml`;
  }

  public get masterKeyVar(): string {
    return this.props.masterKeyVar ?? 'LITELLM_MASTER_KEY';
  }

  /** Seconds a request may take. */
  public get requestTimeout(): number {
    return this.props.requestTimeout ?? (this.llamaSwap ? this.llamaSwap.healthCheckTimeout + 300 : 600);
  }

  /** `http://<name>:<port><path>`: the URL consumers use. */
  public url(path = ''): string {
    return this.container.url(this.port, path);
  }

  /** Route `name` to a model of the gateway's llama-swap. */
  public addLocalRoute(name: string, options: LocalRouteOptions = {}): void {
    this.routes.push({ kind: 'local', name, ...options });
  }

  /** Route `name` to a cloud model; its key is declared in the env template. */
  public addCloudRoute(name: string, options: CloudRouteOptions): void {
    this.routes.push({ kind: 'cloud', name, ...options });
    const v = (options.apiKey as any)?.envVar;
    if (typeof v === 'string' && !this.envFile.has(v)) this.envFile.addSecret(v, { description: options.apiKey.description ?? `${options.provider} API key` });
  }

  /** When `from` fails, try `to` in order. */
  public addFallback(from: string, to: string[]): void {
    this.extraFallbacks.push([from, to]);
  }

  /**
   * Point `consumer` at the gateway: sets the base URL variable, makes it start after the gateway,
   * and (with keyFile) declares its key as a secret in its env template.
   */
  public connect(consumer: Container, options: ConnectOptions = {}): void {
    consumer.addEnvironment(options.baseUrlVar ?? 'OPENAI_API_BASE_URL', this.url(options.path ?? ''));
    // A shared service: restarting the gateway must not restart every app that calls it.
    consumer.dependsOn(this.container, { strength: options.strength ?? 'wants' });
    if (options.keyVar && options.keyFile) {
      if (!options.keyFile.has(options.keyVar)) options.keyFile.addSecret(options.keyVar, { description: `a LiteLLM virtual key (or the master key) for ${consumer.name}` });
      if (!consumer.envFiles.includes(options.keyFile)) consumer.addEnvFile(options.keyFile);
    }
    this.consumers.push({ container: consumer, opts: options });
  }

  /**
   * Point a consumer on another site (host) at the gateway through `endpoint` (an Endpoint on
   * the gateway's site targeting `container.port(port)`): sets the base URL variable to
   * `endpoint.url(path)` and declares the key like connect(). Adds no dependency: systemd
   * cannot order units across hosts.
   */
  public connectRemote(consumer: Container, endpoint: Endpoint, options: ConnectOptions = {}): void {
    consumer.addEnvironment(options.baseUrlVar ?? 'OPENAI_API_BASE_URL', endpoint.url(options.path ?? ''));
    endpoint.addConsumer(consumer);
    if (options.keyVar && options.keyFile) {
      if (!options.keyFile.has(options.keyVar)) options.keyFile.addSecret(options.keyVar, { description: `a LiteLLM virtual key (or the master key) for ${consumer.name}` });
      if (!consumer.envFiles.includes(options.keyFile)) consumer.addEnvFile(options.keyFile);
    }
    this.consumers.push({ container: consumer, opts: options, endpoint });
  }

  /** The local model a route reaches, if it resolves. */
  private localModel(r: GatewayRoute & { kind: 'local' }): Model | undefined {
    const t = r.target ?? r.name;
    if (t instanceof Model) return this.llamaSwap && t.llamaSwap === this.llamaSwap ? t : undefined;
    return this.llamaSwap?.findModel(t);
  }

  private get fallbacks(): Array<[string, string[]]> {
    const all: Array<[string, string[]]> = this.routes.filter((r) => r.fallbacks?.length).map((r) => [r.name, [...r.fallbacks!]]);
    return [...all, ...this.extraFallbacks];
  }

  public validate(ctx: ValidationContext): void {
    const r = ctx.report;
    const ls = this.llamaSwap;
    const names = new Set(this.routes.map((x) => x.name));
    if (ls && !shareNetwork(this.container, ls.container)) r('LLM021', `${this.name} and ${ls.name} share no network`);
    for (const dep of [this.props.database?.container, this.props.cache?.container]) {
      if (dep && !shareNetwork(this.container, dep)) r('LLM021', `${this.name} and ${dep.name} share no network`);
    }
    if (this.requestTimeout <= (ls?.healthCheckTimeout ?? 0)) r('LLM022', `requestTimeout ${this.requestTimeout} s is not above ${ls!.name}'s healthCheckTimeout ${ls!.healthCheckTimeout} s`);
    for (const route of this.routes) {
      if (route.kind === 'local') {
        const target = route.target ?? route.name;
        const label = target instanceof Model ? `model ${target.id} of ${target.llamaSwap.name}` : `"${target}"`;
        if (!ls) r('LLM020', `route ${route.name} is local but the gateway has no llamaSwap`, 'pass llamaSwap to the LiteLLM props');
        else if (!this.localModel(route)) r('LLM020', `route ${route.name}: ${label} is no model id or alias of ${ls.name}`);
        if (ls && route.timeout !== undefined && route.timeout <= ls.healthCheckTimeout) r('LLM022', `route ${route.name}: timeout ${route.timeout} s is not above ${ls.name}'s healthCheckTimeout ${ls.healthCheckTimeout} s`);
      } else {
        const key = route.apiKey as unknown;
        const v = typeof key === 'object' && key !== null ? (key as any).envVar : undefined;
        if (typeof v !== 'string') r('LLM023', `route ${route.name}: apiKey is not { envVar: NAME }`);
        // The value is not echoed: a key pasted where its variable's name belongs would be printed.
        else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) r('LLM023', `route ${route.name}: apiKey.envVar is not an env var name (its ${v.length} characters are not shown: it may be the key itself)`);
        if (!/^[a-z0-9_-]+$/.test(route.provider)) r('LLM028', `route ${route.name}: provider "${route.provider}" is not a LiteLLM provider prefix`);
        if ((route.maxBudget === undefined) !== (route.budgetDuration === undefined)) r('LLM028', `route ${route.name}: maxBudget and budgetDuration go together`);
      }
    }
    for (const [from, to] of this.fallbacks) {
      for (const n of [from, ...to]) if (!names.has(n)) r('LLM024', `fallback ${from} -> [${to.join(', ')}]: "${n}" is no route of ${this.name}`);
    }
    const health = this.props.healthCmd ?? '';
    if (/\/health(?!\/(liveliness|liveness|readiness))/.test(health)) r('LLM025', `healthCmd "${health}" calls /health, which calls every model`);
    if (this.props.generalSettings?.background_health_checks === true) r('LLM025', 'general_settings.background_health_checks is on');
    const typed: Record<string, string[]> = {
      litellm_settings: ['drop_params', 'request_timeout'],
      router_settings: ['routing_strategy', 'num_retries', 'timeout', 'fallbacks'],
      general_settings: ['master_key', 'database_url'],
    };
    for (const [section, extra] of [['litellm_settings', this.props.litellmSettings], ['router_settings', this.props.routerSettings], ['general_settings', this.props.generalSettings]] as const) {
      const known = settingsKeys(section);
      for (const k of Object.keys(extra ?? {})) {
        if (!known.has(k)) r('LLM028', `${section}.${k} is not a documented LiteLLM setting`);
        else if (typed[section].includes(k)) r('LLM028', `${section}.${k} is set by a typed prop of LiteLlm`, 'use the typed prop (requestTimeout, routingStrategy, addFallback, ...)');
      }
    }
    for (const { container, opts, endpoint } of this.consumers) {
      if (endpoint && (endpoint.container !== this.container || endpoint.containerPort !== this.port)) {
        r('XHOST005', `consumer ${container.name}: endpoint ${endpoint.node.path} leads to ${endpoint.container.name}:${endpoint.containerPort}, not to ${this.name}:${this.port}`);
      }
      if (!endpoint && !shareNetwork(container, this.container)) r('LLM021', `consumer ${container.name} shares no network with ${this.name}`);
      const k = opts.keyVar;
      if (k && container.envValue(k) === undefined && !container.envFiles.some((f) => f.has(k)) && !(container.props.secrets ?? []).some((s) => s.env === k)) {
        r('LLM027', `consumer ${container.name}: ${k} is set nowhere`);
      }
    }
  }

  private routeData(route: GatewayRoute): Data {
    if (route.kind === 'local') {
      const model = this.localModel(route);
      const target = route.target instanceof Model ? route.target.id : route.target ?? route.name;
      const ls = this.llamaSwap;
      return {
        model_name: route.name,
        litellm_params: {
          ...(route.params ?? {}),
          model: `openai/${target}`,
          // The container name and container port on the shared network; the host mapping is irrelevant.
          api_base: ls ? `${ls.url}/v1` : undefined,
          api_key: 'none', // the openai/ client needs some key; llama-swap has none
          timeout: route.timeout ?? this.requestTimeout,
        },
        model_info: { mode: route.mode ?? model?.mode ?? 'chat' },
      };
    }
    return {
      model_name: route.name,
      litellm_params: {
        ...(route.params ?? {}),
        model: `${route.provider}/${route.model}`,
        api_base: route.apiBase,
        api_key: `os.environ/${route.apiKey.envVar}`,
        timeout: route.timeout,
        max_budget: route.maxBudget,
        budget_duration: route.budgetDuration,
        rpm: route.rpm,
        tpm: route.tpm,
      },
      model_info: route.mode ? { mode: route.mode } : undefined,
    };
  }

  /** The config as data (what the YAML holds). */
  public toData(): Record<string, Data | undefined> {
    const p = this.props;
    const cache = p.cache;
    const redis = cache ? { host: cache.container.hostname, port: cache.port ?? 6379, password: cache.passwordVar ? `os.environ/${cache.passwordVar}` : undefined } : undefined;
    const fallbacks = this.fallbacks.map(([from, to]) => ({ [from]: to }));
    return {
      model_list: this.routes.map((r) => this.routeData(r)),
      litellm_settings: {
        ...(p.litellmSettings ?? {}),
        drop_params: p.dropParams ?? true,
        request_timeout: this.requestTimeout,
        cache: cache?.responseCache ? true : undefined,
        cache_params: cache?.responseCache ? { type: 'redis', ...redis } : undefined,
      },
      router_settings: {
        ...(p.routerSettings ?? {}),
        routing_strategy: p.routingStrategy ?? 'simple-shuffle',
        num_retries: p.numRetries,
        timeout: this.requestTimeout,
        fallbacks: fallbacks.length ? fallbacks : undefined,
        redis_host: redis?.host,
        redis_port: redis?.port,
        redis_password: redis?.password,
      },
      general_settings: {
        ...(p.generalSettings ?? {}),
        master_key: `os.environ/${this.masterKeyVar}`,
        database_url: p.database ? `os.environ/${p.database.urlVar ?? 'DATABASE_URL'}` : undefined,
      },
    };
  }

  public render(ctx: RenderContext): void {
    const header = [...headerFor(this.node.path), `Mounted at ${this.props.configPath ?? '/app/config.yaml'} in ${this.container.unitFileName}; keys come from ${literalOf(this.envFile.hostPath)}.`];
    ctx.emit('quadlet', this.configFileName, renderYaml(this.toData() as Data, header, {
      first: ['model_list', 'litellm_settings', 'router_settings', 'general_settings'],
      nested: {
        model_list: { nested: { '[]': { first: ['model_name', 'litellm_params', 'model_info'], nested: { litellm_params: { first: ['model', 'api_base', 'api_key', 'timeout'] } } } } },
        litellm_settings: { first: ['drop_params', 'request_timeout', 'cache', 'cache_params'] },
        router_settings: { first: ['routing_strategy', 'num_retries', 'timeout', 'fallbacks'] },
        general_settings: { first: ['master_key', 'database_url'] },
      },
    }));
  }
}

/** Wait for health when there is a health check to wait for. */
function readyDefault(container: Container): Readiness {
  return container.hasHealthCheck ? 'healthy' : 'started';
}
