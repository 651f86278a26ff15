/** `quadlet-cdk watch`: synthesizes, then again on every save, with the library kept loaded. */
import * as fs from 'fs';
import * as path from 'path';
import { forgetProjectModules } from './apps';
import { stringFlag, UsageError } from './args';
import { CliCommand, ExitCode } from './command';
import { parseSynthFlags, synthApps } from './synth-command';
import { BACKEND_OPTION_USAGE } from '../k8s/cli';

/** Where the library's own modules live (lib/ in a checkout, build/ when installed): never reloaded. */
const LIBRARY = path.resolve(__dirname, '..') + path.sep;

/** The files the apps loaded from the project: the apps and their own helper modules. */
function projectFiles(cwd: string): string[] {
  const root = path.resolve(cwd) + path.sep;
  return Object.keys(require.cache).filter((id) => id.startsWith(root) && !id.startsWith(LIBRARY) && !id.includes(`${path.sep}node_modules${path.sep}`));
}

export const watchCommand: CliCommand = {
  name: 'watch',
  summary: 'Synthesize, then again on every save of an app or a file it imports',
  usage: `Usage: quadlet-cdk watch [APP...] [--apps DIR] [--out DIR] [--backend quadlet|kubernetes] [--strict]

Synthesizes like \`quadlet-cdk synth\`, then watches the apps, the files they import from the
project and the apps folder, and synthesizes again after each save. The library stays loaded,
so a re-synth only reloads the project's own files. Stops on Ctrl-C (exit code 0).

Options:
  --apps DIR     the apps folder (default: apps)
  -o, --out DIR  the output root; each app goes to DIR/<app name>/ (default: dist)
${BACKEND_OPTION_USAGE}
  --strict       treat warnings as errors
  -h, --help     print this help

Edits to the quadlet-cdk library itself (in a checkout of quadlet-cdk) need a restart.
`,
  run(args, io) {
    if (args.includes('--json')) throw new UsageError('watch prints for people; use synth --json for data');
    const appsDir = path.resolve(io.cwd, stringFlag(parseSynthFlags(args).parsed, 'apps', 'apps'));
    const once = (): void => {
      const started = process.hrtime.bigint();
      const { runs } = synthApps(args, io);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const failed = runs.filter((r) => r.failure).length;
      io.stderr(`quadlet-cdk watch: ${runs.length} app${runs.length === 1 ? '' : 's'} in ${ms.toFixed(0)} ms${failed ? `, ${failed} failed` : ''}; watching for changes\n`);
    };
    once(); // wrong usage throws here, before anything is watched
    return new Promise<number>((resolve) => {
      const watchers = new Map<string, fs.FSWatcher>();
      let files = new Set<string>();
      let timer: NodeJS.Timeout | undefined;
      const rerun = (): void => {
        timer = undefined;
        forgetProjectModules(io.cwd, (id) => id.startsWith(LIBRARY));
        try {
          once();
        } catch (e: any) {
          io.stderr(`quadlet-cdk watch: ${e?.message ?? e}\n`);
        }
        rewatch();
      };
      const onEvent = (dir: string) => (_event: string, name: string | Buffer | null) => {
        const changed = name ? path.join(dir, name.toString()) : undefined;
        if (changed && !files.has(changed) && !changed.endsWith('.ts')) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(rerun, 30); // editors save in several steps
      };
      // Folders, not files: editors that save by renaming replace the file a watch would follow.
      const rewatch = (): void => {
        files = new Set(projectFiles(io.cwd));
        const dirs = new Set([...files].map((f) => path.dirname(f)));
        if (fs.existsSync(appsDir)) dirs.add(appsDir);
        for (const [dir, w] of watchers) if (!dirs.has(dir)) { w.close(); watchers.delete(dir); }
        for (const dir of dirs) if (!watchers.has(dir)) watchers.set(dir, fs.watch(dir, onEvent(dir)));
      };
      rewatch();
      const stop = (): void => {
        if (timer) clearTimeout(timer);
        for (const w of watchers.values()) w.close();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(ExitCode.OK);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  },
};

