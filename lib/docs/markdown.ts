/**
 * Small Markdown helpers for the generated docs: code spans that survive any content, table
 * cells, one-line text and Mermaid-safe identifiers. Every helper is pure and deterministic.
 */

/** One line: newlines (which would end a bullet or a table row) become spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * An inline code span that holds `text` verbatim: the fence is one backtick longer than the
 * longest run inside, with padding when the text starts or ends with a backtick.
 */
export function code(text: string): string {
  const t = oneLine(text);
  if (t === '') return '` `';
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A table cell: one line, `|` escaped (GitHub honours `\|` inside code spans in tables too). */
export function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

/** A table from a header row and body rows; cells are escaped here. */
export function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map((c) => cell(c) || ' ').join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)];
}

/** A definition-style bullet: `- **Label** · value`, on one line. */
export function bullet(label: string, value: string): string {
  return `- **${label}** · ${oneLine(value)}`;
}

/** A Mermaid node label in double quotes: `"` and `#` are written as Mermaid entities. */
export function mermaidLabel(text: string): string {
  return `"${oneLine(text).replace(/#/g, '#35;').replace(/"/g, '#quot;')}"`;
}

/** Byte-wise string order (locale-independent, so output is the same on every machine). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Mermaid-safe ids for a set of keys: `prefix_` + letters, digits and `_`, unique (a numeric
 * suffix resolves clashes such as `wiki-db` and `wiki_db`). Keys are taken in sorted order, so
 * ids do not depend on the order the tree was built in.
 */
export function mermaidIds(keys: Iterable<[key: string, prefix: string]>): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const [key, prefix] of [...keys].sort(([a], [b]) => byText(a, b))) {
    if (out.has(key)) continue;
    const base = `${prefix}_${key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'unit'}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    out.set(key, id);
  }
  return out;
}

/** A list of values as `a, b and c` (empty list: `none`). */
export function listOf(items: string[], empty = 'none'): string {
  if (items.length === 0) return empty;
  if (items.length === 1) return items[0];
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
