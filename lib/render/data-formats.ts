import { Document, isScalar, visit } from 'yaml';
import { commentLines } from '../core/names';

/** Plain data that YAML, TOML and JSON all carry. */
export type Data = string | number | boolean | null | readonly Data[] | { readonly [k: string]: Data | undefined };

/**
 * Key order for one format: keys listed in `first` come first in that order, the rest sorted.
 * Humans read llama-swap's `models` before `groups`; a sorted map would put groups first.
 */
export interface KeyOrder {
  /**
   * Keys written first, in this order; the rest follow sorted.
   * @default - none: every key sorted
   */
  readonly first?: readonly string[];
  /**
   * Orders for nested maps, by the key that holds them (`*` for every nested map).
   * @default - nested maps sorted
   */
  readonly nested?: Readonly<Record<string, KeyOrder>>;
}

/** A deep copy with map keys in canonical order and `undefined` entries dropped. */
export function canonical(value: Data | undefined, order: KeyOrder = {}): Data | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v) => canonical(v, order.nested?.['[]'] ?? order.nested?.['*'] ?? {})).filter((v) => v !== undefined) as Data[];
  if (value === null || typeof value !== 'object') return value as Data;
  const obj = value as { [k: string]: Data | undefined };
  const first = order.first ?? [];
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  keys.sort((a, b) => {
    const ia = first.indexOf(a);
    const ib = first.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const out: { [k: string]: Data } = {};
  for (const k of keys) {
    const child = canonical(obj[k], order.nested?.[k] ?? order.nested?.['*'] ?? {});
    if (child !== undefined) out[k] = child;
  }
  return out;
}

function commentHeader(header: readonly string[]): string {
  return commentLines(header).map((l) => `${l}\n`).join('');
}

/** Plain scalars a YAML 1.1 reader gives a meaning of their own (`value` and `merge` types). */
const YAML11_SPECIAL = new Set(['=', '<<']);

/**
 * YAML with canonical key order, no line folding, no anchors, readable alike by YAML 1.2 readers
 * (Go's yaml.v3: llama-swap, cloudflared) and YAML 1.1 readers (PyYAML: LiteLLM). Strings are
 * quoted wherever YAML 1.1 would retype them (`on`, `yes`, `no`, `1_000`, `1:20`, dates, `=`,
 * `<<`), so every reader gets back the same strings; the text stays valid YAML 1.2.
 */
export function renderYaml(value: Data, header: readonly string[] = [], order?: KeyOrder): string {
  const doc = new Document(canonical(value, order), { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== 'string' || !YAML11_SPECIAL.has(node.value)) return;
      node.type = 'QUOTE_DOUBLE';
      // The yaml library writes "<<" bare as a merge key whatever the quoting; an explicit tag keeps it a string.
      if (node.value === '<<') node.tag = 'tag:yaml.org,2002:str';
    },
  });
  const body = doc.toString({ lineWidth: 0, indentSeq: true });
  return commentHeader(header) + body;
}

/** TOML 1.0 with sorted keys (the writer keeps insertion order, so sort first). */
export function renderToml(value: { readonly [k: string]: Data | undefined }, header: readonly string[] = []): string {
  // Loaded on first use: most sites write no TOML.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stringify }: typeof import('smol-toml') = require('smol-toml');
  const body = stringify(canonical(value));
  return commentHeader(header) + body;
}

/** JSON with sorted keys, two-space indent, trailing newline. JSON has no comments: no header. */
export function renderJson(value: Data): string {
  return JSON.stringify(canonical(value), null, 2) + '\n';
}
