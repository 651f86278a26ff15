import { Diagnostic, Severity, sortDiagnostics } from '../core/diagnostics';
import { IMPORT_CODES } from './codes';

/** One finding of an import: a diagnostic whose path names the source (`services.web`, `web.container`). */
export interface ImportFinding extends Diagnostic {
  /** The source field it is about, e.g. `deploy.replicas`. @default - the whole subject */
  readonly field?: string;
}

/** What an import did with everything it could not map one to one. */
export interface ImportReport {
  /** The inputs read, in order (compose files, env files, unit files). */
  readonly sources: string[];
  /** Every finding, sorted: errors, then warnings, then infos. */
  readonly findings: ImportFinding[];
}

/** Collects findings while an import runs. */
export class ReportBuilder {
  public readonly sources: string[] = [];
  private readonly list: ImportFinding[] = [];

  /** Records a finding. `subject` is the service or unit, `field` the key inside it. */
  public add(code: string, subject: string, field: string | undefined, message: string, hint?: string, severity?: Severity): void {
    const info = IMPORT_CODES[code];
    if (!info) throw new Error(`unknown import code ${code}`);
    const d: Diagnostic = { severity: severity ?? info.severity ?? 'error', code, path: subject, message, hint: hint ?? info.hint };
    this.list.push(field === undefined ? d : { ...d, field });
  }

  /** Whether an error was recorded (the input could not be read). */
  public get failed(): boolean {
    return this.list.some((d) => d.severity === 'error');
  }

  public build(): ImportReport {
    const sorted = sortDiagnostics(this.list) as ImportFinding[];
    return { sources: [...this.sources], findings: sorted };
  }
}

/** The report for people: one line per finding, grouped by severity, then a count. */
export function formatImportReport(report: ImportReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const where = f.field ? `${f.path} ${f.field}` : f.path;
    lines.push(`${f.severity} ${f.code} ${where}: ${f.message}`);
    lines.push(`  hint: ${f.hint}`);
  }
  const count = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
  lines.push(`import report: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} notes from ${report.sources.length} source file(s)`);
  return lines.join('\n') + '\n';
}
