import { IConstruct } from 'constructs';
import { escapeControls, maskCredentials } from './text';

/** How bad a problem is. Errors stop synth; warnings stop it only when the app is strict. */
export type Severity = 'error' | 'warning' | 'info';

/** One problem found in the tree, tied to the construct that caused it. */
export interface Diagnostic {
  /** `error` fails the synth; `warning` fails it only in strict mode; `info` never does. */
  readonly severity: Severity;
  /** Stable code, e.g. `IMAGE002`. Listed with its meaning in docs/diagnostics.md. */
  readonly code: string;
  /** Construct path, e.g. `sodimo/litellm`. */
  readonly path: string;
  /** What is wrong, in this instance. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
}

/** What a code means and how to fix it in general; a report may give a more precise hint. */
export interface CodeInfo {
  /** A short name for the problem, as listed in docs/diagnostics.md. */
  readonly title: string;
  /** How to fix it in general. */
  readonly hint: string;
  /**
   * How serious the problem is unless the report says otherwise.
   * @default 'error'
   */
  readonly severity?: Severity;
}

const catalogue = new Map<string, CodeInfo>();

/**
 * Register the codes of one domain. Codes are global and stable: registering one twice with a
 * different meaning is a programming error.
 */
export function defineCodes<T extends Record<string, CodeInfo>>(codes: T): { [K in keyof T]: K } {
  const out: Record<string, string> = {};
  for (const [code, info] of Object.entries(codes)) {
    const prior = catalogue.get(code);
    if (prior && prior.title !== info.title) throw new Error(`diagnostic code ${code} defined twice`);
    catalogue.set(code, info);
    out[code] = code;
  }
  return out as { [K in keyof T]: K };
}

/** Every registered code, sorted, for docs and tests. */
export function allCodes(): ReadonlyArray<[string, CodeInfo]> {
  return [...catalogue.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function codeInfo(code: string): CodeInfo | undefined {
  return catalogue.get(code);
}

const recorded = new WeakMap<IConstruct, Diagnostic[]>();

/** Where constructs record problems. Constructors call this instead of throwing. */
export class Diagnostics {
  /** Record a problem on `scope`. The hint defaults to the code's catalogue hint. */
  public static report(scope: IConstruct, code: string, message: string, hint?: string, severity?: Severity): void {
    const list = recorded.get(scope) ?? [];
    list.push(makeDiagnostic(scope.node.path, code, message, hint, severity));
    recorded.set(scope, list);
  }

  /** Problems recorded on one construct (not its children). */
  public static on(scope: IConstruct): readonly Diagnostic[] {
    return recorded.get(scope) ?? [];
  }

  /** Problems recorded anywhere in the subtree of `scope`, in tree order. */
  public static collect(scope: IConstruct): Diagnostic[] {
    return scope.node.findAll().flatMap((c) => Diagnostics.on(c));
  }

  /** Forget what was recorded in a subtree (each synth starts clean). */
  public static clear(scope: IConstruct): void {
    for (const c of scope.node.findAll()) recorded.delete(c);
  }
}

/** A report function bound to one construct, handed to validators and renderers. */
export type Reporter = (code: string, message: string, hint?: string, severity?: Severity) => void;

export function reporterFor(scope: IConstruct): Reporter {
  return (code, message, hint, severity) => Diagnostics.report(scope, code, message, hint, severity);
}

/**
 * A diagnostic for `path`, with the code's default hint and severity. Every diagnostic is made
 * here, so this is where its text is made safe to print: control characters escaped (one line per
 * problem, no terminal escapes) and credentials in URLs and image references masked. The App
 * masks the secret values registered with it on top.
 */
export function makeDiagnostic(path: string, code: string, message: string, hint?: string, severity?: Severity): Diagnostic {
  const info = catalogue.get(code);
  if (!info) throw new Error(`unknown diagnostic code ${code}`);
  const safe = (s: string) => maskCredentials(escapeControls(String(s)));
  return { severity: severity ?? info.severity ?? 'error', code, path: escapeControls(path), message: safe(message), hint: safe(hint ?? info.hint) };
}

/** Sort so that output never depends on the order checks happened to run in. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = `${d.severity}\0${d.code}\0${d.path}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) =>
    rank[a.severity] - rank[b.severity] || a.path.localeCompare(b.path) || a.code.localeCompare(b.code) || a.message.localeCompare(b.message));
}

/** One line per problem, grouped by severity, each with its fix. */
export function formatDiagnostics(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.filter((d) => d.severity === 'warning').length;
  const lines = [`Synth found ${errors} error${errors === 1 ? '' : 's'} and ${warnings} warning${warnings === 1 ? '' : 's'}:`];
  for (const d of list) {
    lines.push(`  ${d.severity.toUpperCase().padEnd(7)} ${d.code} [${d.path}] ${d.message}`);
    if (d.hint) lines.push(`          fix: ${d.hint}`);
  }
  return lines.join('\n');
}

/** Thrown once by synth, carrying every problem found. */
export class ValidationError extends Error {
  public constructor(public readonly diagnostics: readonly Diagnostic[]) {
    super(formatDiagnostics(diagnostics));
    this.name = 'ValidationError';
  }
}
