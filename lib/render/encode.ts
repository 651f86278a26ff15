import { literalOf, SystemdText, toSystemd, UnitValue } from './systemd-value';

/**
 * How the quadlet generator (or systemd) reads one key's value. The quadlet modes are the
 * `parse` field of lib/quadlet/keys.json; `text`, `exec` and `env` are systemd's own settings.
 */
export type ParseMode =
  | 'single' | 'bool' | 'int' | 'multi-raw' | 'multi-words' | 'multi-args' | 'multi-keyval' | 'last-args'
  | 'text' | 'exec' | 'env';

/** The value shapes each mode takes. */
export type EncodableValue = UnitValue | boolean | number | readonly UnitValue[] | Readonly<Record<string, UnitValue>>;

/** Encoded lines (one `Key=<line>` each), or why the value cannot be written. */
export type Encoded = { readonly ok: true; readonly lines: string[] } | { readonly ok: false; readonly error: string };

const ok = (lines: string[]): Encoded => ({ ok: true, lines });
const fail = (error: string): Encoded => ({ ok: false, error });

const BARE_ARG = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** C-style escapes that both quadlet's and systemd's word splitters undo. */
function cEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** Escapes systemd would expand, unless the value is systemd text already. */
function expand(v: UnitValue, text: string, dollar: boolean): string {
  return SystemdText.is(v) ? text : toSystemd(text, { dollar });
}

/** One argument of a shell-like word list (Exec=, PodmanArgs=, ExecStart=, Secret=, ...). */
export function encodeArg(v: UnitValue, dollar = true): Encoded {
  const s = literalOf(v);
  if (s === ';') return fail('a lone ";" argument is read by systemd as a command separator; wrap the command in sh -c \'...\'');
  if (s.includes('\0')) return fail('a NUL character cannot be passed as an argument');
  const body = BARE_ARG.test(s) ? s : `"${cEscape(s)}"`;
  return ok([expand(v, body, dollar)]);
}

function encodeArgv(values: readonly UnitValue[], dollar: boolean): Encoded {
  const parts: string[] = [];
  for (const v of values) {
    const e = encodeArg(v, dollar);
    if (!e.ok) return e;
    parts.push(e.lines[0]);
  }
  return ok([parts.join(' ')]);
}

/** A value written verbatim on one line: no newline, no edge whitespace, no line continuation. */
function checkLine(s: string, what: string): string | undefined {
  if (/[\r\n]/.test(s)) return `${what} cannot contain a newline: the unit file has one value per line`;
  if (s.includes('\0')) return `${what} cannot contain a NUL character`;
  if (s !== s.trim()) return `${what} cannot start or end with white space: the generator trims it`;
  if (s.endsWith('\\')) return `${what} cannot end with a backslash: systemd reads it as a line continuation`;
  return undefined;
}

function asList(v: EncodableValue): readonly UnitValue[] | undefined {
  if (Array.isArray(v)) return v as readonly UnitValue[];
  if (typeof v === 'string' || SystemdText.is(v)) return [v];
  return undefined;
}

/** Encode `value` for a key read in `mode`. Pure and total: never throws. */
export function encodeValue(mode: ParseMode, value: EncodableValue): Encoded {
  switch (mode) {
    case 'bool':
      return typeof value === 'boolean' ? ok([value ? 'true' : 'false']) : fail(`expected true or false, got ${describe(value)}`);
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value) ? ok([String(value)]) : fail(`expected a whole number, got ${describe(value)}`);
    case 'single':
    case 'text': {
      if (typeof value === 'number' && Number.isFinite(value)) return ok([String(value)]);
      if (typeof value !== 'string' && !SystemdText.is(value)) return fail(`expected one value, got ${describe(value)}`);
      const s = literalOf(value);
      const bad = checkLine(s, 'the value');
      if (bad) return fail(bad);
      if (mode === 'single' && (s.startsWith('"') || s.endsWith('"'))) {
        return fail('a value that starts or ends with a double quote loses it: podman 5.4 strips every edge quote from single-valued keys');
      }
      return ok([expand(value, s, mode === 'single')]);
    }
    case 'multi-raw':
    case 'multi-words': {
      const list = asList(value);
      if (!list) return fail(`expected a list of values, got ${describe(value)}`);
      const lines: string[] = [];
      for (const v of list) {
        const s = literalOf(v);
        if (s === '') return fail('an empty value resets the whole list in quadlet; leave it out instead');
        // multi-words keys are split on white space with quotes removed: a quote cannot be carried.
        if (mode === 'multi-words' && /["'\\]/.test(s)) return fail(`"${s}" has a quote or backslash, which this key cannot carry (it is split on white space, quotes removed)`);
        const bad = checkLine(s, 'a value');
        if (bad) return fail(bad);
        lines.push(expand(v, mode === 'multi-words' && /\s/.test(s) ? `"${s}"` : s, true));
      }
      return ok(lines);
    }
    case 'multi-args': {
      const list = asList(value);
      if (!list) return fail(`expected a list of arguments, got ${describe(value)}`);
      const lines: string[] = [];
      for (const v of list) {
        const e = encodeArg(v);
        if (!e.ok) return e;
        lines.push(...e.lines);
      }
      return ok(lines);
    }
    case 'last-args':
    case 'exec': {
      const list = asList(value);
      if (!list || list.length === 0) return fail(`expected a command line (a non-empty list of arguments), got ${describe(value)}`);
      return encodeArgv(list, true);
    }
    case 'multi-keyval':
    case 'env': {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || SystemdText.is(value)) {
        return fail(`expected a map of names to values, got ${describe(value)}`);
      }
      const lines: string[] = [];
      for (const [k, v] of Object.entries(value as Record<string, UnitValue>)) {
        if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) return fail(`"${k}" is not a valid variable name (letters, digits, _ . -; not starting with a digit)`);
        if (typeof v !== 'string' && !SystemdText.is(v)) return fail(`the value of ${k} must be a string, got ${describe(v)}`);
        if (literalOf(v).includes('\0')) return fail(`the value of ${k} cannot contain a NUL character`);
        lines.push(expand(v, `"${k}=${cEscape(literalOf(v))}"`, mode === 'multi-keyval'));
      }
      return ok(lines);
    }
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (SystemdText.is(v)) return `"${v.text}"`;
  if (typeof v === 'string') return `"${v}"`;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
