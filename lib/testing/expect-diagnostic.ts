/**
 * The one way tests assert a diagnostic: {@link expectDiagnostic}. It checks the code, its
 * severity and what that severity does to a real synth, and records what it checked so that
 * the suite's meta-test (test/core/catalogue.test.ts) can prove every registered code had an
 * executed assertion. See docs/testing.md.
 */
import { AssertionError } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from '../core/app';
import { codeInfo, Diagnostic, formatDiagnostics, Severity, ValidationError } from '../core/diagnostics';
import { OutputError } from '../core/output';

/** Narrows which diagnostics of the code an assertion is about. */
export interface DiagnosticMatch {
  /**
   * Only diagnostics on this construct path (exact).
   * @default - any path
   */
  readonly path?: string;
  /**
   * Only diagnostics whose message contains this text, or matches this pattern.
   * @default - any message
   */
  readonly message?: string | RegExp;
}

/** What a real synth did with the tree, as checked by {@link expectDiagnostic}. */
export type SynthOutcome =
  /** `app.synth()` threw a ValidationError carrying the code and wrote nothing. */
  | 'fails'
  /** `app.synth()` wrote the files; with `strict: true` the same tree failed and wrote nothing. */
  | 'passes'
  /** Not checked: a diagnostic list was given, or other errors in the tree hide what a warning does. */
  | 'unchecked';

/** One executed assertion, as recorded for the meta-test. */
export interface AssertedDiagnostic {
  /** The diagnostic code the test asserted. */
  readonly code: string;
  /** The severity it asserted for that code. */
  readonly severity: Severity;
  /** The synth outcome it asserted with it. */
  readonly synth: SynthOutcome;
}

const RECORD = Symbol.for('quadlet-cdk.testing.assertedDiagnostics');

function record(): AssertedDiagnostic[] {
  const g = globalThis as { [RECORD]?: AssertedDiagnostic[] };
  return (g[RECORD] ??= []);
}

/** Every assertion {@link expectDiagnostic} has passed in this process, in order. */
export function assertedDiagnostics(): readonly AssertedDiagnostic[] {
  return record();
}

/**
 * Assert that `code` is reported with `severity`, and that the severity does what it promises.
 *
 * Given an App (the usual case), this synthesizes it in memory (errors allowed) and checks that:
 * - at least one diagnostic has `code` (and matches `match`, when given);
 * - every such diagnostic has exactly `severity`, a message and a hint, and the code is registered;
 * - for `'error'`: a real `app.synth()` into a fresh folder throws a ValidationError carrying the
 *   code and creates nothing;
 * - for `'warning'` (or `'info'`) on a tree without errors: `app.synth()` writes the files, and for
 *   a warning the same tree with `strict: true` fails and writes nothing.
 *
 * Given a list of diagnostics (e.g. from a checker that has no App), only the first two points
 * are checked, and the meta-test does not count it as the code's test.
 *
 * @example
 *   const { app, site } = Testing.site();
 *   new Container(site, 'db', { image: 'docker.io/library/postgres:latest' });
 *   expectDiagnostic(app, 'IMAGE002', 'error');
 *
 * @returns the matching diagnostics, for further checks on message, path or hint.
 */
export function expectDiagnostic(subject: App | readonly Diagnostic[], code: string, severity: Severity, match: DiagnosticMatch = {}): Diagnostic[] {
  const isApp = App.isApp(subject);
  const all = isApp ? (subject as App).synthFiles({ allowErrors: true }).diagnostics : (subject as readonly Diagnostic[]);
  const found = all.filter((d) => d.code === code && matches(d, match));
  const got = all.length ? formatDiagnostics(all) : 'no diagnostics at all';
  if (found.length === 0) fail(`expected ${code}${describe(match)}; got ${got}`);
  if (!codeInfo(code)) fail(`${code} is not a registered diagnostic code`);
  for (const d of found) {
    if (d.severity !== severity) fail(`expected ${code}${describe(match)} to be ${article(severity)}, got ${article(d.severity)}: ${d.message}`);
    if (!d.message) fail(`${code} has an empty message`);
    if (!d.hint) fail(`${code} has an empty hint`);
  }
  const synth = isApp ? checkSynth(subject as App, all, code, severity) : 'unchecked';
  record().push({ code, severity, synth });
  return found;
}

/** An error that carries one registered diagnostic (OutputError, DeployError). */
export interface CodedError extends Error {
  /** The diagnostic: code, severity, message and hint. */
  readonly diagnostic: Diagnostic;
}

/**
 * Assert that `run` throws (or returns) an error of class `kind` carrying `code`, registered, an
 * error, with a message and a hint. Recorded for the meta-test like an error whose synth fails:
 * the operation is refused. Use it for errors raised outside synth (an apply, an output write).
 *
 * @param run throws the error, or returns it (e.g. an apply result's `failure`)
 * @returns the error, for further checks on its message.
 */
export function expectCodedError<E extends CodedError>(run: () => unknown, code: string, kind: new (...args: any[]) => E): E {
  let error: unknown;
  try {
    error = run();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof kind)) fail(`expected a ${kind.name} ${code}; got ${error === undefined ? 'no error' : String((error as any)?.stack ?? error)}`);
  const d = error.diagnostic;
  if (d.code !== code) fail(`expected ${code}, got ${d.code}: ${error.message}`);
  if (!codeInfo(code)) fail(`${code} is not a registered diagnostic code`);
  if (d.severity !== 'error') fail(`expected ${code} to be an error, got ${article(d.severity)}`);
  if (!d.message || !d.hint) fail(`${code} has an empty message or hint`);
  record().push({ code, severity: 'error', synth: 'fails' });
  return error;
}

/**
 * Assert that `write` (a `writeOutput`, `recoverOutput`, `verifyOutput` or `app.synth()` call)
 * throws an OutputError with `code` (see {@link expectCodedError}); and, when `folder` is given,
 * that the folder (every file, folder and link under it) is exactly as before.
 *
 * @returns the OutputError, for further checks on its message.
 */
export function expectOutputError(write: () => unknown, code: string, folder?: string): OutputError {
  const before = folder === undefined ? undefined : folderState(folder);
  const error = expectCodedError(() => { write(); }, code, OutputError);
  if (folder !== undefined) {
    const after = folderState(folder);
    const changed = [...new Set([...before!.keys(), ...after.keys()])].filter((p) => before!.get(p) !== after.get(p));
    if (changed.length) fail(`${code}: the refused write changed ${changed.slice(0, 5).join(', ')}`);
  }
  return error;
}

/** Every entry under `dir`: file content, `dir/`, or the target of a link (links are not followed). */
function folderState(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      const full = path.join(dir, p);
      if (e.isSymbolicLink()) out.set(p, `-> ${fs.readlinkSync(full)}`);
      else if (e.isDirectory()) {
        out.set(p, 'dir/');
        walk(p);
      } else out.set(p, fs.readFileSync(full, 'utf8'));
    }
  };
  walk('');
  return out;
}

/** Runs the real synth into a folder that does not exist yet and checks the outcome. */
function checkSynth(app: App, all: readonly Diagnostic[], code: string, severity: Severity): SynthOutcome {
  if (severity === 'error') {
    const outcome = synthInto(app, false);
    if (outcome.error === undefined) fail(`${code} is an error, but app.synth() succeeded`);
    if (!(outcome.error instanceof ValidationError)) throw outcome.error;
    if (!outcome.error.diagnostics.some((d) => d.code === code && d.severity === 'error')) fail(`app.synth() failed, but not with ${code}:\n${outcome.error.message}`);
    if (outcome.wrote) fail(`app.synth() failed with ${code}, yet created its output folder`);
    return 'fails';
  }
  if (all.some((d) => d.severity === 'error')) return 'unchecked';
  const lax = synthInto(app, false);
  if (lax.error !== undefined) fail(`${code} is ${article(severity)}, but app.synth() failed:\n${lax.error.message ?? lax.error}`);
  if (lax.files > 0 && !lax.wrote) fail(`${code} is ${article(severity)}, but app.synth() wrote nothing`);
  if (severity === 'warning') {
    const strict = synthInto(app, true);
    if (!(strict.error instanceof ValidationError)) fail(`${code} is a warning, but a strict app.synth() did not fail on it`);
    if (strict.wrote) fail(`a strict app.synth() failed on ${code}, yet created its output folder`);
  }
  return 'passes';
}

/** `app.synth()` into a fresh temp path, with `strict` as given; the app's own settings are restored. */
function synthInto(app: App, strict: boolean): { error?: any; wrote: boolean; files: number } {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-expect-'));
  const outdir = path.join(parent, 'out');
  const own = app as { outdir: string; strict: boolean };
  const saved = { outdir: own.outdir, strict: own.strict };
  own.outdir = outdir;
  own.strict = strict;
  try {
    const result = app.synth();
    return { wrote: fs.existsSync(outdir), files: result.files.length };
  } catch (error) {
    return { error, wrote: fs.existsSync(outdir), files: 0 };
  } finally {
    own.outdir = saved.outdir;
    own.strict = saved.strict;
    fs.rmSync(parent, { recursive: true, force: true });
  }
}

function matches(d: Diagnostic, m: DiagnosticMatch): boolean {
  if (m.path !== undefined && d.path !== m.path) return false;
  if (m.message === undefined) return true;
  return typeof m.message === 'string' ? d.message.includes(m.message) : m.message.test(d.message);
}

function describe(m: DiagnosticMatch): string {
  const parts = [m.path !== undefined ? `on ${m.path}` : '', m.message !== undefined ? `with message ${String(m.message)}` : ''].filter(Boolean);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

function article(s: Severity): string {
  return s === 'error' ? 'an error' : s === 'warning' ? 'a warning' : 'info';
}

function fail(message: string): never {
  throw new AssertionError({ message, stackStartFn: expectDiagnostic });
}
