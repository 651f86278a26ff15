/**
 * Reads a generated `ExecStart=` line the way systemd does, so tests can compare the argv podman
 * would receive with what the author wrote: specifiers first (`%%` -> `%`), then word splitting
 * with quotes and C escapes, then `$$` -> `$` in each word. Other specifiers are left as `%x`.
 */
export function systemdArgv(execStart: string): string[] {
  // The generator's own specifiers (%t, %N, ...) stay as written; only %% is a literal percent.
  const line = execStart.replace(/%(.)/g, (m, c: string) => (c === '%' ? '%' : m));
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let word = '';
    let quote: string | undefined;
    for (; i < line.length; i++) {
      const ch = line[i];
      if (!quote && /\s/.test(ch)) break;
      if (ch === '\\') {
        const n = line[++i];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", s: ' ', a: '\x07', b: '\b', f: '\f', v: '\v' };
        if (n in simple) word += simple[n];
        else if (n === 'x') {
          word += String.fromCharCode(parseInt(line.slice(i + 1, i + 3), 16));
          i += 2;
        } else throw new Error(`unknown escape \\${n} in ${execStart}`);
      } else if (quote && ch === quote) quote = undefined;
      else if (!quote && (ch === '"' || ch === "'")) quote = ch;
      else word += ch;
    }
    words.push(word.replace(/\$\$/g, '$'));
  }
  return words;
}

/** The `ExecStart=` value of a generated service. */
export function execStartOf(service: string): string {
  const m = /^ExecStart=(.*)$/m.exec(service);
  if (!m) throw new Error('no ExecStart= in service');
  return m[1];
}
