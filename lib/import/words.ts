/**
 * Word splitting the way the sources do it: a compose `command: "..."` string is split like a
 * POSIX shell line (quotes, backslashes, no expansion), a quadlet value the way systemd and
 * quadlet split theirs (quotes and C escapes).
 */

/** Splits a shell command line into words (no variable or glob expansion), as compose does. */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end < 0 ? line.length : end;
      cur += line.slice(i + 1, stop);
      i = stop;
      inWord = true;
    } else if (ch === '"') {
      inWord = true;
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) i++;
        cur += line[i];
      }
    } else if (ch === '\\' && i + 1 < line.length) {
      i++;
      if (line[i] !== '\n') cur += line[i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

const C_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', s: ' ', '\\': '\\', '"': '"', "'": "'" };

/**
 * Splits a unit-file value into words as systemd's extract_first_word (RELAX, UNQUOTE,
 * CUNESCAPE) does: white space separates, single and double quotes group, C escapes resolve.
 */
export function systemdSplit(value: string): string[];
export function systemdSplit(value: string, strict: true): string[] | undefined;
export function systemdSplit(value: string, strict = false): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && i + 1 < value.length) {
      const n = value[++i];
      const hex = (len: number) => /^[0-9a-fA-F]+$/.test(value.slice(i + 1, i + 1 + len)) && value.slice(i + 1, i + 1 + len).length === len;
      if (n === 'x' && hex(2)) {
        cur += String.fromCharCode(parseInt(value.slice(i + 1, i + 3), 16));
        i += 2;
      } else if ((n === 'u' && hex(4)) || (n === 'U' && hex(8))) {
        const len = n === 'u' ? 4 : 8;
        cur += String.fromCodePoint(parseInt(value.slice(i + 1, i + 1 + len), 16));
        i += len;
      } else if (/^[0-7]{3}$/.test(value.slice(i, i + 3))) {
        cur += String.fromCharCode(parseInt(value.slice(i, i + 3), 8));
        i += 2;
      } else if (C_ESCAPES[n] !== undefined) cur += C_ESCAPES[n];
      else if (strict) return undefined;
      else cur += n;
      inWord = true;
    } else if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
