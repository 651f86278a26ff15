/**
 * `apply`: make the host run the synthesized site. Reads what is installed under the root (the
 * previous manifest and its files), plans, then: stops (and disables) the units that are gone,
 * deletes their volumes when asked, writes the files through the atomic output writer (the root
 * is its output folder, so nothing is written outside it and no file the manifest does not list
 * is overwritten), makes each env file follow its template, reloads systemd, and starts, restarts
 * and reloads exactly the plan's units in dependency order, waiting for each to be active (and
 * healthy) with a bound. When one does not come up it puts everything back and says why.
 */
import * as fs from 'fs';
import * as path from 'path';
import { acquireLock } from '../core/output-lock';
import { GeneratedFile, OutputError, writeOutput } from '../core/output';
import { assertConfined, readManifest } from '../core/output-manifest';
import { DeployError } from './codes';
import { envFileOf, syncEnvFile } from './env-sync';
import { Host } from './host';
import { InstallTree, sortedMap, treeOfInstalled } from './install-tree';
import { DeployPlan, planDeploy } from './plan';
import { DeployUnit, unitsOf } from './units';

/** The folder under the root that holds the apply lock. */
export const DEPLOY_DIR = '.quadlet-cdk-deploy';

/** What is installed under a root, and the files there that no manifest lists but the site would overwrite. */
export interface Installed {
  /** The installed files, as a tree. */
  readonly tree: InstallTree;
  /** Paths the next version would overwrite that no manifest lists. */
  readonly conflicts: string[];
}

/**
 * The installed files of a root: those its manifest lists (as they are now), plus files the next
 * version writes that already hold exactly that content (adopted, as the writer adopts them).
 * A file the next version would overwrite that no manifest lists is a conflict.
 */
export function readInstalled(root: string, next: InstallTree): Installed {
  const files = new Map<string, string>();
  const constructs = new Map<string, string>();
  const listed = new Set<string>();
  for (const e of readManifest(root, 'current')) {
    listed.add(e.path);
    const text = readText(path.join(root, e.path));
    if (text !== undefined) {
      files.set(e.path, text);
      constructs.set(e.path, e.construct);
    }
  }
  const conflicts: string[] = [];
  for (const [p, content] of next.files) {
    if (listed.has(p)) continue;
    const text = readText(path.join(root, p));
    if (text === undefined) continue;
    if (text === content) files.set(p, text);
    else conflicts.push(p);
  }
  return { tree: treeOfInstalled(next.facts, files, constructs), conflicts };
}

function readText(file: string): string | undefined {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Options of `apply`. */
export interface ApplyOptions {
  /** The folder the site is installed under (the user's home, or `/`). */
  readonly root: string;
  /** The synthesized site. */
  readonly next: InstallTree;
  /** Print the plan and the commands; change nothing. @default false */
  readonly dryRun?: boolean;
  /** Write the files and the manifest; run no systemctl (they are listed). @default false */
  readonly noSystemd?: boolean;
  /** Delete the podman volumes of removed `.volume` units. @default false */
  readonly pruneVolumes?: boolean;
  /** How long each unit may take to become active (and healthy), in milliseconds. @default 120000 */
  readonly timeoutMs?: number;
  /** How long a started unit must stay up (no restart, no exit) to count as started. @default 3000 */
  readonly settleMs?: number;
  /** The host to act on. @default the real systemctl/podman in the site's scope */
  readonly host?: Host;
  /** The user id apply runs as, for the scope check. @default process.getuid() */
  readonly uid?: number;
  /** Progress lines, as they happen. @default none */
  readonly log?: (line: string) => void;
}

/** One thing apply did to a unit. */
export interface ApplyStep {
  /** The unit (or volume, or `systemd` for a daemon-reload). */
  readonly unit: string;
  /** What was done to it. */
  readonly action: 'stop' | 'disable' | 'enable' | 'start' | 'restart' | 'reload' | 'prune-volume' | 'daemon-reload';
  /** How long it took. */
  readonly seconds: number;
  /** Whether it succeeded. */
  readonly ok: boolean;
}

/** What apply did. */
export interface ApplyResult {
  /** The plan apply followed. */
  readonly plan: DeployPlan;
  /** Files written and removed under the root. */
  readonly written: readonly string[];
  /** Files removed under the root. */
  readonly removed: readonly string[];
  /** Env files made or updated from their templates (never their content). */
  readonly envFiles: readonly string[];
  /** The systemctl/podman commands, in order: run (or, with dryRun/noSystemd, to run). */
  readonly commands: readonly string[];
  /** What was done to each unit, in order. */
  readonly steps: readonly ApplyStep[];
  /**
   * The failure (DEPLOY002), after the rollback.
   * @default - apply succeeded
   */
  readonly failure?: DeployError;
  /** Whether the previous version was put back. */
  readonly rolledBack: boolean;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(1, ms));
}

/** Refuses to act on a site from the wrong scope (DEPLOY001). */
export function checkScope(root: string, rootless: boolean, uid: number | undefined, staging: boolean): void {
  if (uid === undefined || staging) return;
  if (rootless && uid === 0) {
    throw new DeployError(root, 'DEPLOY001', 'the site is rootless (user units), but apply runs as root: its units would land in root\'s user manager and root would own the files in the user\'s home');
  }
  if (!rootless && uid !== 0) {
    throw new DeployError(root, 'DEPLOY001', `the site is rootful (system units under /etc), but apply runs as uid ${uid}, who cannot write them or manage system units`);
  }
}

/** The env files of the next version: each template a unit reads, and the file the units read. */
function envTargets(next: InstallTree): string[] {
  return [...new Set(unitsOf(next).flatMap((u) => u.reads.filter((p) => p.endsWith('.env.tmpl'))))].sort();
}

/** Runs `apply`. Problems found before anything changed throw a DeployError (or OutputError). */
export function apply(options: ApplyOptions): ApplyResult {
  const { root, next } = options;
  const log = options.log ?? (() => undefined);
  const host = options.host ?? new Host(next.facts.rootless);
  const uid = options.uid ?? (typeof process.getuid === 'function' ? process.getuid() : undefined);
  checkScope(root, next.facts.rootless, uid, options.noSystemd === true || options.dryRun === true);
  if (options.dryRun) return applyLocked(options, host, log);

  fs.mkdirSync(path.join(root, DEPLOY_DIR), { recursive: true });
  let release: () => void;
  try {
    release = acquireLock(path.join(root, DEPLOY_DIR), 0);
  } catch (e) {
    if (e instanceof OutputError && e.code === 'OUTPUT004') {
      throw new DeployError(root, 'DEPLOY003', `another apply holds ${path.join(root, DEPLOY_DIR, '.quadlet-cdk.lock')}`);
    }
    throw e;
  }
  try {
    return applyLocked(options, host, log);
  } finally {
    release();
  }
}

function applyLocked(options: ApplyOptions, host: Host, log: (line: string) => void): ApplyResult {
  const { root, next } = options;
  const installed = readInstalled(root, next);
  const plan = planDeploy(installed.tree, next, { pruneVolumes: options.pruneVolumes, conflicts: installed.conflicts });
  if (plan.conflicts.length) {
    throw new DeployError(root, 'OUTPUT005', `nothing changed under ${root}: ${plan.conflicts.length} files the site would overwrite are not in its manifest`, plan.conflicts);
  }

  // Env files: the units read x.env, made from x.env.tmpl with the host's secrets kept.
  const envWrites = new Map<string, { content: string; before?: string }>();
  const missing: string[] = [];
  for (const template of envTargets(next)) {
    const target = envFileOf(template);
    const before = readText(path.join(root, target));
    const synced = syncEnvFile(next.files.get(template)!, before);
    if (synced.missingSecrets.length) missing.push(`${target}: ${synced.missingSecrets.join(', ')}`);
    else if (synced.content !== before) envWrites.set(target, { content: synced.content, before });
  }
  assertConfined(root, [...envWrites.keys()], `env files under ${root}`);
  if (missing.length && !options.noSystemd && !options.dryRun) {
    throw new DeployError(root, 'DEPLOY004', `nothing changed under ${root}: ${missing.length} env files lack secrets (file: variables)`, missing);
  }

  const newUnits = new Map(unitsOf(next).map((u) => [u.unit, u]));
  const oldUnits = new Map(unitsOf(installed.tree).map((u) => [u.unit, u]));
  const commands = plannedCommands(plan, host, newUnits, oldUnits);
  if (options.dryRun) return { plan, written: [], removed: [], envFiles: [...envWrites.keys()], commands, steps: [], rolledBack: false };

  const steps: ApplyStep[] = [];
  const t0 = Date.now();
  const act = (unit: string, action: ApplyStep['action'], fn: () => boolean): boolean => {
    const s0 = Date.now();
    log(`[${((s0 - t0) / 1000).toFixed(1).padStart(5)} s] ${action} ${unit}`);
    const ok = fn();
    steps.push({ unit, action, seconds: (Date.now() - s0) / 1000, ok });
    log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${action} ${unit}: ${ok ? 'done' : 'FAILED'} (${((Date.now() - s0) / 1000).toFixed(1)} s)`);
    return ok;
  };
  const systemd = !options.noSystemd;

  // 1. Units that are gone: stop (and disable) them while their files still say what they are.
  if (systemd) {
    for (const unit of plan.stop) {
      const old = oldUnits.get(unit)!;
      if (!old.quadlet && old.installed) act(unit, 'disable', () => host.systemctl(['disable', unit]).status === 0);
      act(unit, 'stop', () => host.systemctl(['stop', unit], options.timeoutMs ?? 120_000).status === 0);
      // A container killed on stop ends "failed": a removed unit must not linger in list-units.
      host.systemctl(['reset-failed', unit]);
    }
    for (const v of plan.volumes.filter((x) => x.prune)) act(v.volume, 'prune-volume', () => host.podman(['volume', 'rm', '--force', v.volume]).status === 0);
  }

  // 2. Files: the atomic writer with the root as its output folder, then the env files.
  const write = writeOutput(root, filesOf(next));
  for (const [target, w] of envWrites) writeSecretFile(path.join(root, target), w.content);
  log(`files: ${write.written.length} written, ${write.removed.length} removed, ${envWrites.size} env files updated under ${root}`);
  const base = { plan, written: write.written, removed: write.removed, envFiles: [...envWrites.keys()], commands };
  if (!systemd) return { ...base, steps, rolledBack: false };

  // 3. systemd: reload, then start, restart and reload in dependency order, each waited for.
  act('systemd', 'daemon-reload', () => host.systemctl(['daemon-reload']).status === 0);
  const done: Array<{ unit: string; action: 'start' | 'restart' | 'reload' }> = [];
  let failed: { unit: string; why: string } | undefined;
  const actions = [
    ...plan.start.map((s) => ({ unit: s.unit, action: 'start' as const })),
    ...plan.restart.map((s) => ({ unit: s.unit, action: 'restart' as const })),
    ...plan.reload.map((s) => ({ unit: s.unit, action: 'reload' as const })),
  ];
  for (const { unit, action } of dependencySorted(actions, newUnits)) {
    const u = newUnits.get(unit)!;
    let why = '';
    const ok = act(unit, action, () => {
      if (action === 'start' && !u.quadlet && u.installed) host.systemctl(['enable', unit]);
      const verb = action === 'restart' && !u.installed ? 'try-restart' : action;
      const before = host.status(unit);
      const r = host.systemctl([verb, '--no-block', unit]);
      if (r.status !== 0) {
        why = `systemctl ${verb} failed: ${r.stderr.trim()}`;
        return false;
      }
      if (u.kind === 'target' || u.kind === 'timer' || action === 'reload') return true;
      why = waitUp(host, u, before.restarts, options.timeoutMs ?? 120_000, options.settleMs ?? 3000) ?? '';
      return why === '';
    });
    done.push({ unit, action });
    if (!ok) {
      failed = { unit, why };
      break;
    }
  }
  if (!failed) return { ...base, steps, rolledBack: false };

  // 4. Put the previous version back, and say what failed and why.
  const journal = host.journal(failed.unit, newUnits.get(failed.unit)?.containerName);
  log(`${failed.unit} did not come up (${failed.why}); rolling back`);
  writeOutput(root, filesOf(installed.tree));
  for (const [target, w] of envWrites) {
    if (w.before === undefined) fs.rmSync(path.join(root, target), { force: true });
    else writeSecretFile(path.join(root, target), w.before);
  }
  act('systemd', 'daemon-reload', () => host.systemctl(['daemon-reload']).status === 0);
  for (const d of [...done].reverse()) {
    const old = oldUnits.get(d.unit);
    if (!old) act(d.unit, 'stop', () => host.systemctl(['stop', d.unit]).status === 0);
  }
  for (const d of done) {
    const old = oldUnits.get(d.unit);
    if (old) act(d.unit, 'restart', () => host.systemctl(['restart', '--no-block', d.unit]).status === 0 && (old.kind === 'target' || old.job || waitUp(host, old, host.status(d.unit).restarts, options.timeoutMs ?? 120_000, options.settleMs ?? 3000) === undefined));
  }
  for (const unit of [...plan.stop].reverse()) {
    const old = oldUnits.get(unit)!;
    if (!old.quadlet && old.installed) host.systemctl(['enable', unit]);
    act(unit, 'start', () => host.systemctl(['start', '--no-block', unit]).status === 0);
  }
  const failure = new DeployError(root, 'DEPLOY002', `${failed.unit} did not come up after apply (${failed.why}); the previous version was restored and restarted. Its last journal lines:`, journal.length ? journal : ['(none)']);
  return { ...base, steps, rolledBack: true, failure };
}

/** The actions in the next version's dependency order. */
function dependencySorted<T extends { unit: string }>(actions: T[], units: ReadonlyMap<string, DeployUnit>): T[] {
  const order = [...units.keys()];
  const deps = (u: string) => units.get(u)?.after ?? [];
  const out: T[] = [];
  const placed = new Set<string>();
  const visit = (a: T, seen: Set<string>) => {
    if (placed.has(a.unit) || seen.has(a.unit)) return;
    seen.add(a.unit);
    for (const d of deps(a.unit)) {
      const dep = actions.find((x) => x.unit === d);
      if (dep) visit(dep, seen);
    }
    placed.add(a.unit);
    out.push(a);
  };
  for (const a of [...actions].sort((x, y) => order.indexOf(x.unit) - order.indexOf(y.unit))) visit(a, new Set());
  return out;
}

/**
 * Waits until `u` is active, has stayed so for `settleMs` without a restart, and (with a health
 * check) passes it. Undefined when it did; else why not.
 */
function waitUp(host: Host, u: DeployUnit, restartsBefore: number, timeoutMs: number, settleMs: number): string | undefined {
  const deadline = Date.now() + timeoutMs;
  let activeSince: number | undefined;
  for (;;) {
    const s = host.status(u.unit);
    if (s.activeState === 'failed') return `failed (${s.result})`;
    if (s.restarts > restartsBefore || s.subState === 'auto-restart') return `its main process exited and systemd is restarting it${s.result === 'success' ? '' : ` (${s.result})`}`;
    if (s.activeState === 'active') {
      activeSince ??= Date.now();
      if (Date.now() - activeSince >= settleMs && (!u.healthCheck || !u.containerName || host.healthy(u.containerName))) return undefined;
    } else {
      activeSince = undefined;
    }
    if (Date.now() > deadline) return `not active and healthy after ${Math.round(timeoutMs / 1000)} s (${s.activeState}/${s.subState})`;
    sleep(500);
  }
}

/** The commands apply runs for a plan, in order (for --dry-run and --no-systemd). */
function plannedCommands(plan: DeployPlan, host: Host, next: ReadonlyMap<string, DeployUnit>, old: ReadonlyMap<string, DeployUnit>): string[] {
  const out: string[] = [];
  for (const unit of plan.stop) {
    const u = old.get(unit)!;
    if (!u.quadlet && u.installed) out.push(host.systemctlLine(['disable', unit]));
    out.push(host.systemctlLine(['stop', unit]), host.systemctlLine(['reset-failed', unit]));
  }
  for (const v of plan.volumes.filter((x) => x.prune)) out.push(`podman volume rm --force ${v.volume}`);
  out.push(host.systemctlLine(['daemon-reload']));
  for (const s of plan.start) {
    const u = next.get(s.unit)!;
    if (!u.quadlet && u.installed) out.push(host.systemctlLine(['enable', s.unit]));
    out.push(host.systemctlLine(['start', s.unit]));
  }
  for (const s of plan.restart) out.push(host.systemctlLine([next.get(s.unit)!.installed ? 'restart' : 'try-restart', s.unit]));
  for (const s of plan.reload) out.push(host.systemctlLine(['reload', s.unit]));
  return out;
}

/** The files of a tree as the writer takes them. */
function filesOf(tree: InstallTree): GeneratedFile[] {
  return [...sortedMap(tree.files)].map(([p, content]) => ({ path: p, content, constructPath: tree.constructs.get(p) ?? '' }));
}

/** Write a file that may hold secrets: mode 0600, replaced in one rename. */
function writeSecretFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.quadlet-cdk-tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
