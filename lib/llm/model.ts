import { Data } from '../render/data-formats';
import { ValidationContext, Resource } from '../core/resource';
import './codes';
import type { LlamaSwap } from './llama-swap';
import { checkMacroDefinitions, checkRefs, MacroValue, shellWord, splitCommand } from './macros';
import { showFlag } from './policy';

/** What a model serves; LiteLLM routes take their `model_info.mode` from it. */
export type ModelMode = 'chat' | 'completion' | 'embedding' | 'rerank';

/** llama-swap's request filters. */
export interface ModelFilters {
  /** Request parameters removed before the request reaches the model. @default - none */
  readonly stripParams?: readonly string[];
  /** Parameters set (overriding the client's) on every request. @default - none */
  readonly setParams?: Readonly<Record<string, Data>>;
  /** Parameters set per requested id; each key also becomes an alias of the model. @default - none */
  readonly setParamsByID?: Readonly<Record<string, Readonly<Record<string, Data>>>>;
}

export interface ModelProps {
  /**
   * The model id clients and routes use.
   * @default - the construct id
   */
  readonly id?: string;
  /** Other names for the model, unique across the llama-swap. @default - none */
  readonly aliases?: readonly string[];
  /**
   * The GGUF file: relative to the LlamaSwap's model folder, or an absolute path under its mount
   * point. For a split model, the first shard (`...-00001-of-00002.gguf`).
   */
  readonly modelFile: string;
  /** The inference server binary inside the image. @default '/app/llama-server' */
  readonly server?: string;
  /** `--ctx-size`. @default - the server's (the model's trained context) */
  readonly ctxSize?: number;
  /** `--chat-template-kwargs`, written as JSON with sorted keys. @default - none */
  readonly chatTemplateKwargs?: Readonly<Record<string, Data>>;
  /** More server arguments, one word each (`['--embedding', '--pooling', 'last']`). @default - none */
  readonly args?: readonly string[];
  /**
   * Append the LlamaSwap policy's mandatory flags. Turning this off without an exemption is an error
   * unless `args` carries every flag.
   * @default true
   */
  readonly includeMandatoryFlags?: boolean;
  /**
   * A fixed port for the server instead of llama-swap's `${PORT}`.
   * @default - ${PORT}, allocated by llama-swap from startPort
   */
  readonly port?: number;
  /**
   * Where llama-swap sends requests. Must be the server itself on 127.0.0.1 (the self-proxy rule);
   * only set it to document that, never to a container name.
   * @default 'http://127.0.0.1:${PORT}'
   */
  readonly proxy?: string;
  /** Seconds idle before unloading; 0 never unloads. @default - the group's ttl, else llama-swap's globalTTL */
  readonly ttl?: number;
  /** Seconds to wait for a graceful unload. @default - llama-swap's unloadTimeout */
  readonly unloadTimeout?: number;
  /** Environment of the server process (`NAME=value`). @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** The readiness path, or 'none'. @default '/health' (not written) */
  readonly checkEndpoint?: string;
  /** Hide from `/v1/models`. @default false */
  readonly unlisted?: boolean;
  /** Parallel requests before HTTP 429. @default - llama-swap's (10) */
  readonly concurrencyLimit?: number;
  /** Request filters. @default - none */
  readonly filters?: ModelFilters;
  /** Model-scoped macros (ordered; override global ones). @default - none */
  readonly macros?: Readonly<Record<string, MacroValue>>;
  /** Display name in `/v1/models`. @default - none */
  readonly name?: string;
  /** Description in `/v1/models`. @default - none */
  readonly description?: string;
  /** The model name sent upstream instead of the requested one. @default - none */
  readonly useModelName?: string;
  /** What the model serves, for gateway routes. @default - 'embedding' with --embedding, 'rerank' with --reranking, else 'chat' */
  readonly mode?: ModelMode;
}

const LOOPBACK_PROXY = /^http:\/\/127\.0\.0\.1:(\$\{PORT\}|[0-9]{1,5})\/?$/;

/**
 * One llama-swap model: its command is built from typed fields (server, model file, context size,
 * chat-template kwargs, extra args, the site's mandatory flags), never one opaque string.
 */
export class Model extends Resource {
  public readonly kind = 'llama-swap-model';
  public readonly id: string;
  public readonly props: ModelProps;
  public readonly llamaSwap: LlamaSwap;

  public constructor(scope: LlamaSwap, id: string, props: ModelProps) {
    super(scope, id);
    this.props = props;
    this.id = props.id ?? id;
    this.llamaSwap = scope;
  }

  public get aliases(): string[] {
    return [...(this.props.aliases ?? [])];
  }

  /** Every name that selects this model: id, aliases, and setParamsByID keys. */
  public get names(): string[] {
    return [this.id, ...this.aliases, ...Object.keys(this.props.filters?.setParamsByID ?? {}).filter((k) => k !== this.id)];
  }

  public get mode(): ModelMode {
    if (this.props.mode) return this.props.mode;
    const args = this.props.args ?? [];
    if (args.includes('--embedding') || args.includes('--embeddings')) return 'embedding';
    if (args.includes('--reranking') || args.includes('--rerank')) return 'rerank';
    return 'chat';
  }

  /** The model file's path inside the container. */
  public get modelPath(): string {
    const f = this.props.modelFile;
    return f.startsWith('/') ? f : `${this.llamaSwap.modelMount}/${f.replace(/^\.?\/+/, '')}`;
  }

  private get usesPolicy(): boolean {
    const policy = this.llamaSwap.policy;
    return !!policy && !policy.isExempt(this.id) && (this.props.includeMandatoryFlags ?? true);
  }

  /** The command as lines of words: server and port, model, typed options, extra args, policy flags. */
  public get commandLines(): string[][] {
    const p = this.props;
    const lines: string[][] = [[p.server ?? '/app/llama-server', '--host', '127.0.0.1', '--port', p.port === undefined ? '${PORT}' : String(p.port)]];
    lines.push(['-m', this.modelPath]);
    if (p.ctxSize !== undefined) lines.push(['--ctx-size', String(p.ctxSize)]);
    if (p.chatTemplateKwargs) lines.push(['--chat-template-kwargs', JSON.stringify(sortKeys(p.chatTemplateKwargs))]);
    if (p.args?.length) lines.push([...p.args]);
    if (this.usesPolicy) lines.push([...this.llamaSwap.policy!.words]);
    return lines;
  }

  /** The argv llama-swap will run. */
  public get argv(): string[] {
    return this.commandLines.flat();
  }

  /** `cmd:` text: one line per group of words, quoted for llama-swap's shlex. */
  public get cmd(): string {
    return this.commandLines.map((l) => l.map(shellWord).join(' ')).join('\n') + '\n';
  }

  public get proxy(): string {
    return this.props.proxy ?? `http://127.0.0.1:${this.props.port === undefined ? '${PORT}' : this.props.port}`;
  }

  /** The model's entry in llama-swap's `models:` map. `groupTtl` fills an unset ttl. */
  public toData(groupTtl?: number): Record<string, Data | undefined> {
    const p = this.props;
    const f = p.filters;
    const filters = f && (f.stripParams?.length || f.setParams || f.setParamsByID) ? {
      stripParams: f.stripParams?.length ? f.stripParams.join(', ') : undefined,
      setParams: f.setParams as Data,
      setParamsByID: f.setParamsByID as Data,
    } : undefined;
    return {
      cmd: this.cmd,
      proxy: this.proxy,
      aliases: p.aliases?.length ? [...p.aliases] : undefined,
      ttl: p.ttl ?? groupTtl,
      unloadTimeout: p.unloadTimeout,
      env: p.env && Object.keys(p.env).length ? Object.keys(p.env).sort().map((k) => `${k}=${p.env![k]}`) : undefined,
      checkEndpoint: p.checkEndpoint,
      unlisted: p.unlisted,
      concurrencyLimit: p.concurrencyLimit,
      useModelName: p.useModelName,
      name: p.name,
      description: p.description,
      filters,
      macros: p.macros && Object.keys(p.macros).length ? { ...p.macros } : undefined,
    };
  }

  public validate(ctx: ValidationContext): void {
    const p = this.props;
    const report = ctx.report;
    const whole = (v: number | undefined, what: string, min: number) => {
      if (v !== undefined && (!Number.isInteger(v) || v < min)) report('LLM011', `model ${this.id}: ${what} ${v} must be a whole number >= ${min}`);
    };
    whole(p.ttl, 'ttl', 0);
    whole(p.unloadTimeout, 'unloadTimeout', 0);
    whole(p.concurrencyLimit, 'concurrencyLimit', 0);
    whole(p.ctxSize, 'ctxSize', 1);
    whole(p.port, 'port', 1);
    if (p.checkEndpoint !== undefined && !/^\/.*$|^none$/.test(p.checkEndpoint)) report('LLM011', `model ${this.id}: checkEndpoint "${p.checkEndpoint}" must be a path starting with / or "none"`);
    for (const k of Object.keys(p.env ?? {})) {
      if (!/^[A-Z_][A-Z0-9_]*$/.test(k)) report('LLM011', `model ${this.id}: env name "${k}" must be upper case letters, digits and _`);
      if (/[\r\n\0]/.test(p.env![k])) report('LLM011', `model ${this.id}: env ${k} holds a newline or NUL`);
    }
    for (const s of p.filters?.stripParams ?? []) {
      if (!/^[a-zA-Z0-9_]+$/.test(s)) report('LLM011', `model ${this.id}: stripParams entry "${s}" is not a parameter name`);
    }
    if ((p.filters?.stripParams ?? []).includes('model') || 'model' in (p.filters?.setParams ?? {}) || Object.values(p.filters?.setParamsByID ?? {}).some((m) => 'model' in m)) {
      report('LLM013', `model ${this.id}: a filter names "model", which llama-swap never changes`);
    }
    if (!/^[^\s/][^\s]*$/.test(this.id) || this.aliases.some((a) => a === '' || /\s/.test(a))) report('LLM011', `model ${this.id}: ids and aliases must be non-empty and without spaces`);
    this.checkCommand(report);
    this.checkProxy(report);
    this.checkModelFile(report);
    this.checkPolicy(report);
    this.checkMacros(report);
  }

  /** The written `cmd` must split back into exactly the argv (LLM016): llama-swap gives no error. */
  private checkCommand(report: ValidationContext['report']): void {
    const back = splitCommand(this.cmd);
    const argv = this.argv;
    if (back.length === argv.length && back.every((w, i) => w === argv[i])) return;
    const bad = argv.find((w) => !back.includes(w)) ?? argv.find((w, i) => back[i] !== w);
    report('LLM016', `model ${this.id}: llama-swap would not read back the argument ${JSON.stringify(bad)} as written (a line inside it starts with # or ends with \\)`);
  }

  private checkProxy(report: ValidationContext['report']): void {
    const m = LOOPBACK_PROXY.exec(this.proxy);
    if (!m) {
      report('LLM001', `model ${this.id}: proxy ${this.proxy} is not http://127.0.0.1:<port> (the self-proxy rule)`);
    } else if (m[1] === '${PORT}' && this.props.port !== undefined) {
      report('LLM001', `model ${this.id}: proxy uses \${PORT} but the command uses the fixed port ${this.props.port}`);
    } else if (m[1] !== '${PORT}' && Number(m[1]) !== (this.props.port ?? -1)) {
      report('LLM001', `model ${this.id}: proxy port ${m[1]} is not the port the server listens on (${this.props.port ?? '${PORT}'})`);
    }
  }

  private checkModelFile(report: ValidationContext['report']): void {
    const f = this.props.modelFile;
    const mount = this.llamaSwap.modelMount;
    if (f.startsWith('/') && !f.startsWith(`${mount}/`)) report('LLM012', `model ${this.id}: ${f} is not under the model folder mount ${mount}`);
    if (f.split('/').includes('..')) report('LLM012', `model ${this.id}: ${f} leaves the model folder`);
    const shard = /-(\d{5})-of-(\d{5})\.gguf$/.exec(f);
    if (shard && shard[1] !== '00001') report('LLM012', `model ${this.id}: ${f} is shard ${Number(shard[1])} of ${Number(shard[2])}, not the first`);
  }

  private checkPolicy(report: ValidationContext['report']): void {
    const policy = this.llamaSwap.policy;
    if (!policy || policy.isExempt(this.id)) return;
    const { missing, overridden } = policy.check(this.argv);
    if (missing.length) {
      report('LLM005', `model ${this.id}: the mandatory flag group is missing ${missing.map(showFlag).join(', ')}${policy.reason ? ` (${policy.reason})` : ''}`);
    }
    for (const o of overridden) report('LLM006', `model ${this.id}: ${o.flag} is ${o.found}, the mandatory flag group says ${showFlag(o)}`);
  }

  private checkMacros(report: ValidationContext['report']): void {
    const ls = this.llamaSwap;
    const own = this.props.macros ?? {};
    for (const m of checkMacroDefinitions(own, `model ${this.id}`, new Set(Object.keys(ls.macros)))) report('LLM003', m);
    const scope = {
      declared: new Set([...Object.keys(ls.macros), ...Object.keys(own)]),
      env: ls.environmentNames,
      port: this.argv.some((w) => w.includes('${PORT}')),
      modelId: true,
    };
    const data = this.toData();
    walkStrings(data, `model ${this.id}`, (value, where) => {
      for (const problem of checkRefs(value, where, scope)) report(problem.code, problem.message);
    });
    for (const key of Object.keys(this.props.filters?.setParamsByID ?? {})) {
      for (const problem of checkRefs(key, `model ${this.id} filters.setParamsByID key`, scope)) report(problem.code, problem.message);
    }
  }
}

/** Calls `fn` on every string leaf (map keys are not expanded by llama-swap, except setParamsByID). */
export function walkStrings(v: Data | undefined, where: string, fn: (value: string, where: string) => void): void {
  if (typeof v === 'string') fn(v, where);
  else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, `${where}[${i}]`, fn));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walkStrings(x as Data, `${where}.${k}`, fn);
}

function sortKeys(v: Data): Data {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, Data>)[k])]));
  return v;
}

/** Reexported for constructs that take a model by object or name. */
export type ModelRef = Model | string;

export function isModel(x: unknown): x is Model {
  return x instanceof Model;
}
