/** `quadlet-cdk synth`: synthesizes apps into their output folders and says what changed. */
import * as path from 'path';
import { formatDiagnostics } from '../core/diagnostics';
import { BACKEND_OPTION_USAGE, takeBackendOption } from '../k8s/cli';
import { AppRun, findApps, runApp } from './apps';
import { booleanFlag, ParsedArgs, parseFlags, stringFlag, UsageError } from './args';
import { CliCommand, CliIo, ExitCode } from './command';
import type { SiteBackend } from '../core/site';

export const SYNTH_FLAGS = {
  apps: { type: 'string' },
  out: { type: 'string', short: 'o' },
  strict: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** An app run as data (`--json`): paths relative to the app's output folder. */
export function runAsJson(run: AppRun, cwd: string): Record<string, unknown> {
  return {
    app: run.app.display,
    name: run.app.name,
    outdir: path.relative(cwd, run.outdir).split(path.sep).join('/'),
    ok: run.failure === undefined,
    written: run.synths.flatMap((s) => s.result.written),
    unchanged: run.synths.flatMap((s) => s.result.unchanged),
    removed: run.synths.flatMap((s) => s.result.removed),
    diagnostics: run.diagnostics,
    ...(run.failure ? { failure: run.failure } : {}),
  };
}

/** Prints one app run for people: a summary line, the files that changed, then the diagnostics. */
export function printRun(run: AppRun, io: CliIo): void {
  if (run.failure) {
    io.stderr(`quadlet-cdk: ${run.app.display}: nothing written.\n${run.failure.message}\n`);
    return;
  }
  for (const { result } of run.synths) {
    const parts = [`${result.files.length} files`, `${result.written.length} written`, `${result.unchanged.length} unchanged`];
    if (result.removed.length) parts.push(`${result.removed.length} removed`);
    const out = path.relative(io.cwd, result.outdir).split(path.sep).join('/') || '.';
    const lines = [`quadlet-cdk: ${run.app.display} -> ${out}: ${parts.join(', ')}`];
    for (const p of result.written) lines.push(`  written ${p}`);
    for (const p of result.removed) lines.push(`  removed ${p}`);
    io.stdout(lines.join('\n') + '\n');
  }
  if (run.diagnostics.length) io.stdout(formatDiagnostics(run.diagnostics) + '\n');
}

/**
 * The synth flags of `args`, `--backend` among them. Only `--backend kubernetes` loads the
 * Kubernetes backend's registration (its renderer still loads when a site first uses it).
 */
export function parseSynthFlags(args: readonly string[]): { parsed: ParsedArgs; backend?: SiteBackend } {
  const option = takeBackendOption(args);
  if (option.error) throw new UsageError(option.error);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (option.backend === 'kubernetes') require('../k8s');
  return { parsed: parseFlags(option.rest, SYNTH_FLAGS), backend: option.backend };
}

/** Runs every app that `args` name with the synth flags; shared by synth and watch. */
export function synthApps(args: readonly string[], io: CliIo): { runs: AppRun[]; json: boolean } {
  const { parsed, backend } = parseSynthFlags(args);
  const apps = findApps(parsed.positionals, io.cwd, stringFlag(parsed, 'apps', 'apps'));
  const outRoot = path.resolve(io.cwd, stringFlag(parsed, 'out', 'dist'));
  const json = booleanFlag(parsed, 'json');
  const runs: AppRun[] = [];
  for (const app of apps) {
    const run = runApp(app, path.join(outRoot, app.name), { strict: booleanFlag(parsed, 'strict'), backend });
    if (!json) printRun(run, io);
    runs.push(run);
  }
  return { runs, json };
}

export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'Synthesize apps into <out>/<app>/ and print what changed',
  usage: `Usage: quadlet-cdk synth [APP...] [--apps DIR] [--out DIR] [--backend quadlet|kubernetes] [--strict] [--json]

Checks each app's whole tree, then writes its files into <out>/<app name>/. An app with an
error writes nothing; every app runs, so all problems show at once.

Arguments:
  APP            an app file (name.ts, or name/app.ts), a folder of apps, or the name of an
                 app in the apps folder (default: every app in the apps folder)

Options:
  --apps DIR     the apps folder (default: apps)
  -o, --out DIR  the output root; each app goes to DIR/<app name>/ (default: dist)
${BACKEND_OPTION_USAGE}
                 (a site that names its own backend keeps it; $QUADLET_CDK_BACKEND sets the default)
  --strict       treat warnings as errors
  --json         print the result as JSON: per app the files written, unchanged and removed,
                 and the diagnostics
  -h, --help     print this help

Exit codes: 0 written; 1 an app failed (diagnostics with errors, an output folder that cannot
be written, or an app that throws); 2 wrong usage.

Examples:
  quadlet-cdk synth
  quadlet-cdk synth apps/sodimo.ts --out dist
  quadlet-cdk synth examples --out dist/examples --json
  quadlet-cdk synth apps/sodimo.ts --backend kubernetes
`,
  async run(args, io) {
    const { runs, json } = synthApps(args, io);
    if (json) io.stdout(JSON.stringify({ ok: runs.every((r) => !r.failure), apps: runs.map((r) => runAsJson(r, io.cwd)) }, null, 2) + '\n');
    return runs.some((r) => r.failure) ? ExitCode.FAILED : ExitCode.OK;
  },
};
