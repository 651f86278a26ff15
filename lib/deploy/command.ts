/** `quadlet-cdk diff` and `quadlet-cdk apply`: the plan of a deploy, and the deploy. */
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { OutputError } from '../core/output';
import { Site } from '../core/site';
import { findApps, outputFiles, withScratchRuns } from '../cli/apps';
import { booleanFlag, parseFlags, stringFlag, UsageError } from '../cli/args';
import { CliCommand, CliIo, ExitCode } from '../cli/command';
import { apply, readInstalled } from './apply';
import { DeployError } from './codes';
import { factsOf, InstallTree, installTree } from './install-tree';
import { formatPlan, isEmptyPlan, planAsJson, planDeploy } from './plan';

/** The synthesized site an app file names (the one site, or the one `--site` names). */
async function withSite<T>(spec: string | undefined, siteName: string | undefined, io: CliIo, fn: (tree: InstallTree) => T | Promise<T>, onFailure: () => T): Promise<T> {
  if (spec === undefined) throw new UsageError('name the app file, e.g. apps/sodimo.ts');
  const apps = findApps([spec], io.cwd);
  if (apps.length !== 1) throw new UsageError(`${spec} names ${apps.length} apps; name one app file`);
  return withScratchRuns(apps, io, async (runs) => {
    const run = runs[0];
    if (!run) return onFailure();
    const { app, result } = run.synths[0];
    const sites = app.node.findAll().filter(Site.isSite).filter((s) => s.backend === 'quadlet');
    const site = siteName === undefined ? (sites.length === 1 ? sites[0] : undefined) : sites.find((s) => s.name === siteName);
    if (!site) {
      throw new UsageError(siteName === undefined
        ? `${spec} has ${sites.length} quadlet sites (${sites.map((s) => s.name).join(', ')}): pick one with --site NAME`
        : `${spec} has no quadlet site ${siteName} (it has ${sites.map((s) => s.name).join(', ')})`);
    }
    const files = outputFiles(result);
    const constructs = new Map(result.files.map((f) => [f.path, f.construct]));
    return fn(installTree(factsOf(site), Object.entries(files).map(([p, content]) => ({ path: p, content, constructPath: constructs.get(p) }))));
  });
}

/** Where a site is installed unless told: the user's home (rootless) or `/` (rootful). */
function defaultRoot(tree: InstallTree): string {
  return tree.facts.rootless ? (process.env.HOME || os.homedir()) : '/';
}

const DIFF_FLAGS = { installed: { type: 'string' }, site: { type: 'string' }, json: { type: 'boolean' }, 'prune-volumes': { type: 'boolean' } } as const;

export const diffCommand: CliCommand = {
  name: 'diff',
  summary: 'Show what apply would change on the host: files with diffs, units to start, restart, stop',
  usage: `Usage: quadlet-cdk diff APP [--installed ROOT] [--site NAME] [--prune-volumes] [--json]

Synthesizes APP in memory and compares it with what is installed under ROOT (the previous
manifest there, and the files it lists). Prints the plan: files added, changed and removed with a
unified diff of each, then the units apply would stop (and remove), start, restart (with the
files that make it so), reload, and those systemd restarts along with them, in dependency order.
A file under ROOT that the site would overwrite but no manifest lists is a conflict.

Options:
  --installed ROOT  where the site is installed (default: your home for a rootless site, /
                    for a rootful one)
  --site NAME       the site, when the app has several
  --prune-volumes   plan to delete the podman volumes of removed .volume units
  --json            the plan as data: { files, start, restart: [{ unit, because }], reload,
                    follow, stop, remove, updated, volumes, conflicts }
  -h, --help        print this help

Exit codes: 0 nothing to change; 1 changes (or conflicts); 2 an error (the app failed, wrong
usage, an unreadable manifest).

Examples:
  quadlet-cdk diff apps/sodimo.ts
  quadlet-cdk diff apps/sodimo.ts --installed /srv/staging --json
`,
  async run(args, io) {
    const parsed = parseFlags(args, DIFF_FLAGS);
    if (parsed.positionals.length > 1) throw new UsageError('name one app file');
    const siteName = typeof parsed.flags.site === 'string' ? parsed.flags.site : undefined;
    return withSite(parsed.positionals[0], siteName, io, (next) => {
      const root = path.resolve(io.cwd, stringFlag(parsed, 'installed', defaultRoot(next)));
      try {
        const installed = readInstalled(root, next);
        const plan = planDeploy(installed.tree, next, { pruneVolumes: booleanFlag(parsed, 'prune-volumes'), conflicts: installed.conflicts });
        io.stdout(booleanFlag(parsed, 'json') ? `${JSON.stringify({ root, ...planAsJson(plan) }, null, 2)}\n` : formatPlan(plan));
        return isEmptyPlan(plan) ? ExitCode.OK : ExitCode.FAILED;
      } catch (e) {
        if (e instanceof OutputError) {
          io.stderr(`quadlet-cdk diff: ${e.message}\n`);
          return ExitCode.USAGE;
        }
        throw e;
      }
    }, () => ExitCode.USAGE);
  },
};

const APPLY_FLAGS = {
  root: { type: 'string' }, site: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'no-systemd': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' }, 'prune-volumes': { type: 'boolean' }, timeout: { type: 'string' }, json: { type: 'boolean' },
} as const;

/** Asks on the terminal; false when there is none to ask on. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: 'Install the site on this host and start, restart and stop exactly what changed',
  usage: `Usage: quadlet-cdk apply APP [--root ROOT] [--site NAME] [--dry-run] [--no-systemd] [--yes]
                         [--prune-volumes] [--timeout SECONDS] [--json]

Prints the plan (as quadlet-cdk diff), then: stops and disables the units that are gone, writes
the files under ROOT through the atomic writer (never a file its manifest does not list), makes
each env file the units read follow its template (secrets you filled in are kept), reloads
systemd, and starts, restarts and reloads exactly the plan's units in dependency order, waiting
for each to be active (and healthy, where it has a health check). When one does not come up it
restores the previous files, reloads, restarts what it changed and prints the unit's last
journal lines. A lock keeps two applies on one ROOT apart. A rootless site is applied as its
user (systemctl --user), a rootful one as root.

Options:
  --root ROOT        where to install (default: your home for a rootless site, / for a rootful one)
  --site NAME        the site, when the app has several
  --dry-run          print the plan and the commands; change nothing
  --no-systemd       write the files and the manifest only, and print the systemctl commands to
                     run (for your own tooling, or to stage a root)
  -y, --yes          do not ask before changing the host (needed without a terminal)
  --prune-volumes    delete the podman volumes of removed .volume units (kept otherwise)
  --timeout SECONDS  how long each unit may take to become active and healthy (default 120)
  --json             the result as data: the plan, the steps with their times, the failure
  -h, --help         print this help

Exit codes: 0 applied (or nothing to do); 1 a unit failed and apply rolled back, or the host is
not ready (conflicting files, missing secrets, wrong scope, another apply running); 2 the app
failed or wrong usage.

Examples:
  quadlet-cdk apply apps/sodimo.ts --dry-run
  quadlet-cdk apply apps/sodimo.ts --yes
  quadlet-cdk apply apps/sodimo.ts --root /srv/stage --no-systemd
`,
  async run(args, io) {
    const parsed = parseFlags(args, APPLY_FLAGS);
    if (parsed.positionals.length > 1) throw new UsageError('name one app file');
    const timeout = stringFlag(parsed, 'timeout', '120');
    if (!/^\d+$/.test(timeout) || Number(timeout) < 1) throw new UsageError(`--timeout takes whole seconds, not "${timeout}"`);
    const json = booleanFlag(parsed, 'json');
    const dryRun = booleanFlag(parsed, 'dry-run');
    const noSystemd = booleanFlag(parsed, 'no-systemd');
    const siteName = typeof parsed.flags.site === 'string' ? parsed.flags.site : undefined;
    return withSite(parsed.positionals[0], siteName, io, async (next) => {
      const root = path.resolve(io.cwd, stringFlag(parsed, 'root', defaultRoot(next)));
      const common = { root, next, pruneVolumes: booleanFlag(parsed, 'prune-volumes'), timeoutMs: Number(timeout) * 1000, noSystemd };
      try {
        const preview = apply({ ...common, dryRun: true });
        if (!json) io.stdout(formatPlan(preview.plan));
        if (dryRun || isEmptyPlan(preview.plan)) {
          if (json) io.stdout(`${JSON.stringify({ ok: true, root, dryRun, plan: planAsJson(preview.plan), commands: preview.commands }, null, 2)}\n`);
          else if (!isEmptyPlan(preview.plan)) io.stdout(`\ncommands apply would run:\n${preview.commands.map((c) => `  ${c}`).join('\n')}\n`);
          return ExitCode.OK;
        }
        if (!booleanFlag(parsed, 'yes') && !(await confirm(`Apply these changes under ${root}? [y/N] `))) {
          io.stderr('quadlet-cdk apply: nothing changed (confirm on a terminal, or pass --yes)\n');
          return ExitCode.FAILED;
        }
        const result = apply({ ...common, log: (line) => io.stderr(`apply: ${line}\n`) });
        if (json) {
          io.stdout(`${JSON.stringify({
            ok: !result.failure, root, plan: planAsJson(result.plan), written: result.written, removed: result.removed,
            envFiles: result.envFiles, commands: noSystemd ? result.commands : undefined, steps: result.steps,
            rolledBack: result.rolledBack, failure: result.failure?.diagnostic,
          }, null, 2)}\n`);
        } else if (result.failure) {
          io.stderr(`quadlet-cdk apply: ${result.failure.message}\n`);
        } else if (noSystemd) {
          io.stdout(`files written under ${root}; run these to finish:\n${result.commands.map((c) => `  ${c}`).join('\n')}\n`);
        } else {
          io.stdout(`applied: ${result.steps.filter((s) => s.action !== 'daemon-reload').length} unit steps, ${result.written.length} files written, ${result.removed.length} removed\n`);
        }
        return result.failure ? ExitCode.FAILED : ExitCode.OK;
      } catch (e) {
        if (e instanceof DeployError || e instanceof OutputError) {
          if (json) io.stdout(`${JSON.stringify({ ok: false, root, failure: e.diagnostic }, null, 2)}\n`);
          else io.stderr(`quadlet-cdk apply: ${e.message}\n`);
          return ExitCode.FAILED;
        }
        throw e;
      }
    }, () => ExitCode.USAGE);
  },
};
