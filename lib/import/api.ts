/**
 * The import library: compose files, quadlet folders and `podman run` lines in, a site's
 * TypeScript source plus a report out. The CLI (command.ts) is a thin layer over these.
 */
import * as os from 'os';
import * as path from 'path';
import { App } from '../core/app';
import { Diagnostic } from '../core/diagnostics';
import { ComposeFile, ComposeLoadOptions, defaultReadFile, loadCompose } from './compose-load';
import { mapCompose } from './compose-map';
import { emitSite } from './emit';
import { instantiate } from './instantiate';
import { SiteModel } from './model';
import { mapQuadlets, QuadletImportOptions, UnitFileInput } from './quadlet-import';
import { ImportReport, ReportBuilder } from './report';
import { mapPodmanRun } from './run-import';

/** Options every import takes. */
export interface ImportOptions {
  /**
   * The module the generated site imports the library from.
   * @default 'quadlet-cdk'
   */
  readonly libraryImport?: string;
  /**
   * The podman release the site targets; keys newer than it go through the escape hatch.
   * @default '5.4.2' (the library's default)
   */
  readonly podmanVersion?: string;
  /**
   * Host paths under this folder are written as `home('...')`.
   * @default - os.homedir()
   */
  readonly homeDir?: string;
}

/** What an import gives back. */
export interface ImportResult {
  /** The site file: TypeScript that default-exports `(app: App) => void`. */
  readonly source: string;
  /** What the import did with each field it could not type: findings with code, subject and message. */
  readonly report: ImportReport;
  /** The model the source was written from (instantiate it with `buildSite`). */
  readonly model: SiteModel;
  /** False when the input could not be read at all (IMPORT001 / IMPORT002 errors). */
  readonly ok: boolean;
}

/** Options of `importCompose`. */
export interface ComposeImportOptions extends ImportOptions, Omit<ComposeLoadOptions, 'readFile'> {
  /** Where the main file is: relative paths, `.env` and `include` resolve against it. @default './compose.yaml' */
  readonly path?: string;
  /** More compose files merged over the first, in order (`-f a.yaml -f b.yaml`). @default - none */
  readonly overrides?: readonly ComposeFile[];
  /** The compose project name. @default - `name:` of the file, else its folder's name */
  readonly projectName?: string;
  /** Reads referenced files. @default - from disk */
  readonly readFile?: (file: string) => string | undefined;
}

/** Imports a compose file (and overrides) as a site. */
export function importCompose(text: string, options: ComposeImportOptions = {}): ImportResult {
  const report = new ReportBuilder();
  const main: ComposeFile = { path: options.path ?? path.join(process.cwd(), 'compose.yaml'), text };
  const readFile = options.readFile ?? defaultReadFile;
  const project = loadCompose([main, ...(options.overrides ?? [])], { ...options, readFile }, report);
  const model = mapCompose(project, { projectName: options.projectName, podmanVersion: options.podmanVersion, homeDir: options.homeDir ?? os.homedir(), readFile }, report);
  return finish(model, report, options);
}

/** Imports a folder's quadlet units (and the plain units and env files beside them). */
export function importQuadlets(files: readonly UnitFileInput[], options: ImportOptions & QuadletImportOptions = {}): ImportResult {
  const report = new ReportBuilder();
  const model = mapQuadlets(files, { ...options, homeDir: options.homeDir ?? os.homedir() }, report);
  return finish(model, report, options);
}

/**
 * Imports one command line: `podman run ...`, `podman network create ...` or
 * `podman volume create ...` (the leading `podman` is optional).
 */
export function importPodmanRun(argv: readonly string[], options: ImportOptions & { readonly siteName?: string } = {}): ImportResult {
  const report = new ReportBuilder();
  const model = mapPodmanRun(argv, { ...options, homeDir: options.homeDir ?? os.homedir() }, report);
  return finish(model, report, options);
}

/** Builds the site a model describes into `app` (what running the generated source does). */
export function buildSite(model: SiteModel, app: App): void {
  instantiate(model, app);
}

/**
 * Synthesizes the model in memory and lists what the library's checks say about the imported
 * site as review items: the import never fails over them.
 */
export function checkImported(model: SiteModel): Diagnostic[] {
  const app = new App({ outdir: path.join(os.tmpdir(), 'quadlet-cdk-import-check') });
  try {
    instantiate(model, app);
    return app.synthFiles({ allowErrors: true }).diagnostics;
  } catch (e: any) {
    return [{ severity: 'error', code: 'IMPORT007', path: model.siteName, message: `the imported site could not be built: ${e?.message ?? e}`, hint: '' }];
  }
}

/**
 * Host names in variables that no imported container answers to (ENV003) are kept, marked as
 * external on the container and listed for review: the import does not guess what they are.
 */
function markExternalHosts(model: SiteModel, report: ReportBuilder): void {
  for (const d of checkImported(model)) {
    const m = /^(\w+) names host "([^"]+)", which no container/.exec(d.message);
    if (d.code !== 'ENV003' || !m) continue;
    const decl = model.decls.find((x) => x.cls === 'Container' && d.path.endsWith(`/${x.id}`));
    if (!decl) continue;
    const hosts = (decl.props.externalHosts as string[] | undefined) ?? [];
    if (!hosts.includes(m[2])) decl.props.externalHosts = [...hosts, m[2]];
    decl.todos.push(`${m[1]}: names host ${m[2]}, which is no container of this site; check it is reachable`);
    report.add('IMPORT007', d.path, m[1], `ENV003: ${m[1]} names host ${m[2]}, which no imported container answers to; marked in externalHosts, check it`);
  }
}

function finish(model: SiteModel, report: ReportBuilder, options: ImportOptions): ImportResult {
  markExternalHosts(model, report);
  for (const d of checkImported(model)) {
    if (d.severity === 'info') continue;
    report.add('IMPORT007', d.path, undefined, `${d.code} (${d.severity}): ${d.message}`, d.hint, d.severity === 'error' ? 'warning' : 'warning');
  }
  const source = emitSite(model, { libraryImport: options.libraryImport });
  return { source, report: report.build(), model, ok: !report.failed };
}
