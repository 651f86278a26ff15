import { Construct } from 'constructs';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import { Data, KeyOrder, renderYaml } from '../render/data-formats';
import { UnitValue } from '../render/systemd-value';
import { Container, ContainerProps, IImageSource, PortMapping } from '../quadlet/container';
import { EnvFile } from '../quadlet/env-file';
import { INetwork } from '../quadlet/network';
import { headerFor } from '../quadlet/unit';
import './codes';
import { registerConfigFile } from './config-check';
import './consumers';
import { checkMacroDefinitions, MacroValue } from './macros';
import { Model, ModelProps, ModelRef } from './model';
import { ModelGroup, ModelGroupProps } from './model-group';
import { ModelPolicy } from './policy';

/** llama-swap's log levels (the loader does not check them; the schema does). */
export type LlamaSwapLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LlamaSwapProps {
  /** The llama-swap image, fully qualified (e.g. ghcr.io/mostlygeek/llama-swap:v250-vulkan). */
  readonly image: string | IImageSource;
  /** Allow a floating tag (`:vulkan`), with the reason. @default - floating tags are errors */
  readonly allowFloatingTag?: string;
  /**
   * The container and unit name: its DNS name for the gateway, and `<name>.yaml` for the config.
   * @default - the construct id
   */
  readonly name?: string;
  /** The port llama-swap listens on inside the container. @default 8080 (the image's) */
  readonly port?: number;
  /** Host ports (e.g. `{ container: 8080, host: 9292 }` on loopback). @default - none */
  readonly publish?: PortMapping[];
  /** Networks to join; the gateway must share one. @default - the site's default network */
  readonly networks?: INetwork[];
  /** GPU devices (`/dev/dri`, `/dev/kfd`). @default - none */
  readonly devices?: UnitValue[];
  /** Supplementary groups (`video`); never `keep-groups` rootless. @default - none */
  readonly groupAdd?: UnitValue[];
  /** The host folder holding the GGUF files, mounted read-only. */
  readonly modelDir: UnitValue;
  /** Where the model folder appears in the container. @default '/models' */
  readonly modelMount?: string;
  /** Extra mount options for the model folder (e.g. `z`). @default - none (read-only only) */
  readonly modelDirOptions?: string[];
  /** Non-secret environment (`HSA_OVERRIDE_GFX_VERSION`); also what `${env.NAME}` may use. @default - none */
  readonly environment?: Record<string, UnitValue>;
  /** Env files llama-swap reads. @default - none */
  readonly envFiles?: EnvFile[];
  /** Where the image reads its config. @default '/app/config.yaml' (the legacy image's entrypoint) */
  readonly configPath?: string;
  /** The site's mandatory flag group. @default - none */
  readonly policy?: ModelPolicy;
  /** Seconds a model may take to become ready. @default 120 (llama-swap's) */
  readonly healthCheckTimeout?: number;
  /** First `${PORT}`. @default - llama-swap's (5800) */
  readonly startPort?: number;
  /** Default ttl in seconds; 0 never unloads. @default - llama-swap's (0) */
  readonly globalTTL?: number;
  /** Seconds to wait for a graceful unload. @default - llama-swap's (10) */
  readonly unloadTimeout?: number;
  /**
   * llama-swap's log level.
   * @default - llama-swap's ('info')
   */
  readonly logLevel?: LlamaSwapLogLevel;
  /**
   * Which logs llama-swap prints to its standard output (the journal).
   * @default - llama-swap's ('proxy')
   */
  readonly logToStdout?: 'proxy' | 'upstream' | 'both' | 'none';
  /** List aliases in `/v1/models`. @default - llama-swap's (false) */
  readonly includeAliasesInList?: boolean;
  /** Stream a loading notice while a model starts. @default - llama-swap's (false) */
  readonly sendLoadingState?: boolean;
  /** Global macros, in declaration order (a macro may use those before it). @default - none */
  readonly macros?: Record<string, MacroValue>;
  /** Models loaded at start (`hooks.on_startup.preload`). @default - none */
  readonly preload?: ModelRef[];
  /** Any other container settings (health check, more volumes, ...). @default - none */
  readonly containerProps?: Partial<ContainerProps>;
}

const KEY_ORDER_TOP = ['healthCheckTimeout', 'logLevel', 'logToStdout', 'startPort', 'globalTTL', 'unloadTimeout', 'includeAliasesInList', 'sendLoadingState', 'macros', 'models', 'groups', 'hooks'];
const KEY_ORDER_MODEL = ['cmd', 'proxy', 'aliases', 'ttl', 'unloadTimeout', 'env', 'checkEndpoint', 'unlisted', 'concurrencyLimit', 'useModelName', 'name', 'description', 'filters', 'macros'];

/**
 * llama-swap: the container that hot-swaps llama.cpp servers, and its config file, rendered from
 * the Model and ModelGroup constructs under it.
 */
export class LlamaSwap extends Resource {
  public readonly kind = 'llama-swap';
  public readonly name: string;
  public readonly port: number;
  public readonly modelMount: string;
  public readonly healthCheckTimeout: number;
  public readonly policy?: ModelPolicy;
  public readonly container: Container;
  private readonly props: LlamaSwapProps;

  public constructor(scope: Construct, id: string, props: LlamaSwapProps) {
    super(scope, id);
    this.props = props;
    this.name = props.name ?? id;
    this.port = props.port ?? 8080;
    this.modelMount = (props.modelMount ?? '/models').replace(/\/+$/, '');
    this.healthCheckTimeout = props.healthCheckTimeout ?? 120;
    this.policy = props.policy;
    const extra = props.containerProps ?? {};
    this.container = new Container(this, 'container', {
      ...extra,
      name: this.name,
      image: props.image,
      allowFloatingTag: props.allowFloatingTag ?? extra.allowFloatingTag,
      ports: [this.port, ...(extra.ports ?? [])],
      publish: props.publish ?? extra.publish,
      networks: props.networks ?? extra.networks,
      addDevice: props.devices ?? extra.addDevice,
      groupAdd: props.groupAdd ?? extra.groupAdd,
      environment: { ...(extra.environment ?? {}), ...(props.environment ?? {}) },
      envFiles: props.envFiles ?? extra.envFiles,
      volumes: [
        { hostPath: props.modelDir, path: this.modelMount, readOnly: true, options: props.modelDirOptions },
        // A path relative to the unit file: the config sits beside llama-swap.container in the quadlet
        // folder, so the mount holds for every layout (home, chezmoi, rootful) without naming it.
        { hostPath: `./${this.configFileName}`, path: props.configPath ?? '/app/config.yaml', readOnly: true, options: ['Z'] },
        ...(extra.volumes ?? []),
      ],
      command: extra.command ?? (this.port !== 8080 ? ['-listen', `:${this.port}`] : undefined),
      // llama-swap's own /health answers without loading a model (the image has curl).
      healthCmd: extra.healthCmd ?? `curl -fsS -o /dev/null http://127.0.0.1:${this.port}/health`,
    });
    registerConfigFile(this, 'llama-swap');
  }

  /** The config file's name, beside the unit in the quadlet folder. */
  public get configFileName(): string {
    return `${this.name}.yaml`;
  }

  /** `http://<name>:<port>`: how peers on a shared network reach it (only the gateway should). */
  public get url(): string {
    return this.container.url(this.port);
  }

  /** Add a model (same as `new Model(this, id, props)`). */
  public addModel(id: string, props: ModelProps): Model {
    return new Model(this, id, props);
  }

  /** Add a group (same as `new ModelGroup(this, id, props)`). */
  public addGroup(id: string, props: ModelGroupProps): ModelGroup {
    return new ModelGroup(this, id, props);
  }

  public get models(): Model[] {
    return this.node.children.filter((c): c is Model => c instanceof Model);
  }

  public get groups(): ModelGroup[] {
    return this.node.children.filter((c): c is ModelGroup => c instanceof ModelGroup);
  }

  /** The model with this id, or else with this alias. */
  public findModel(name: string): Model | undefined {
    return this.models.find((m) => m.id === name) ?? this.models.find((m) => m.names.includes(name));
  }

  public get macros(): Record<string, MacroValue> {
    return { ...(this.props.macros ?? {}) };
  }

  /** Variables set in the container's environment: what `${env.NAME}` may use. */
  public get environmentNames(): ReadonlySet<string> {
    return new Set([...Object.keys(this.container.environment), ...this.container.envFiles.flatMap((f) => f.variables)]);
  }

  public validate(ctx: ValidationContext): void {
    const p = this.props;
    const r = ctx.report;
    if (!Number.isInteger(this.healthCheckTimeout) || this.healthCheckTimeout < 15) r('LLM014', `healthCheckTimeout ${this.healthCheckTimeout} is under 15 s; llama-swap silently raises it to 15`);
    if (p.startPort !== undefined && (!Number.isInteger(p.startPort) || p.startPort < 1 || p.startPort > 65535)) r('LLM014', `startPort ${p.startPort} must be a port number`);
    if (p.startPort === this.port) r('LLM014', `startPort ${p.startPort} is llama-swap's own port`, 'start the model ports above the llama-swap port, e.g. 10001');
    for (const [k, v] of [['globalTTL', p.globalTTL], ['unloadTimeout', p.unloadTimeout]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) r('LLM014', `${k} ${v} must be a whole number >= 0`);
    }
    if (p.logLevel !== undefined && !['debug', 'info', 'warn', 'error'].includes(p.logLevel)) r('LLM014', `logLevel "${p.logLevel}" is not debug, info, warn or error`);
    if (p.logToStdout !== undefined && !['proxy', 'upstream', 'both', 'none'].includes(p.logToStdout)) r('LLM014', `logToStdout "${p.logToStdout}" is not proxy, upstream, both or none`);
    for (const m of checkMacroDefinitions(this.macros, 'macros')) r('LLM003', m);

    const owner = new Map<string, Model>();
    for (const m of this.models) {
      for (const n of new Set(m.names)) {
        const prior = owner.get(n);
        if (prior) r('LLM007', `"${n}" names both model ${prior.id} and model ${m.id}`);
        else owner.set(n, m);
      }
    }
    const groupOf = new Map<Model, ModelGroup>();
    for (const g of this.groups) {
      for (const m of new Set(g.models)) {
        const prior = groupOf.get(m);
        if (prior) r('LLM008', `model ${m.id} is in group ${prior.groupId} and in group ${g.groupId}`);
        else groupOf.set(m, g);
      }
    }
    for (const ref of p.preload ?? []) {
      const ok = ref instanceof Model ? ref.llamaSwap === this : this.findModel(ref) !== undefined;
      if (!ok) r('LLM010', `preload "${ref instanceof Model ? ref.id : ref}" is no model of ${this.name}`);
    }
    for (const id of this.policy?.exempt ?? []) {
      if (!this.models.some((m) => m.id === id)) r('LLM015', `the policy exempts "${id}", which is no model of ${this.name}`);
    }
  }

  /** The config as data (what the YAML holds). */
  public toData(): Record<string, Data | undefined> {
    const p = this.props;
    const ttlOf = new Map<Model, number | undefined>();
    for (const g of this.groups) for (const m of g.models) if (!ttlOf.has(m)) ttlOf.set(m, g.props.ttl);
    const models = Object.fromEntries([...this.models].sort((a, b) => (a.id < b.id ? -1 : 1)).map((m) => [m.id, m.toData(ttlOf.get(m)) as Data]));
    const groups = Object.fromEntries(this.groups.map((g) => [g.groupId, g.toData() as Data]));
    const preload = (p.preload ?? []).map((ref) => (ref instanceof Model ? ref.id : ref));
    return {
      healthCheckTimeout: this.healthCheckTimeout,
      logLevel: p.logLevel,
      logToStdout: p.logToStdout,
      startPort: p.startPort,
      globalTTL: p.globalTTL,
      unloadTimeout: p.unloadTimeout,
      includeAliasesInList: p.includeAliasesInList,
      sendLoadingState: p.sendLoadingState,
      macros: Object.keys(this.macros).length ? this.macros : undefined,
      models,
      groups: this.groups.length ? groups : undefined,
      hooks: preload.length ? { on_startup: { preload } } : undefined,
    };
  }

  /** Macros are ordered maps: keep declaration order, not sorted order. */
  private keyOrder(): KeyOrder {
    const modelOrders: Record<string, KeyOrder> = {};
    for (const m of this.models) {
      modelOrders[m.id] = { first: KEY_ORDER_MODEL, nested: { macros: { first: Object.keys(m.props.macros ?? {}) } } };
    }
    return {
      first: KEY_ORDER_TOP,
      nested: {
        macros: { first: Object.keys(this.macros) },
        models: { nested: modelOrders },
        groups: { nested: { '*': { first: ['swap', 'exclusive', 'persistent', 'members'] } } },
      },
    };
  }

  public render(ctx: RenderContext): void {
    const header = [...headerFor(this.node.path), `Mounted at ${this.props.configPath ?? '/app/config.yaml'} in ${this.container.unitFileName}; restart ${this.container.serviceName} after a change.`];
    ctx.emit('quadlet', this.configFileName, renderYaml(this.toData() as Data, header, this.keyOrder()));
  }
}

