/** Reading systemd / quadlet unit files: sections of `Key=value` lines, in order. */
import { UnitSection } from '../render/unit-file';

export type { UnitSection } from '../render/unit-file';

/**
 * Parses a unit file the way systemd does: `[Section]` headers, `#` and `;` comments, a
 * trailing backslash continues the line. Values are kept raw (quotes and escapes untouched).
 * Returns undefined with a reason when a line is neither.
 */
export function parseUnitFile(text: string): { sections: UnitSection[] } | { error: string } {
  const sections: UnitSection[] = [];
  let current: UnitSection | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      const next = lines[++i];
      if (/^\s*[#;]/.test(next)) continue;
      line = `${line.slice(0, -1)} ${next.trim()}`;
    }
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = sections.find((s) => s.name === header[1]);
      if (!current) sections.push((current = { name: header[1], entries: [] }));
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) return { error: `line ${i + 1}: "${line.slice(0, 60)}" is neither a [Section] nor Key=value` };
    current.entries.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return { sections };
}

/** Every value of `key` in `section`, in order. */
export function valuesOf(sections: readonly UnitSection[], section: string, key: string): string[] {
  return sections.find((s) => s.name === section)?.entries.filter((e) => e.key === key).map((e) => e.value) ?? [];
}
