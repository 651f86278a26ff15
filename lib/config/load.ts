import type { ErrorObject, ValidateFunction } from 'ajv';
import * as fs from 'fs';
import { isIP } from 'net';
import { Diagnostic, makeDiagnostic } from '../core/diagnostics';
import { isFloatingTag, parseImageRef } from '../quadlet/image-ref';
import { CONFIG_CODES } from './codes';
import { knownKeys, SITE_CONFIG_SCHEMA, SiteConfigData } from './schema';

/** One problem in a config file, before it is tied to a construct. */
export interface SiteConfigProblem {
  /** The CONFIG code of the problem. */
  readonly code: keyof typeof CONFIG_CODES;
  /** The key as a JSON pointer into the parsed file, e.g. `/images/openwebui`; '' for the file. */
  readonly pointer: string;
  /** `site.toml: [images] openwebui: "open-webui" is not a fully qualified image reference` */
  readonly message: string;
  /** A more precise fix than the code's. @default - the code's hint */
  readonly hint?: string;
}

/** What `parseSiteConfig` found: the usable data (invalid values removed) and every problem. */
export interface ParsedSiteConfig {
  /**
   * The file's values; values that failed a check are left out, so defaults apply. Undefined when unreadable.
   * @default - undefined when the file cannot be read or parsed
   */
  readonly data?: SiteConfigData;
  /** Every problem found, in file order. */
  readonly problems: SiteConfigProblem[];
}

/** What `loadSiteConfig` returns: the config and the problems as diagnostics on the file. */
export interface LoadedSiteConfig {
  /**
   * The file's usable values (invalid ones left out).
   * @default - undefined when the file cannot be read or parsed
   */
  readonly config?: SiteConfigData;
  /** The problems, as diagnostics on the file. */
  readonly diagnostics: Diagnostic[];
}

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  // Loaded on first use (so is the TOML parser): ajv's compiler costs start-up time for every
  // site, and only sites that read a config file need it.
  const Ajv: typeof import('ajv').default = require('ajv').default;
  validator ??= new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(SITE_CONFIG_SCHEMA);
  return validator;
}

/** Read and check a config file without a construct tree (tools, tests, editors). */
export function loadSiteConfig(file: string, text?: string): LoadedSiteConfig {
  const { data, problems } = text === undefined ? readSiteConfig(file) : parseSiteConfig(text, file);
  return { config: data, diagnostics: problems.map((p) => makeDiagnostic(file, p.code, p.message, p.hint)) };
}

/** Read a file from disk and check it; a missing file is CONFIG001, never an exception. */
export function readSiteConfig(file: string, display = file): ParsedSiteConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e: any) {
    return { problems: [{ code: 'CONFIG001', pointer: '', message: `${display}: cannot be read (${e?.code ?? e?.message ?? e})` }] };
  }
  return parseSiteConfig(text, display);
}

/**
 * Deeper than any key the schema knows (`[sites.<name>.network] name` is 4 levels). A file that
 * nests further is refused (CONFIG010) before anything recurses into it.
 */
export const MAX_CONFIG_DEPTH = 32;

/** The TOML parser, loaded on first use: most synths have no site.toml. */
const toml = (): typeof import('smol-toml') => require('smol-toml');

/**
 * Key names every JavaScript object already has. Such a key could reach a built-in, and a
 * lookup by an inherited name would read as present, so the file may not use them (CONFIG009).
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

/**
 * Parse TOML text and check it against the schema and the cross-key rules. The parser
 * (smol-toml, TOML 1.0) builds null-prototype tables and never assigns through `__proto__`, so
 * no file can change the process; a UTF-8 byte order mark is skipped.
 */
export function parseSiteConfig(text: string, file: string): ParsedSiteConfig {
  let raw: Record<string, unknown>;
  try {
    raw = toml().parse(text, { maxDepth: MAX_CONFIG_DEPTH });
  } catch (e: any) {
    const { TomlError } = toml();
    const first = String(e?.message ?? e).split('\n')[0].replace(/^Invalid TOML document: /, '');
    if (e instanceof TomlError && /excessively nested/.test(first)) {
      return { problems: [{ code: 'CONFIG010', pointer: '', message: `${file}:${e.line}:${e.column}: nests arrays or inline tables deeper than ${MAX_CONFIG_DEPTH} levels` }] };
    }
    const where = e instanceof TomlError ? `:${e.line}:${e.column}` : '';
    return { problems: [{ code: 'CONFIG002', pointer: '', message: `${file}${where}: ${first}` }] };
  }
  const problems: SiteConfigProblem[] = [];
  const copied = plainData(raw);
  const data = copied.data;
  const at = (code: SiteConfigProblem['code'], pointer: string, text2: string, hint?: string) =>
    problems.push({ code, pointer, message: `${file}: ${keyText(pointer, data)}${text2}`, hint });
  for (const pointer of copied.reserved) at('CONFIG009', pointer, 'is a name every JavaScript object has');
  for (const pointer of copied.tooDeep) removeAt(data, pointer);
  for (const pointer of copied.tooDeep) at('CONFIG010', pointer, `nests deeper than ${MAX_CONFIG_DEPTH} levels`);

  const check = validate();
  if (!check(data)) {
    const prune = new Set<string>();
    for (const e of check.errors ?? []) {
      const p = describeError(e, data);
      if (!p) continue;
      at(p.code, p.pointer, p.text, p.hint);
      prune.add(p.pointer);
    }
    // Longest first, so removing a table never hides a key inside it that is still listed.
    for (const p of [...prune].sort((a, b) => b.length - a.length)) removeAt(data, p);
  }
  crossChecks(data, at);
  return { data, problems };
}

/**
 * The parsed file as plain data (ordinary objects, dates as their TOML text), without the keys
 * JavaScript reserves and without tables nested deeper than MAX_CONFIG_DEPTH; the pointers of
 * what was left out. Iterative, so that no depth of nesting can overflow the stack.
 */
function plainData(raw: Record<string, unknown>): { data: any; reserved: string[]; tooDeep: string[] } {
  const reserved: string[] = [];
  const tooDeep = new Set<string>();
  const data: Record<string, unknown> = {};
  const work: Array<{ from: any; to: any; pointer: string; depth: number }> = [{ from: raw, to: data, pointer: '', depth: 0 }];
  while (work.length) {
    const { from, to, pointer, depth } = work.pop()!;
    const keys = Array.isArray(from) ? from.map((_, i) => String(i)) : Object.keys(from);
    for (const key of keys) {
      const here = `${pointer}/${escapePointer(key)}`;
      if (!Array.isArray(from) && RESERVED_KEYS.has(key)) {
        reserved.push(here);
        continue;
      }
      const v = from[key];
      let copy: unknown = v;
      if (v instanceof Date) copy = v.toISOString();
      else if (v !== null && typeof v === 'object') {
        if (depth + 1 >= MAX_CONFIG_DEPTH) {
          tooDeep.add(pointer.split('/').slice(0, 2).join('/') || here);
          continue;
        }
        copy = Array.isArray(v) ? [] : {};
        work.push({ from: v, to: copy, pointer: here, depth: depth + 1 });
      }
      if (Array.isArray(to)) to.push(copy);
      else to[key] = copy;
    }
  }
  return { data, reserved: reserved.sort(), tooDeep: [...tooDeep].sort() };
}

interface Described { code: SiteConfigProblem['code']; pointer: string; text: string; hint?: string }

function describeError(e: ErrorObject, data: unknown): Described | undefined {
  const params = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const pointer = `${e.instancePath}/${escapePointer(params.additionalProperty)}`;
      const near = closest(params.additionalProperty, knownKeys(e.instancePath));
      return { code: 'CONFIG003', pointer, text: 'unknown key', hint: near ? `did you mean "${near}"? (docs/site-config.md lists every key)` : undefined };
    }
    case 'required':
      return { code: 'CONFIG005', pointer: `${e.instancePath}/${escapePointer(params.missingProperty)}`, text: 'is required' };
    case 'propertyNames':
      return undefined; // reported by the pattern error on the name itself
    case 'pattern':
      if (e.propertyName !== undefined) {
        return { code: 'CONFIG004', pointer: `${e.instancePath}/${escapePointer(e.propertyName)}`, text: `"${e.propertyName}" is not a valid name (lower-case letters, digits and dashes, starting with a letter)` };
      }
      return { code: 'CONFIG004', pointer: e.instancePath, text: `${JSON.stringify(valueAt(data, e.instancePath))} is not ${FORMS[lastName(e.instancePath)] ?? 'in the expected form'}` };
    case 'enum':
      return { code: 'CONFIG004', pointer: e.instancePath, text: `${JSON.stringify(valueAt(data, e.instancePath))} is not one of ${params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}` };
    case 'type':
      return { code: 'CONFIG004', pointer: e.instancePath, text: `${JSON.stringify(valueAt(data, e.instancePath))} is not ${([] as string[]).concat(params.type).map((t) => TYPES[t] ?? t).join(' or ')}` };
    default:
      return { code: 'CONFIG004', pointer: e.instancePath, text: e.message ?? 'is invalid' };
  }
}

const TYPES: Record<string, string> = { string: 'a string', boolean: 'true or false', number: 'a number', integer: 'a whole number', object: 'a table', array: 'an array' };

/** What a pattern-checked key must look like, for messages. */
const FORMS: Record<string, string> = {
  name: 'a valid name',
  domains: 'a DNS domain such as example.org',
  podman_version: 'MAJOR.MINOR.PATCH, e.g. 5.4.2',
  output_dir: 'a relative folder without ".."',
  host: 'a [hosts] name',
  subnet: 'a subnet in CIDR form, e.g. 10.89.0.0/24',
  gateway: 'an IP address',
  address: 'a DNS name or IP address',
  bind: 'an IP address',
};

type At = (code: SiteConfigProblem['code'], pointer: string, text: string, hint?: string) => void;

/** Rules across keys, and image references (which a pattern cannot check well). */
function crossChecks(data: any, at: At): void {
  if (data.site === undefined && data.sites === undefined) {
    at('CONFIG005', '', 'has no [site] table (or [sites.<name>] tables)', 'add [site] with at least name = "..." (docs/site-config.md)');
  }
  if (data.site !== undefined && data.sites !== undefined) at('CONFIG008', '/sites', 'is given together with [site]', 'use [site] for one site or [sites.<name>] for several, not both');
  const sites: Array<[string, any]> = [
    ...(data.site ? [['/site', data.site] as [string, any]] : []),
    ...Object.entries(data.sites ?? {}).map(([k, v]): [string, any] => [`/sites/${escapePointer(k)}`, v]),
  ];
  const names = new Map<string, string>();
  for (const [pointer, s] of sites) {
    const name = s?.name ?? (pointer === '/site' ? undefined : lastKey(pointer));
    if (name !== undefined) {
      if (names.has(name)) at('CONFIG008', `${pointer}/name`, `site name "${name}" is also used by [${names.get(name)!.split('/').slice(1).map(unescapePointer).join('.')}]`);
      else names.set(name, pointer);
    }
    if (typeof s?.host === 'string' && !(data.hosts && Object.hasOwn(data.hosts, s.host))) {
      at('CONFIG008', `${pointer}/host`, `"${s.host}" is no [hosts] entry`, `add [hosts.${s.host}] with address = "..." or fix the name`);
    }
  }
  for (const [name, h] of Object.entries<any>(data.hosts ?? {})) {
    if (typeof h?.bind !== 'string') continue;
    const pointer = `/hosts/${escapePointer(name)}/bind`;
    if (isIP(h.bind) === 0) at('CONFIG004', pointer, `"${h.bind}" is not an IP address`);
    else if (/^(127\.|0\.0\.0\.0$|::1?$)/.test(h.bind)) at('CONFIG004', pointer, `"${h.bind}" is not a LAN address`, 'give the host\'s address on the LAN (e.g. 192.168.1.10): other hosts cannot reach loopback, and all interfaces needs public: true on the port instead');
  }
  const floatingOk = sites.length > 0 && sites.every(([, s]) => s?.allow_floating_tags === true);
  const rejected: string[] = [];
  for (const [name, entry] of Object.entries<any>(data.images ?? {})) {
    const ref = typeof entry === 'string' ? entry : entry?.ref;
    const pointer = typeof entry === 'string' ? `/images/${escapePointer(name)}` : `/images/${escapePointer(name)}/ref`;
    if (typeof ref !== 'string') continue;
    const parsed = parseImageRef(ref);
    const reject = (text: string, hint?: string) => {
      at('CONFIG006', pointer, text, hint);
      rejected.push(`/images/${escapePointer(name)}`);
    };
    if (!parsed) reject(`"${ref}" is not an image reference`);
    else if (!parsed.registry && !entry?.allow_short_name) {
      reject(`"${ref}" is not a fully qualified image reference`, `name the registry, e.g. docker.io/${parsed.path.includes('/') ? parsed.path : `library/${parsed.path}`}:${parsed.tag ?? '<version>'}; for an image built or tagged on the host, write ${name} = { ref = "${ref}", allow_short_name = "<why>" }`);
    }
    else if (!parsed.digest && isFloatingTag(parsed.tag) && !entry?.allow_floating_tag && !floatingOk) {
      reject(`"${ref}" uses the floating tag :${parsed.tag ?? 'latest'}`, `pin a version, or write ${name} = { ref = "${ref}", allow_floating_tag = "<why>" }`);
    }
  }
  // Left out like any other invalid value: cfg.image() then gives the placeholder, so the
  // container using it does not report the same reference again (IMAGE001, IMAGE002).
  for (const p of rejected) removeAt(data, p);
}

/** `[images] openwebui: ` for `/images/openwebui`; array items as `domains[1]`. */
export function keyText(pointer: string, data: unknown): string {
  const parts = pointer.split('/').slice(1).map(unescapePointer);
  if (parts.length === 0) return '';
  const names: string[] = [];
  let cur: any = data;
  for (const p of parts) {
    if (Array.isArray(cur)) names[names.length - 1] += `[${p}]`;
    else names.push(/^[A-Za-z0-9_-]+$/.test(p) ? p : JSON.stringify(p));
    cur = cur?.[p];
  }
  const key = names.pop()!;
  return names.length ? `[${names.join('.')}] ${key}: ` : `${key}: `;
}

function valueAt(data: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).map(unescapePointer).reduce<any>((cur, p) => cur?.[p], data);
}

function removeAt(data: any, pointer: string): void {
  const parts = pointer.split('/').slice(1).map(unescapePointer);
  const last = parts.pop();
  const parent = parts.reduce<any>((cur, p) => cur?.[p], data);
  if (last === undefined || parent === null || typeof parent !== 'object') return;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
}

function lastKey(pointer: string): string {
  return unescapePointer(pointer.split('/').pop() ?? '');
}

/** The last key of a pointer that is not an array index: `domains` for `/site/domains/1`. */
function lastName(pointer: string): string {
  return pointer.split('/').map(unescapePointer).filter((p) => !/^\d+$/.test(p)).pop() ?? '';
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The known key nearest to a misspelt one (edit distance <= 2), for the hint. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: [string, number] | undefined;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c);
    if (d <= 2 && (!best || d < best[1])) best = [c, d];
  }
  return best?.[0];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
