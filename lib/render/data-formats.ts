import { stringify as tomlStringify } from 'smol-toml';
import { stringify as yamlStringify } from 'yaml';
import { commentLines } from '../core/names';

/** Plain data that YAML, TOML and JSON all carry. */
export type Data = string | number | boolean | null | readonly Data[] | { readonly [k: string]: Data | undefined };

/**
 * Key order for one format: keys listed in `first` come first in that order, the rest sorted.
 * Humans read llama-swap's `models` before `groups`; a sorted map would put groups first.
 */
export interface KeyOrder {
  readonly first?: readonly string[];
  /** Orders for nested maps, by the key that holds them (`*` for every nested map). */
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

/** YAML 1.2 with canonical key order, no line folding, no anchors. */
export function renderYaml(value: Data, header: readonly string[] = [], order?: KeyOrder): string {
  const body = yamlStringify(canonical(value, order), { lineWidth: 0, aliasDuplicateObjects: false, indentSeq: true });
  return commentHeader(header) + body;
}

/** TOML 1.0 with sorted keys (the writer keeps insertion order, so sort first). */
export function renderToml(value: { readonly [k: string]: Data | undefined }, header: readonly string[] = []): string {
  const body = tomlStringify(canonical(value));
  return commentHeader(header) + body;
}

/** JSON with sorted keys, two-space indent, trailing newline. JSON has no comments: no header. */
export function renderJson(value: Data): string {
  return JSON.stringify(canonical(value), null, 2) + '\n';
}
