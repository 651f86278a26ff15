/**
 * Word splitting the way the sources do it: a compose `command: "..."` string is split like a
 * POSIX shell line (quotes, backslashes, no expansion), a quadlet value the way systemd and
 * quadlet split theirs (quotes and C escapes).
 */

/** The words of a line being split: text joins the current word, white space ends it. */
class Words {
  public readonly list: string[] = [];
  private cur = '';
  private inWord = false;

  /** Adds text to the current word (an empty quoted string still makes a word). */
  public add(text: string): void {
    this.cur += text;
    this.inWord = true;
  }

  /** White space: ends the current word, if any. */
  public space(): void {
    if (this.inWord) this.list.push(this.cur);
    this.cur = '';
    this.inWord = false;
  }

  /** The words, the last one ended. */
  public done(): string[] {
    this.space();
    return this.list;
  }
}

/** Splits a shell command line into words (no variable or glob expansion), as compose does. */
export function shellSplit(line: string): string[] {
  const words = new Words();
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end < 0 ? line.length : end;
      words.add(line.slice(i + 1, stop));
      i = stop;
    } else if (ch === '"') {
      words.add('');
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) i++;
        words.add(line[i]);
      }
    } else if (ch === '\\' && i + 1 < line.length) {
      i++;
      words.add(line[i] === '\n' ? '' : line[i]);
    } else if (/\s/.test(ch)) words.space();
    else words.add(ch);
  }
  return words.done();
}

const C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', s: ' ', '\\': '\\', '"': '"', "'": "'" };

/**
 * Splits a unit-file value into words as systemd's extract_first_word (RELAX, UNQUOTE,
 * CUNESCAPE) does: white space separates, single and double quotes group, C escapes resolve.
 */
export function systemdSplit(value: string): string[];
export function systemdSplit(value: string, strict: true): string[] | undefined;
export function systemdSplit(value: string, strict = false): string[] | undefined {
  const words = new Words();
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      const n = value[++i];
      const hex = (len: number) => /^[0-9a-fA-F]+$/.test(value.slice(i + 1, i + 1 + len)) && value.slice(i + 1, i + 1 + len).length === len;
      if (n === 'x' && hex(2)) {
        words.add(String.fromCharCode(parseInt(value.slice(i + 1, i + 3), 16)));
        i += 2;
      } else if ((n === 'u' && hex(4)) || (n === 'U' && hex(8))) {
        const len = n === 'u' ? 4 : 8;
        words.add(String.fromCodePoint(parseInt(value.slice(i + 1, i + 1 + len), 16)));
        i += len;
      } else if (/^[0-7]{3}$/.test(value.slice(i, i + 3))) {
        words.add(String.fromCharCode(parseInt(value.slice(i, i + 3), 8)));
        i += 2;
      } else if (C_ESCAPES[n] !== undefined) words.add(C_ESCAPES[n]);
      else if (strict) return undefined;
      else words.add(n);
    } else if (quote) {
      if (ch === quote) quote = undefined;
      else words.add(ch);
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      words.add('');
    } else if (/\s/.test(ch)) words.space();
    else words.add(ch);
  }
  return words.done();
}
