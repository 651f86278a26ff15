/**
 * Compose variable interpolation (`${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, `$VAR`, `$$`) and `.env` files.
 */
import { IMPORT_SECRET_NAME as SECRET_NAME, looksHarmless } from './values';

/** Where variables come from, and what interpolation found while it ran. */
export interface InterpolationEnv {
  /** Looks a variable up: the shell first, then the env files. */
  readonly lookup: (name: string) => string | undefined;
  /** A `${VAR:?err}` whose variable is unset or empty. */
  readonly onMissingRequired: (name: string, message: string) => void;
  /** A plain `${VAR}` whose variable is not set at all (compose substitutes ""). */
  readonly onUnset: (name: string) => void;
  /** Values of secret-looking variables that were substituted: they must never reach the source. */
  readonly secretValues: Set<string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Interpolates one string. Total: malformed references are kept as written. */
export function interpolate(s: string, env: InterpolationEnv): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (ch !== '$') {
      out += ch;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = matchingBrace(s, i + 1);
      if (end < 0) {
        out += s.slice(i);
        break;
      }
      out += expandBraced(s.slice(i + 2, end), env);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (m) {
      out += valueOf(m[0], env, true);
      i += 1 + m[0].length;
      continue;
    }
    out += '$';
    i++;
  }
  return out;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function valueOf(name: string, env: InterpolationEnv, reportUnset: boolean): string {
  const v = env.lookup(name);
  if (v === undefined) {
    if (reportUnset) env.onUnset(name);
    return '';
  }
  if (SECRET_NAME.test(name) && v.length >= 4 && !looksHarmless(name, v)) env.secretValues.add(v);
  return v;
}

function expandBraced(body: string, env: InterpolationEnv): string {
  const m = NAME.exec(body);
  if (!m) return `\${${body}}`;
  const name = m[0];
  const rest = body.slice(name.length);
  if (rest === '') return valueOf(name, env, true);
  const op = /^(:?[-?+])/.exec(rest);
  if (!op) return `\${${body}}`;
  const arg = () => interpolate(rest.slice(op[1].length), env);
  const v = env.lookup(name);
  const unset = v === undefined;
  const empty = unset || v === '';
  switch (op[1]) {
    case ':-':
    case '-': {
      const useDefault = op[1] === ':-' ? empty : unset;
      const out = useDefault ? arg() : valueOf(name, env, false);
      if (useDefault && SECRET_NAME.test(name) && out.length >= 4 && !looksHarmless(name, out)) env.secretValues.add(out);
      return out;
    }
    case ':+': return empty ? '' : arg();
    case '+': return unset ? '' : arg();
    case ':?':
    case '?':
      if (op[1] === ':?' ? empty : unset) {
        env.onMissingRequired(name, arg() || `required variable ${name} is missing a value`);
        return '';
      }
      return valueOf(name, env, false);
  }
  return '';
}

/**
 * Parses a `.env` file as compose does: `KEY=VALUE` lines, `export ` allowed, `#` comments,
 * single quotes literal, double quotes with `\n`-style escapes, unquoted values trimmed and cut
 * at ` #`. Unquoted and double-quoted values are interpolated against what came before.
 */
export function parseEnvFile(text: string, outer: (name: string) => string | undefined, env?: Omit<InterpolationEnv, 'lookup'>): Map<string, string> {
  const vars = new Map<string, string>();
  const lookup = (n: string) => outer(n) ?? vars.get(n);
  const ienv: InterpolationEnv = { lookup, onMissingRequired: env?.onMissingRequired ?? (() => undefined), onUnset: () => undefined, secretValues: env?.secretValues ?? new Set() };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(=?)(.*)$/.exec(line);
    if (!m) continue;
    const [, key, eq, rest] = m;
    if (!eq) continue;
    let value = rest.trim();
    if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      value = end < 0 ? value.slice(1) : value.slice(1, end);
    } else if (value.startsWith('"')) {
      let out = '';
      let i = 1;
      for (; i < value.length && value[i] !== '"'; i++) {
        if (value[i] === '\\' && i + 1 < value.length) {
          const n = value[++i];
          out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n;
        } else out += value[i];
      }
      value = interpolate(out, ienv);
    } else {
      value = interpolate(value.replace(/\s+#.*$/, '').trim(), ienv);
    }
    vars.set(key, value);
  }
  return vars;
}
