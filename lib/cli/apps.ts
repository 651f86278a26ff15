/**
 * Finding and running site apps: the one code path behind `quadlet-cdk synth`, `watch`, `docs`,
 * `graph` and `validate`, and so behind `npx projen synth` and the projen component.
 *
 * An app is a `<name>.ts` file, or a `<name>/app.ts` in a folder (with the files it reads beside
 * it, e.g. examples/two-hosts/site.toml); either way it is synthesized into `<out>/<name>/`. An app
 * module either builds its own App and calls `app.synth()`, or exports
 * `default (app: App) => void` and lets the runner create, synthesize and write it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, SynthResult } from '../core/app';
import { Diagnostic, ValidationError } from '../core/diagnostics';
import { OutputError } from '../core/output';
import type { SiteBackend } from '../core/site';
import { UsageError } from './args';
import { CliIo } from './command';

/** One app file and the name of its output folder. */
export interface AppFile {
  /** The output folder's name: the file name without `.ts`, or the folder of an `app.ts`. */
  readonly name: string;
  /** Absolute path of the file. */
  readonly file: string;
  /** The path as the user reads it: relative to the working folder, `/`-separated. */
  readonly display: string;
}

/** Why an app run failed. */
export interface AppFailure {
  /** `diagnostics`: synth found errors; `output`: the output folder was refused; `crash`: the app threw. */
  readonly kind: 'diagnostics' | 'output' | 'crash';
  /** What to print: the formatted diagnostics, the output error, or the stack. */
  readonly message: string;
}

/** What one app did: the synths it ran (usually one), or why it failed. Nothing is written on failure. */
export interface AppRun {
  /** The app that ran. */
  readonly app: AppFile;
  /** The output folder it was given (`<out>/<name>`). */
  readonly outdir: string;
  /** Each App the app synthesized, with what the synth wrote. */
  readonly synths: ReadonlyArray<{ readonly app: App; readonly result: SynthResult }>;
  /** Every diagnostic, including those of a failed synth. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Why the run failed.
   * @default - the run succeeded
   */
  readonly failure?: AppFailure;
}

const APP_FILE = /\.(ts|js)$/;

function byName(a: AppFile, b: AppFile): number {
  const ka = `${a.name}\0${a.display}`;
  const kb = `${b.name}\0${b.display}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function appFile(file: string, cwd: string): AppFile {
  const base = path.basename(file).replace(APP_FILE, '');
  const name = base === 'app' ? path.basename(path.dirname(file)) : base;
  return { name, file, display: path.relative(cwd, file).split(path.sep).join('/') || file };
}

/** The apps in a folder: its `*.ts` files and its `<name>/app.ts` files. */
function appsIn(dir: string, cwd: string): AppFile[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e): AppFile[] => {
    const full = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) return [appFile(full, cwd)];
    if (e.isDirectory() && fs.existsSync(path.join(full, 'app.ts'))) return [appFile(path.join(full, 'app.ts'), cwd)];
    return [];
  }).sort(byName);
}

/**
 * The apps that `specs` name: each is an app file, a folder of apps, or the name of an app in
 * `appsDir`. No specs: every app in `appsDir`. Raises a UsageError for a spec that names nothing
 * and for two apps that would share an output folder.
 */
export function findApps(specs: readonly string[], cwd: string, appsDir = 'apps'): AppFile[] {
  const dir = path.resolve(cwd, appsDir);
  const found: AppFile[] = [];
  if (specs.length === 0) {
    if (!fs.existsSync(dir)) throw new UsageError(`no apps folder ${appsDir} (name app files, or pass --apps DIR)`);
    found.push(...appsIn(dir, cwd));
    if (found.length === 0) throw new UsageError(`no apps (*.ts, or */app.ts) in ${appsDir}`);
  }
  for (const spec of specs) {
    const full = path.resolve(cwd, spec);
    const st = fs.statSync(full, { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      const inside = appsIn(full, cwd);
      if (inside.length === 0) throw new UsageError(`no apps (*.ts, or */app.ts) in ${spec}`);
      found.push(...inside);
    } else if (st?.isFile() && APP_FILE.test(spec)) {
      found.push(appFile(full, cwd));
    } else if (!st && /^[\w.-]+$/.test(spec) && fs.existsSync(dir)) {
      const named = appsIn(dir, cwd).find((a) => a.name === spec);
      if (!named) throw new UsageError(`no app ${spec}: neither a file nor an app in ${appsDir}`);
      found.push(named);
    } else {
      throw new UsageError(st ? `${spec} is not an app (a .ts file, or a folder of apps)` : `no such app file or folder: ${spec}`);
    }
  }
  const unique = [...new Map(found.map((a) => [a.file, a])).values()];
  const names = new Map<string, AppFile>();
  for (const a of unique) {
    const other = names.get(a.name);
    if (other) throw new UsageError(`${other.display} and ${a.display} would both write to the output folder ${a.name}/`);
    names.set(a.name, a);
  }
  return unique;
}

/** How `runApp` runs an app. */
export interface RunOptions {
  /** Warnings fail the synth. @default false */
  readonly strict?: boolean;
  /** The backend of every site that names none (`--backend`). @default - $QUADLET_CDK_BACKEND, else quadlet */
  readonly backend?: SiteBackend;
}

/**
 * Loads and runs one app into `outdir`, capturing every App it synthesizes. Never throws: a
 * failure is reported in the result.
 */
export function runApp(app: AppFile, outdir: string, options: RunOptions = {}): AppRun {
  const synths: Array<{ app: App; result: SynthResult }> = [];
  const listener = (a: App, result: SynthResult) => synths.push({ app: a, result });
  App.synthListeners.push(listener);
  // Apps that build their own App read these; the runner's own App gets them as props too.
  const saved = { outdir: process.env.QUADLET_CDK_OUTDIR, strict: process.env.QUADLET_CDK_STRICT, backend: process.env.QUADLET_CDK_BACKEND };
  process.env.QUADLET_CDK_OUTDIR = outdir;
  if (options.strict) process.env.QUADLET_CDK_STRICT = '1';
  if (options.backend) process.env.QUADLET_CDK_BACKEND = options.backend;
  const done = (failure?: AppFailure, failed: readonly Diagnostic[] = []): AppRun => ({
    app, outdir, synths, failure, diagnostics: [...synths.flatMap((s) => s.result.diagnostics), ...failed],
  });
  try {
    delete require.cache[app.file]; // an app that synthesizes itself does so when loaded: load it afresh
    const mod = require(app.file);
    if (synths.length === 0 && typeof mod.default === 'function') {
      const created = new App({ outdir, backend: options.backend });
      mod.default(created);
      created.synth();
    }
    if (synths.length === 0) {
      return done({ kind: 'crash', message: `${app.display} neither called app.synth() nor exported a default function (app: App) => void` });
    }
    return done();
  } catch (e: any) {
    if (e instanceof ValidationError) return done({ kind: 'diagnostics', message: e.message }, e.diagnostics);
    if (e instanceof OutputError) return done({ kind: 'output', message: e.message });
    return done({ kind: 'crash', message: `${app.display} failed: ${e?.stack ?? e}` });
  } finally {
    App.synthListeners.splice(App.synthListeners.indexOf(listener), 1);
    restore('QUADLET_CDK_OUTDIR', saved.outdir);
    restore('QUADLET_CDK_STRICT', saved.strict);
    restore('QUADLET_CDK_BACKEND', saved.backend);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/**
 * Forgets the modules an app loaded from the project (not the library, not node_modules), so the
 * next run reads them again: `watch` re-runs apps this way with the library still loaded.
 */
export function forgetProjectModules(cwd: string, keep: (file: string) => boolean): string[] {
  const root = path.resolve(cwd) + path.sep;
  const forgotten: string[] = [];
  for (const id of Object.keys(require.cache)) {
    if (id.startsWith(root) && !id.includes(`${path.sep}node_modules${path.sep}`) && !keep(id)) {
      delete require.cache[id];
      forgotten.push(id);
    }
  }
  return forgotten;
}

/**
 * Runs apps into a scratch output root that is deleted afterwards: for the commands that read
 * the output (docs, graph, validate) and must not touch the real output folders. Prints each
 * failed app to stderr, and hands `fn` the runs that succeeded and whether any failed.
 */
export async function withScratchRuns<T>(apps: readonly AppFile[], io: CliIo, fn: (succeeded: AppRun[], anyFailed: boolean) => T | Promise<T>): Promise<T> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-'));
  try {
    const runs = apps.map((a) => runApp(a, path.join(scratch, a.name)));
    for (const r of runs) if (r.failure) io.stderr(`quadlet-cdk: ${r.app.display}: ${r.failure.message}\n`);
    return await fn(runs.filter((r) => !r.failure), runs.some((r) => r.failure));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The files one synth wrote, by path relative to its output folder. */
export function outputFiles(result: SynthResult): Record<string, string> {
  return Object.fromEntries(result.files.map((f) => [f.path, fs.readFileSync(path.join(result.outdir, f.path), 'utf8')]));
}
