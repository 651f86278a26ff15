/**
 * llama-swap's `${...}` macros (config-formats.md 1.5) and its `cmd` syntax (1.6), as pure
 * functions shared by the constructs and the check on the rendered file.
 */

/** A macro value: llama-swap accepts scalars only. */
export type MacroValue = string | number | boolean;

/** Names llama-swap reserves for itself. */
export const RESERVED_MACROS: ReadonlySet<string> = new Set(['PORT', 'PID', 'MODEL_ID']);

const MACRO_NAME = /^[a-zA-Z0-9_-]+$/;

/** Every `${...}` in a string, by its inner text (an unclosed `${` is reported as itself). */
export function macroRefs(s: string): string[] {
  const out: string[] = [];
  let i = s.indexOf('${');
  while (i >= 0) {
    const end = s.indexOf('}', i + 2);
    if (end < 0) {
      out.push(s.slice(i));
      break;
    }
    out.push(s.slice(i + 2, end));
    i = s.indexOf('${', end + 1);
  }
  return out;
}

/** What a model's values may reference, and where a reference is checked. */
export interface MacroScope {
  /** Global and model macro names. */
  readonly declared: ReadonlySet<string>;
  /**
   * Variables set in llama-swap's own environment, for `${env.NAME}`. Undefined: not checked.
   * @default - not known: `${env.NAME}` is not checked
   */
  readonly env?: ReadonlySet<string>;
  /** Whether `${PORT}` is available (the model's cmd uses it). */
  readonly port: boolean;
  /** Whether `${MODEL_ID}` is available (inside a model). */
  readonly modelId: boolean;
  /** Whether `${PID}` is available (only in cmdStop). @default false */
  readonly pid?: boolean;
}

/** One problem with a reference: the code and a message. */
export interface MacroProblem {
  /** LLM002 (undefined macro) or LLM004 (unknown env variable). */
  readonly code: 'LLM002' | 'LLM004';
  /** What is wrong, naming the model and the macro. */
  readonly message: string;
}

/** Check every `${...}` in `value` (found at `where`) against `scope`. */
export function checkRefs(value: string, where: string, scope: MacroScope): MacroProblem[] {
  const out: MacroProblem[] = [];
  for (const ref of macroRefs(value)) {
    if (ref.startsWith('${')) {
      out.push({ code: 'LLM002', message: `${where}: "${ref}" opens a macro that is never closed` });
    } else if (ref.startsWith('env.')) {
      const name = ref.slice(4);
      if (scope.env && !scope.env.has(name)) out.push({ code: 'LLM004', message: `${where}: \${${ref}} needs ${name} in the llama-swap container's environment` });
    } else if (ref === 'PORT') {
      if (!scope.port) out.push({ code: 'LLM002', message: `${where}: \${PORT} is only available when the model's cmd uses it` });
    } else if (ref === 'PID') {
      if (!scope.pid) out.push({ code: 'LLM002', message: `${where}: \${PID} is only available in cmdStop` });
    } else if (ref === 'MODEL_ID') {
      if (!scope.modelId) out.push({ code: 'LLM002', message: `${where}: \${MODEL_ID} is only available inside a model` });
    } else if (!scope.declared.has(ref)) {
      out.push({ code: 'LLM002', message: `${where}: \${${ref}} is not a macro llama-swap knows` });
    }
  }
  return out;
}

/**
 * Problems with an ordered macro list: names, reserved names, non-scalar values, a macro that
 * uses itself, or one declared after it (llama-swap substitutes in reverse declaration order).
 * `outer` names macros from an enclosing scope (globals, for model macros).
 */
export function checkMacroDefinitions(macros: Record<string, unknown>, where: string, outer: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const names = Object.keys(macros);
  names.forEach((name, index) => {
    if (!MACRO_NAME.test(name) || name.length >= 64) out.push(`${where}: macro name "${name}" must match ${MACRO_NAME.source} and be under 64 characters`);
    if (RESERVED_MACROS.has(name)) out.push(`${where}: macro name '${name}' is reserved`);
    const v = macros[name];
    if (!['string', 'number', 'boolean'].includes(typeof v)) {
      out.push(`${where}: macro ${name} must be a string, number or boolean`);
      return;
    }
    for (const ref of macroRefs(String(v))) {
      if (ref === name) out.push(`${where}: macro ${name} uses itself`);
      else if (names.indexOf(ref) > index) out.push(`${where}: macro ${name} uses \${${ref}}, which is declared after it`);
      else if (!names.includes(ref) && !outer.has(ref) && !RESERVED_MACROS.has(ref) && !ref.startsWith('env.')) {
        out.push(`${where}: macro ${name} uses \${${ref}}, which is not declared`);
      }
    }
  });
  return out;
}

/** One argv word as llama-swap's shlex reads it: bare when safe, else single-quoted. */
export function shellWord(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./${}-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

/** Go's strings.TrimSpace: Unicode white space, which (unlike String.trim) excludes U+FEFF. */
function goTrimSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');
}

/**
 * The words of a `cmd` as llama-swap splits it (proxy/config SanitizeCommand): each line whose
 * trimmed text starts with `#` is dropped; a line whose trimmed text ends with `\\` is trimmed and
 * the backslash becomes a space; then POSIX shlex (billziss-gh/golib): blanks are space, tab and
 * newline; single quotes keep everything; inside double quotes a backslash escapes `$`, `` ` ``,
 * `"`, `\\` and newline only; outside quotes it escapes any character, and backslash-newline
 * vanishes. Unterminated quotes end at the end of the text.
 */
export function splitCommand(cmd: string): string[] {
  const text = cmd.split('\n').flatMap((line) => {
    const trimmed = goTrimSpace(line);
    if (trimmed.startsWith('#')) return [];
    return [trimmed.endsWith('\\') ? `${trimmed.slice(0, -1)} ` : line];
  }).join('\n');
  const words: string[] = [];
  let cur: string | undefined;
  let quote: '"' | "'" | undefined;
  const blank = (c: string) => c === ' ' || c === '\t' || c === '\n';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '\\' && (next === undefined || next === '\n')) i++;
      else if (c === '\\' && '$`"\\'.includes(next)) cur += text[++i];
      else if (c === '"') quote = undefined;
      else cur += c;
    } else if (c === '\\') {
      i++;
      if (next !== undefined && next !== '\n') cur = (cur ?? '') + next;
    } else if (c === "'" || c === '"') {
      quote = c;
      cur ??= '';
    } else if (blank(c)) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
    } else {
      cur = (cur ?? '') + c;
    }
  }
  if (cur !== undefined) words.push(cur);
  return words;
}
