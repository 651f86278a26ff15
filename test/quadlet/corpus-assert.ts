/**
 * The `## assert-...` lines of podman's quadlet test corpus, read and evaluated the way podman's own
 * test (test/e2e/quadlet_test.go) reads them: the line is split like a shell line, `\n` and `\t` in
 * the arguments become newline and tab, a leading `!` inverts. Written from the meaning of each
 * kind, not from podman's code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { systemdSplit } from '../../lib/import/words';

/** One assertion: its kind (without `!`), whether it is inverted, its arguments, and the line. */
export interface Assertion {
  readonly kind: string;
  readonly negate: boolean;
  readonly args: string[];
  readonly line: string;
}

/** What an assertion is evaluated on: the generated service, the folder it is in, the generator's stderr. */
export interface AssertionTarget {
  /** The generated service's text; undefined when the generator wrote none. */
  readonly service?: string;
  /** The generator's output folder (symlinks are read relative to it). */
  readonly outDir?: string;
  readonly stderr: string;
}

/** Words of an assertion line as go-shellwords gives them: quotes group, `\` escapes the next character outside single quotes. */
export function shellWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && quote !== "'" && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (quote) {
      if (c === quote) quote = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated quote in: ${line}`);
  if (inWord) out.push(cur);
  return out;
}

/** The assertions of a corpus file: its lines starting with `##` (a single `#` is a comment, as for podman). */
export function assertionsOf(text: string): Assertion[] {
  return text.split('\n').filter((l) => l.startsWith('##')).map((l) => {
    const [op, ...rest] = shellWords(l.slice(2));
    const negate = op.startsWith('!');
    return { kind: negate ? op.slice(1) : op, negate, args: rest.map((a) => a.replace(/\\n/g, '\n').replace(/\\t/g, '\t')), line: l.slice(2).trim() };
  });
}

/** A generated unit: the raw values of each `[section] key`, in order (continuation lines joined). */
export class GeneratedUnit {
  private readonly entries: Array<[string, string, string]> = [];

  public constructor(text: string) {
    let section = '';
    for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith(';')) continue;
      const head = /^\[(.+)\]$/.exec(line);
      if (head) section = head[1];
      else if (line.includes('=')) this.entries.push([section, line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]);
    }
  }

  public all(section: string, key: string): string[] {
    return this.entries.filter(([s, k]) => s === section && k === key).map(([, , v]) => v);
  }

  public last(section: string, key: string): string | undefined {
    return this.all(section, key).at(-1);
  }

  /** The last value of `[Service] key` split into words as systemd splits a command line. */
  public args(key: string): string[] {
    return systemdSplit(this.last('Service', key) ?? '');
  }
}

const EXEC_KEY: Record<string, string> = { '': 'ExecStart', 'pre-': 'ExecStartPre', 'stop-': 'ExecStop', 'stop-post-': 'ExecStopPost', 'reload-': 'ExecReload' };
/** assert-podman[-pre|-stop|-stop-post|-reload]-[global-|final-]args[-key-val][-regex]. */
const PODMAN_KIND = /^assert-podman-(pre-|stop-post-|stop-|reload-)?(global-|final-)?args(-key-val)?(-regex)?$/;
const KEY_KINDS = ['assert-key-is', 'assert-key-is-regex', 'assert-has-key', 'assert-key-is-empty', 'assert-key-contains', 'assert-key-not-contains', 'assert-last-key-contains', 'assert-last-key-not-contains', 'assert-last-key-is-regex'];

/** Whether the interpreter knows `kind`. */
export function knownKind(kind: string): boolean {
  return PODMAN_KIND.test(kind) || KEY_KINDS.includes(kind) || ['assert-symlink', 'assert-failed', 'assert-stderr-contains'].includes(kind);
}

/** Go's regexp.MatchString: true when the pattern matches anywhere; an invalid pattern never matches. */
function search(pattern: string, s: string): boolean {
  try {
    return new RegExp(pattern).test(s);
  } catch {
    return false;
  }
}

function matchAt(full: string[], pos: number, sub: string[], regex: boolean): boolean {
  if (sub.length > full.length - pos) return false;
  return sub.every((s, i) => (regex ? search(s, full[pos + i]) : s === full[pos + i]));
}

function findSublist(full: string[], sub: string[], regex = false): number {
  if (sub.length === 0) return -1;
  for (let i = 0; i + sub.length <= full.length; i++) if (matchAt(full, i, sub, regex)) return i;
  return -1;
}

/** One CSV record with `sep` as comma (quoted fields, `""` for a quote); undefined where Go's csv refuses it. */
export function csvRecord(line: string, sep: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      for (i++; ; i++) {
        if (i >= line.length) return undefined;
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i++;
        } else if (line[i] === '"') break;
        else field += line[i];
      }
      i++;
      if (i < line.length && line[i] !== sep) return undefined;
    } else {
      const end = line.indexOf(sep, i);
      field = line.slice(i, end < 0 ? line.length : end);
      if (field.includes('"')) return undefined;
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++;
  }
}

function keyValMap(s: string, sep: string): Map<string, string> | undefined {
  const rec = csvRecord(s, sep);
  if (!rec) return undefined;
  return new Map(rec.map((p) => (p.includes('=') ? [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] : [p, ''])));
}

function podmanArgs(unit: GeneratedUnit, kind: RegExpExecArray, args: string[]): boolean {
  const [, where = '', mode, keyVal, regex] = kind;
  let argv = unit.args(EXEC_KEY[where]);
  if (mode === 'final-') return matchAt(argv, argv.length - args.length, args, !!regex) && argv.length >= args.length;
  if (mode === 'global-') {
    // Only the words before the podman command (args[0]) count.
    const at = findSublist(argv, [args[0]]);
    if (at < 0) return false;
    argv = argv.slice(0, at);
    args = args.slice(1);
  }
  if (!keyVal) return findSublist(argv, args, !!regex) >= 0;
  const want = keyValMap(args[2], args[1]);
  if (!want) return false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== args[0]) continue;
    if (i + 1 >= argv.length) return false;
    const got = keyValMap(argv[i + 1], args[1]);
    if (!got) return false;
    if (got.size === want.size && [...want].every(([k, v]) => got.has(k) && (regex ? search(v, got.get(k)!) : got.get(k) === v))) return true;
    i++;
  }
  return false;
}

/**
 * Evaluates one assertion; undefined when it holds, else why not. `assert-failed` is the file's
 * expectation that the generator refuses it: it holds when no service was written.
 */
export function evaluate(a: Assertion, target: AssertionTarget): string | undefined {
  let ok: boolean;
  const podman = PODMAN_KIND.exec(a.kind);
  if (a.kind === 'assert-failed') ok = target.service === undefined;
  else if (a.kind === 'assert-stderr-contains') ok = target.stderr.includes(a.args[0]);
  else if (target.service === undefined) return `no service to check ${a.line} on`;
  else {
    const unit = new GeneratedUnit(target.service);
    const [section, key, ...values] = a.args;
    const all = () => unit.all(section, key);
    const last = () => unit.last(section, key);
    if (podman) ok = podmanArgs(unit, podman, a.args);
    else if (a.kind === 'assert-key-is') ok = JSON.stringify(all()) === JSON.stringify(values);
    else if (a.kind === 'assert-key-is-regex') ok = all().length === values.length && all().every((v, i) => search(values[i], v));
    else if (a.kind === 'assert-has-key') ok = all().includes(values[0]);
    else if (a.kind === 'assert-key-is-empty') ok = all().length === 0;
    else if (a.kind === 'assert-key-contains') ok = all().some((v) => v.includes(values[0]));
    else if (a.kind === 'assert-key-not-contains') ok = !all().some((v) => v.includes(values[0]));
    else if (a.kind === 'assert-last-key-contains') ok = last()?.includes(values[0]) ?? false;
    else if (a.kind === 'assert-last-key-not-contains') ok = !(last()?.includes(values[0]) ?? false);
    else if (a.kind === 'assert-last-key-is-regex') ok = last() !== undefined && search(values[0], last()!);
    else if (a.kind === 'assert-symlink') {
      const link = path.join(target.outDir ?? '', a.args[0]);
      ok = target.outDir !== undefined && fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink() === true && fs.readlinkSync(link) === a.args[1];
    } else return `unknown assertion kind ${a.kind}`;
  }
  return ok !== a.negate ? undefined : `failed: ${a.line}`;
}
