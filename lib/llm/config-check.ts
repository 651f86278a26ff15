import type { ErrorObject, ValidateFunction } from 'ajv';
import { IConstruct } from 'constructs';
import { parse as parseYaml } from 'yaml';
import { App, OutputValidator } from '../core/app';
import './codes';
import { checkMacroDefinitions, checkRefs } from './macros';

/** Which loader reads a generated file. */
export type ConfigKind = 'llama-swap' | 'litellm';

/** One problem in a config file: its code (LLM030-032) and a message naming the path. */
export interface ConfigProblem {
  /** LLM030 (unparseable), LLM031 (schema) or LLM032 (cross-reference). */
  readonly code: 'LLM030' | 'LLM031' | 'LLM032';
  /** What is wrong, naming the path in the file. */
  readonly message: string;
}

let validators: Record<ConfigKind, ValidateFunction> | undefined;

/**
 * The schemas compiled ahead of time (validate.generated.ts, by scripts/gen-validators.ts with
 * the options in schemas/standalone.ts): compiling them at every synth cost about 60 ms. Loaded on
 * first use, so that sites without an LLM gateway do not pay for loading them.
 */
function compiled(): Record<ConfigKind, ValidateFunction> {
  if (!validators) {
    const generated: typeof import('./schemas/validate.generated') = require('./schemas/validate.generated');
    validators = {
      'llama-swap': generated.validateLlamaSwap as ValidateFunction,
      'litellm': generated.validateLiteLlm as ValidateFunction,
    };
  }
  return validators;
}

function describe(e: ErrorObject): string {
  const at = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${at}: unknown key "${(e.params as any).additionalProperty}"`;
  return `${at}: ${e.message}`;
}

/** Schema and cross-reference problems of a parsed llama-swap config (usable on hand-written files). */
export function checkLlamaSwapConfig(doc: unknown): ConfigProblem[] {
  const validate = compiled()['llama-swap'];
  const out: ConfigProblem[] = [];
  if (!validate(doc)) out.push(...(validate.errors ?? []).map((e) => ({ code: 'LLM030' as const, message: `llama-swap config ${describe(e)}` })));
  if (!isMap(doc) || !isMap(doc.models)) return out;
  const cross = (message: string) => out.push({ code: 'LLM032', message });
  const models = doc.models as Record<string, any>;
  const owner = new Map<string, string>(Object.keys(models).map((id) => [id, id]));
  for (const [id, m] of Object.entries(models)) {
    const names = [...(Array.isArray(m?.aliases) ? m.aliases : []), ...Object.keys(isMap(m?.filters?.setParamsByID) ? m.filters.setParamsByID : {})];
    for (const n of new Set<string>(names)) {
      if (n === id) continue;
      const prior = owner.get(n);
      if (prior !== undefined) cross(`models.${id}: alias "${n}" is also ${prior === n ? 'a model id' : `an alias of ${prior}`}`);
      else owner.set(n, id);
    }
  }
  const groupOf = new Map<string, string>();
  for (const [g, group] of Object.entries(isMap(doc.groups) ? (doc.groups as Record<string, any>) : {})) {
    for (const member of Array.isArray(group?.members) ? group.members : []) {
      const id = owner.get(member);
      if (id === undefined) {
        cross(`groups.${g}: member "${member}" is no model id or alias`);
        continue;
      }
      const prior = groupOf.get(id);
      if (prior) cross(`groups.${g}: model ${id} is also in group ${prior}`);
      else groupOf.set(id, g);
    }
  }
  const preload = (doc.hooks as any)?.on_startup?.preload;
  for (const p of Array.isArray(preload) ? preload : []) {
    if (!owner.has(p)) cross(`hooks.on_startup.preload: "${p}" is no model id or alias (llama-swap would drop it silently)`);
  }
  const globals = isMap(doc.macros) ? (doc.macros as Record<string, unknown>) : {};
  for (const m of checkMacroDefinitions(globals, 'macros')) cross(m);
  for (const [id, m] of Object.entries(models)) {
    if (!isMap(m)) continue;
    const own = isMap(m.macros) ? (m.macros as Record<string, unknown>) : {};
    for (const problem of checkMacroDefinitions(own, `models.${id}.macros`, new Set(Object.keys(globals)))) cross(problem);
    const expand = (s: string) => expandMacros(s, { ...globals, ...own });
    const scope = { declared: new Set([...Object.keys(globals), ...Object.keys(own)]), port: typeof m.cmd === 'string' && expand(m.cmd).includes('${PORT}'), modelId: true };
    for (const [key, value] of Object.entries(m)) {
      if (key === 'macros') continue;
      walk(value, `models.${id}.${key}`, (s, where) => {
        for (const p of checkRefs(s, where, { ...scope, pid: key === 'cmdStop' })) cross(p.message);
      });
    }
  }
  return out;
}

/** Schema and cross-reference problems of a parsed LiteLLM config. */
export function checkLiteLlmConfig(doc: unknown): ConfigProblem[] {
  const validate = compiled().litellm;
  const out: ConfigProblem[] = [];
  if (!validate(doc)) out.push(...(validate.errors ?? []).map((e) => ({ code: 'LLM031' as const, message: `LiteLLM config ${describe(e)}` })));
  if (!isMap(doc) || !Array.isArray(doc.model_list)) return out;
  const names = new Set(doc.model_list.map((m: any) => m?.model_name));
  for (const section of ['router_settings', 'litellm_settings'] as const) {
    const s = (doc as any)[section];
    for (const key of ['fallbacks', 'context_window_fallbacks', 'content_policy_fallbacks']) {
      for (const entry of Array.isArray(s?.[key]) ? s[key] : []) {
        for (const [from, to] of Object.entries(isMap(entry) ? entry : {})) {
          for (const n of [from, ...(Array.isArray(to) ? to : [])]) {
            if (!names.has(n)) out.push({ code: 'LLM032', message: `${section}.${key}: "${n}" is no model_name of this config` });
          }
        }
      }
    }
  }
  return out;
}

/** Global and model macros substituted (not env, PORT, MODEL_ID), to see what a cmd expands to. */
function expandMacros(s: string, macros: Record<string, unknown>): string {
  let out = s;
  for (let i = 0; i < 10; i++) {
    const next = out.replace(/\$\{([a-zA-Z0-9_-]+)\}/g, (all, n) => (n in macros ? String(macros[n]) : all));
    if (next === out) break;
    out = next;
  }
  return out;
}

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function walk(v: unknown, where: string, fn: (s: string, where: string) => void): void {
  if (typeof v === 'string') fn(v, where);
  else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`, fn));
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) walk(x, `${where}.${k}`, fn);
}

const registries = new WeakMap<App, Map<string, ConfigKind>>();

/** The output check: every registered construct's YAML, parsed back and checked. */
function validatorFor(registry: Map<string, ConfigKind>): OutputValidator {
  return (files, report) => {
    for (const f of files.values()) {
      const kind = registry.get(f.constructPath);
      if (!kind || !f.path.endsWith('.yaml')) continue;
      let doc: unknown;
      try {
        doc = parseYaml(f.content);
      } catch (e: any) {
        report(f.constructPath, kind === 'litellm' ? 'LLM031' : 'LLM030', `${f.path} is not YAML: ${e?.message ?? e}`);
        continue;
      }
      const problems = kind === 'litellm' ? checkLiteLlmConfig(doc) : checkLlamaSwapConfig(doc);
      for (const p of problems) report(f.constructPath, p.code, `${f.path} ${p.message}`);
    }
  };
}

/** Mark `scope`'s YAML output for the schema and cross-reference check (one validator per app). */
export function registerConfigFile(scope: IConstruct, kind: ConfigKind): void {
  const app = App.of(scope);
  if (!app) return;
  let registry = registries.get(app);
  if (!registry) {
    registry = new Map();
    registries.set(app, registry);
    app.addOutputValidator('llm.configs', validatorFor(registry));
  }
  registry.set(scope.node.path, kind);
}
