/**
 * Loads a compose project the way `docker compose` / `podman compose` do: YAML with anchors and
 * merge keys, `!reset` / `!override`, variable interpolation from the shell and `.env` /
 * `--env-file`, `include`, `extends`, several files merged in order, and profiles. The result is
 * one plain object per top-level section, with relative paths made absolute.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { interpolate, InterpolationEnv, parseEnvFile } from './interpolate';
import { ReportBuilder } from './report';
import { IMPORT_SECRET_NAME, looksHarmless } from './values';

/** A compose file given as text. */
export interface ComposeFile {
  /** Where it is (relative paths in it resolve against its folder). */
  readonly path: string;
  /** Its YAML. */
  readonly text: string;
}

/** How to load a compose project. */
export interface ComposeLoadOptions {
  /**
   * Variables of the shell the project would be run from; they win over env files.
   * @default {} (the library never reads process.env; the CLI passes it)
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Env files for interpolation, in order (later ones win). Replaces `.env` beside the first file.
   * @default - `.env` beside the first compose file, if there is one
   */
  readonly envFiles?: readonly string[];
  /** Profiles to activate (also read from COMPOSE_PROFILES). @default - none */
  readonly profiles?: readonly string[];
  /** Reads a file (env files, `include`, `extends`, `env_file`). @default - fs.readFileSync, undefined when missing */
  readonly readFile?: (file: string) => string | undefined;
}

/** A loaded project: every section a plain object, services already merged and filtered. */
export interface ComposeProject {
  /** The top-level `name:`. @default - none (the folder name is used) */
  readonly name?: string;
  /** The folder of the first file. */
  readonly dir: string;
  /** The active services by name, `extends` and `-f` files merged, profiles applied. */
  readonly services: Record<string, Record<string, any>>;
  /** Top-level `networks:` by key. */
  readonly networks: Record<string, any>;
  /** Top-level `volumes:` by key. */
  readonly volumes: Record<string, any>;
  /** Top-level `secrets:` by key. */
  readonly secrets: Record<string, any>;
  /** Top-level `configs:` by key. */
  readonly configs: Record<string, any>;
  /** Values of secret-looking variables substituted anywhere: never written into the site source. */
  readonly secretValues: Set<string>;
  /** The interpolation variables (for `environment: [KEY]` entries that take the shell's value). */
  readonly lookup: (name: string) => string | undefined;
}

const RESET = '\u0000reset';
const OVERRIDE = '\u0000override';
const SECTIONS = ['services', 'networks', 'volumes', 'secrets', 'configs'] as const;

export function defaultReadFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Loads and merges `files` (the first is the main one). Problems go to `report`; never throws. */
export function loadCompose(files: readonly ComposeFile[], options: ComposeLoadOptions, report: ReportBuilder): ComposeProject {
  const read = options.readFile ?? defaultReadFile;
  const dir = path.dirname(path.resolve(files[0]?.path ?? 'compose.yaml'));
  const secretValues = new Set<string>();
  const shell = options.environment ?? {};
  const fileVars = new Map<string, string>();
  const envFiles = options.envFiles ?? [path.join(dir, '.env')];
  const lookup = (n: string): string | undefined => shell[n] ?? fileVars.get(n);
  for (const f of envFiles) {
    const text = read(path.resolve(dir, f));
    if (text === undefined) {
      if (options.envFiles) report.add('IMPORT001', f, undefined, `env file ${f} cannot be read`);
      continue;
    }
    report.sources.push(f);
    for (const [k, v] of parseEnvFile(text, (n) => shell[n] ?? fileVars.get(n), { onMissingRequired: () => undefined, onUnset: () => undefined, secretValues })) {
      fileVars.set(k, v);
      if (IMPORT_SECRET_NAME.test(k) && v.length >= 4 && !looksHarmless(k, v)) secretValues.add(v);
    }
  }
  const unset = new Set<string>();
  const env: InterpolationEnv = {
    lookup,
    secretValues,
    onMissingRequired: (name, message) => report.add('IMPORT002', name, undefined, `\${${name}:?} is not set: ${message}`),
    onUnset: (name) => {
      if (!unset.has(name)) report.add('IMPORT010', name, undefined, `variable ${name} is not set; compose substitutes an empty string and so does the import`);
      unset.add(name);
    },
  };

  const loaded = files.map((f) => loadFile(f, env, read, report, new Set()));
  let merged: Record<string, any> = {};
  for (const l of loaded) merged = mergeTop(merged, l);
  merged = clean(merged) as Record<string, any>;

  const profiles = new Set([...(options.profiles ?? []), ...(lookup('COMPOSE_PROFILES') ?? '').split(',').map((p) => p.trim()).filter((p) => p)]);
  const services: Record<string, Record<string, any>> = {};
  for (const [name, svc] of Object.entries<any>(merged.services ?? {})) {
    const own: string[] = Array.isArray(svc?.profiles) ? svc.profiles.map(String) : [];
    if (own.length > 0 && !own.some((p) => profiles.has(p) || p === '*') && !profiles.has('*')) {
      report.add('IMPORT012', `services.${name}`, 'profiles', `service ${name} is only in profile(s) ${own.join(', ')}, none of which is active: not imported`);
      continue;
    }
    services[name] = svc && typeof svc === 'object' ? svc : {};
  }
  for (const [key] of Object.entries(merged)) {
    if (key.startsWith('x-')) report.add('IMPORT012', key, undefined, `extension ${key} is not mapped itself; the anchors and merge keys that use it were resolved`);
    else if (!['services', 'networks', 'volumes', 'secrets', 'configs', 'name', 'version', 'include', 'models'].includes(key)) {
      report.add('IMPORT003', key, undefined, `top-level ${key} is not part of what the import maps`);
    }
  }
  if (merged.models) report.add('IMPORT003', 'models', undefined, 'compose models (AI model runners) have no construct here; declare the model server as a container');
  return {
    name: typeof merged.name === 'string' ? merged.name : undefined,
    dir,
    services,
    networks: objectOr(merged.networks),
    volumes: objectOr(merged.volumes),
    secrets: objectOr(merged.secrets),
    configs: objectOr(merged.configs),
    secretValues,
    lookup,
  };
}

function objectOr(v: unknown): Record<string, any> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : {};
}

/** Parses one file: YAML, interpolation, paths made absolute, `include` and `extends` resolved. */
function loadFile(file: ComposeFile, env: InterpolationEnv, read: (f: string) => string | undefined, report: ReportBuilder, seen: Set<string>): Record<string, any> {
  const abs = path.resolve(file.path);
  report.sources.push(file.path);
  const doc = parseYaml(file.text, file.path, report);
  if (!doc) return {};
  const data = interpolateTree(doc, env) as Record<string, any>;
  const dir = path.dirname(abs);
  for (const section of SECTIONS) {
    if (data[section] !== undefined && data[section] !== null && (typeof data[section] !== 'object' || Array.isArray(data[section]))) {
      report.add('IMPORT001', file.path, section, `${section} must be a mapping`);
      delete data[section];
    }
  }
  for (const svc of Object.values<any>(data.services ?? {})) if (svc && typeof svc === 'object') absolutizeService(svc, dir);
  for (const section of ['secrets', 'configs']) {
    for (const v of Object.values<any>(data[section] ?? {})) if (v && typeof v.file === 'string') v.file = absPath(v.file, dir);
  }
  resolveExtends(data, abs, env, read, report, seen);
  let result: Record<string, any> = {};
  for (const inc of includesOf(data.include, file.path, report)) {
    const paths = inc.paths.map((p) => path.resolve(dir, p));
    let included: Record<string, any> = {};
    for (const p of paths) {
      if (seen.has(p)) {
        report.add('IMPORT001', file.path, 'include', `include cycle through ${p}`);
        continue;
      }
      const text = read(p);
      if (text === undefined) {
        report.add('IMPORT001', file.path, 'include', `included file ${p} cannot be read`);
        continue;
      }
      included = mergeTop(included, loadFile({ path: p, text }, env, read, report, new Set([...seen, abs])));
    }
    for (const section of SECTIONS) {
      for (const [k, v] of Object.entries<any>(included[section] ?? {})) {
        result[section] ??= {};
        if (result[section][k] !== undefined || data[section]?.[k] !== undefined) {
          report.add('IMPORT001', file.path, 'include', `${section}.${k} is defined by the included file and again here; compose refuses this, the import keeps this file's`);
          continue;
        }
        result[section][k] = v;
      }
    }
  }
  delete data.include;
  for (const section of SECTIONS) if (data[section]) result[section] = { ...(result[section] ?? {}), ...data[section] };
  for (const [k, v] of Object.entries(data)) if (!SECTIONS.includes(k as any)) result[k] = v;
  return result;
}

function includesOf(v: unknown, file: string, report: ReportBuilder): Array<{ paths: string[] }> {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    report.add('IMPORT001', file, 'include', 'include must be a list');
    return [];
  }
  return v.flatMap((e) => {
    if (typeof e === 'string') return [{ paths: [e] }];
    if (e && typeof e === 'object' && (typeof e.path === 'string' || Array.isArray(e.path))) {
      if (e.project_directory || e.env_file) report.add('IMPORT011', file, 'include', 'project_directory and env_file of an include are not applied: its paths resolve against its own folder and the main env');
      return [{ paths: Array.isArray(e.path) ? e.path.map(String) : [e.path] }];
    }
    report.add('IMPORT001', file, 'include', 'an include entry needs a path');
    return [];
  });
}

function parseYaml(text: string, file: string, report: ReportBuilder): Record<string, any> | undefined {
  const doc = YAML.parseDocument(text, { merge: true, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length > 0) {
    report.add('IMPORT001', file, undefined, `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
    return undefined;
  }
  YAML.visit(doc, {
    Node(_key, node) {
      const tag = (node as any).tag;
      if (tag === '!reset') return doc.createNode(RESET);
      if (tag === '!override') {
        (node as any).tag = undefined;
        const wrap = doc.createNode({});
        (wrap as any).add(doc.createPair(OVERRIDE, node));
        return wrap;
      }
      return undefined;
    },
  });
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 10000 });
  } catch (e: any) {
    report.add('IMPORT001', file, undefined, `cannot be read: ${String(e?.message ?? e).split('\n')[0]}`);
    return undefined;
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    report.add('IMPORT001', file, undefined, 'a compose file must be a mapping at the top');
    return undefined;
  }
  return data as Record<string, any>;
}

function interpolateTree(v: unknown, env: InterpolationEnv): unknown {
  if (typeof v === 'string') return v === RESET ? v : interpolate(v, env);
  if (Array.isArray(v)) return v.map((x) => interpolateTree(x, env));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k.startsWith('x-') ? x : interpolateTree(x, env)]));
  }
  return v;
}

function absPath(p: string, dir: string): string {
  if (p.startsWith('~') || path.isAbsolute(p) || /^[a-z]+:\/\//.test(p)) return p;
  return path.resolve(dir, p);
}

/** Relative build contexts, env files and bind sources resolve against the file that names them. */
function absolutizeService(svc: Record<string, any>, dir: string): void {
  if (typeof svc.build === 'string') svc.build = absPath(svc.build, dir);
  else if (svc.build && typeof svc.build === 'object' && typeof svc.build.context === 'string') svc.build.context = absPath(svc.build.context, dir);
  else if (svc.build && typeof svc.build === 'object') svc.build.context = dir;
  if (typeof svc.env_file === 'string') svc.env_file = absPath(svc.env_file, dir);
  else if (Array.isArray(svc.env_file)) {
    svc.env_file = svc.env_file.map((e: any) => (typeof e === 'string' ? absPath(e, dir) : e && typeof e.path === 'string' ? { ...e, path: absPath(e.path, dir) } : e));
  }
  if (Array.isArray(svc.volumes)) {
    svc.volumes = svc.volumes.map((v: any) => {
      if (typeof v === 'string' && /^\.{1,2}(\/|$|:)/.test(v)) {
        const [src, ...rest] = v.split(':');
        return [absPath(src, dir), ...rest].join(':');
      }
      if (v && typeof v === 'object' && v.type === 'bind' && typeof v.source === 'string') return { ...v, source: absPath(v.source, dir) };
      return v;
    });
  }
  if (svc.extends && typeof svc.extends === 'object' && typeof svc.extends.file === 'string') svc.extends.file = absPath(svc.extends.file, dir);
}

function resolveExtends(data: Record<string, any>, file: string, env: InterpolationEnv, read: (f: string) => string | undefined, report: ReportBuilder, seen: Set<string>): void {
  const services = data.services ?? {};
  const cache = new Map<string, Record<string, any>>();
  const otherFile = (p: string): Record<string, any> => {
    if (!cache.has(p)) {
      const text = read(p);
      if (text === undefined) report.add('IMPORT001', file, 'extends', `extended file ${p} cannot be read`);
      cache.set(p, text === undefined ? {} : loadFile({ path: p, text }, env, read, report, new Set([...seen, file])));
    }
    return cache.get(p)!;
  };
  const resolving = new Set<string>();
  const resolve = (name: string, pool: Record<string, any>, where: string): Record<string, any> => {
    const svc = pool[name];
    if (!svc || typeof svc !== 'object') return {};
    const ext = svc.extends;
    if (ext === undefined) return svc;
    const key = `${where}#${name}`;
    if (resolving.has(key)) {
      report.add('IMPORT001', `services.${name}`, 'extends', `extends cycle through ${name}`);
      return svc;
    }
    resolving.add(key);
    const target = typeof ext === 'string' ? { service: ext } : ext;
    const basePool = target.file ? (otherFile(target.file).services ?? {}) : pool;
    if (!basePool[target.service]) report.add('IMPORT001', `services.${name}`, 'extends', `extends names service ${target.service}, which is not defined`);
    const base = resolve(target.service, basePool, target.file ?? where);
    const { extends: _drop, ...own } = svc;
    const out = mergeService({ ...base }, own);
    delete out.depends_on;
    if (own.depends_on !== undefined) out.depends_on = own.depends_on;
    resolving.delete(key);
    pool[name] = out;
    return out;
  };
  for (const name of Object.keys(services)) resolve(name, services, file);
}

function isObj(v: unknown): v is Record<string, any> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function mergeTop(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'services' && isObj(v)) {
      const services: Record<string, any> = { ...(base.services ?? {}) };
      for (const [name, svc] of Object.entries(v)) {
        if (svc === RESET) delete services[name];
        else services[name] = isObj(services[name]) && isObj(svc) ? mergeService(services[name], svc) : svc;
      }
      out.services = services;
    } else if (isObj(v) && isObj(base[k])) out[k] = mergeDeep(base[k], v);
    else out[k] = v;
  }
  return out;
}

const REPLACED = new Set(['command', 'entrypoint', 'test']);
const KEYED_MAPS = new Set(['environment', 'labels', 'annotations', 'sysctls', 'extra_hosts', 'args']);

/** Key of a sequence item that compose merges by (volumes and devices by target, secrets by source). */
function mergeKeyOf(field: string, item: unknown): string {
  if (field === 'volumes' || field === 'devices' || field === 'tmpfs') {
    if (typeof item === 'string') {
      const parts = item.split(':');
      return parts.length >= 2 ? parts[1] : parts[0];
    }
    if (isObj(item)) return String(item.target ?? JSON.stringify(item));
  }
  if ((field === 'secrets' || field === 'configs') && isObj(item)) return String(item.source);
  return typeof item === 'string' ? item : JSON.stringify(item);
}

/** A list or map of `KEY=VALUE` as a map (compose merges these by key). */
export function keyValueMap(v: unknown, sep = '='): Record<string, string | null> {
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x === null || x === undefined ? null : String(x)]));
  if (!Array.isArray(v)) return {};
  const out: Record<string, string | null> = {};
  for (const e of v) {
    const s = String(e);
    const i = s.indexOf(sep);
    if (i < 0) out[s] = null;
    else out[s.slice(0, i)] = s.slice(i + 1);
  }
  return out;
}

function mergeDeep(base: Record<string, any>, over: Record<string, any>, field = ''): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = mergeValue(k, base[k], v, field);
  }
  for (const [k, v] of Object.entries(out)) if (v === RESET) delete out[k];
  return out;
}

function mergeValue(k: string, a: any, b: any, _parent: string): any {
  if (b === RESET) return RESET;
  if (isObj(b) && OVERRIDE in b) return b[OVERRIDE];
  if (a === undefined) return stripMarkers(b);
  if (KEYED_MAPS.has(k)) return { ...keyValueMap(a, k === 'extra_hosts' ? ':' : '='), ...keyValueMap(b, k === 'extra_hosts' ? ':' : '=') };
  if (REPLACED.has(k)) return b;
  if (Array.isArray(a) && Array.isArray(b)) {
    const byKey = new Map<string, any>();
    for (const x of a) byKey.set(mergeKeyOf(k, x), x);
    for (const x of b) byKey.set(mergeKeyOf(k, x), x);
    return [...byKey.values()];
  }
  if (isObj(a) && isObj(b)) return mergeDeep(a, b, k);
  return b;
}

/** Drops `!reset` values and unwraps `!override` ones left after merging. */
function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== RESET).map(clean);
  if (isObj(v)) {
    if (OVERRIDE in v) return clean(v[OVERRIDE]);
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== RESET).map(([k, x]) => [k, clean(x)]));
  }
  return v;
}

function stripMarkers(v: any): any {
  if (isObj(v) && OVERRIDE in v) return v[OVERRIDE];
  return v;
}

/** Merges one service definition over another, the compose way. */
export function mergeService(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  return mergeDeep(base, over, 'service');
}
