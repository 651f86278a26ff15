import { commentLines } from '../core/names';

/**
 * The model of a systemd-style unit file: ordered sections, each an ordered list of entries.
 * Keys may repeat (Environment=, Volume=, ...), so this is not a map.
 */
export interface UnitEntry {
  /** The key, e.g. `Image`. */
  readonly key: string;
  /** Already encoded for the key's parse mode. */
  readonly value: string;
}

export interface UnitSection {
  /** The section name without brackets, e.g. `Container`. */
  readonly name: string;
  /** Its entries, in order. */
  readonly entries: UnitEntry[];
}

export class UnitFile {
  public readonly sections: UnitSection[] = [];

  /** The section, created at the end if missing. */
  public section(name: string): UnitSection {
    let s = this.sections.find((x) => x.name === name);
    if (!s) {
      s = { name, entries: [] };
      this.sections.push(s);
    }
    return s;
  }

  public add(section: string, key: string, value: string): void {
    this.section(section).entries.push({ key, value });
  }

  public get(section: string, key: string): string[] {
    return this.sections.find((s) => s.name === section)?.entries.filter((e) => e.key === key).map((e) => e.value) ?? [];
  }
}

/** Text of a unit file: header comments, then each non-empty section; LF, one trailing newline. */
export function renderUnitFile(file: UnitFile, header: readonly string[]): string {
  const blocks: string[] = [];
  if (header.length > 0) blocks.push(commentLines(header).join('\n'));
  for (const s of file.sections) {
    if (s.entries.length === 0) continue;
    blocks.push([`[${s.name}]`, ...s.entries.map((e) => `${e.key}=${e.value}`)].join('\n'));
  }
  return blocks.join('\n\n') + '\n';
}
