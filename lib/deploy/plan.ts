/**
 * The plan of a deploy: which files change, and which units start, restart, reload, stop and
 * go, each with why, in dependency order. Pure: computed from the installed tree and the
 * synthesized one, so `diff` and `apply --dry-run` print exactly what `apply` does.
 */
import { InstallTree } from './install-tree';
import { HASH_KEY } from './unit-hash';
import { unifiedDiff } from './unified-diff';
import { DeployUnit, dependencyOrder, unitsOf } from './units';

/** One file the deploy adds, changes or removes (paths relative to the root). */
export interface FileChange {
  /** Relative to the root. */
  readonly path: string;
  /** What happens to it. */
  readonly change: 'add' | 'change' | 'remove';
  /** The unified diff. */
  readonly diff: string;
}

/** A unit acted on, and the files that make it so. */
export interface UnitStep {
  /** The systemd unit. */
  readonly unit: string;
  /** The changed files it reads (its own unit file included), relative to the root. */
  readonly because: readonly string[];
}

/** A unit systemd restarts by itself because it needs (`Requires=`, `BindsTo=`) a restarted one. */
export interface FollowStep {
  /** The systemd unit. */
  readonly unit: string;
  /** The restarted unit it follows. */
  readonly after: string;
}

/** A named volume whose `.volume` unit is removed. */
export interface VolumeStep {
  /** The removed `.volume` unit's service. */
  readonly unit: string;
  /** The podman volume. */
  readonly volume: string;
  /** `--prune-volumes`: it is deleted; otherwise it stays with its data. */
  readonly prune: boolean;
}

/** What a deploy does, in the order it does it. */
export interface DeployPlan {
  /** The site's name. */
  readonly site: string;
  /** Rootless (`systemctl --user`) or rootful. */
  readonly rootless: boolean;
  /** The files added, changed and removed, by path. */
  readonly files: readonly FileChange[];
  /** Files under the root the site would write that no manifest lists (and that differ): never overwritten. */
  readonly conflicts: readonly string[];
  /** Units that are gone, stopped in reverse dependency order (their files are removed). */
  readonly stop: readonly string[];
  /** The unit files removed (the units of `stop`, and those of removed jobs). */
  readonly remove: readonly string[];
  /** New units started (those with an [Install] section and targets), in dependency order. */
  readonly start: readonly UnitStep[];
  /** Changed units restarted, in dependency order. */
  readonly restart: readonly UnitStep[];
  /** Changed units whose reload command picks the change up (only mounted files changed). */
  readonly reload: readonly UnitStep[];
  /** Units restarted by systemd along with a restarted unit they need. */
  readonly follow: readonly FollowStep[];
  /** Changed jobs (a timer's oneshot): nothing to do, their next run reads the new files. */
  readonly updated: readonly UnitStep[];
  /** Named volumes of removed `.volume` units. */
  readonly volumes: readonly VolumeStep[];
}

/** Options of `planDeploy`. */
export interface PlanOptions {
  /**
   * Delete the podman volumes of removed `.volume` units.
   * @default false - they stay, and the plan says which would be deleted
   */
  readonly pruneVolumes?: boolean;
  /** Paths under the root that no manifest lists but the site would overwrite. @default [] */
  readonly conflicts?: readonly string[];
}

/** True when the plan changes nothing (no file, no unit, no conflict). */
export function isEmptyPlan(p: DeployPlan): boolean {
  return p.files.length + p.conflicts.length + p.stop.length + p.remove.length + p.start.length + p.restart.length
    + p.reload.length + p.updated.length + p.volumes.length === 0;
}

/** Env files: a change restarts even a unit that has a reload command (the environment is read at start). */
const isEnvFile = (p: string) => /\.env(\.tmpl)?$/.test(p);

/** The plan that turns `installed` into `next`. */
export function planDeploy(installed: InstallTree, next: InstallTree, options: PlanOptions = {}): DeployPlan {
  const paths = [...new Set([...installed.files.keys(), ...next.files.keys()])].sort();
  const files: FileChange[] = [];
  const changed = new Set<string>();
  for (const p of paths) {
    const a = installed.files.get(p);
    const b = next.files.get(p);
    if (a === b) continue;
    changed.add(p);
    files.push({ path: p, change: a === undefined ? 'add' : b === undefined ? 'remove' : 'change', diff: unifiedDiff(p, a, b) });
  }

  // A unit file whose only change is its input hash changed because of what it reads: the
  // reasons name those files, and a unit with a reload command can still reload.
  const withoutHash = (t: string | undefined) => t?.split('\n').filter((l) => !l.startsWith(`${HASH_KEY}=`)).join('\n');
  const cause = (p: string) => changed.has(p) && (!unitFiles.has(p) || withoutHash(installed.files.get(p)) !== withoutHash(next.files.get(p)));
  const before = new Map(unitsOf(installed).map((u) => [u.unit, u]));
  const after = dependencyOrder(unitsOf(next));
  const unitFiles = new Set([...before.values(), ...after].map((u) => u.file));
  const start: UnitStep[] = [];
  const restart: UnitStep[] = [];
  const reload: UnitStep[] = [];
  const updated: UnitStep[] = [];
  for (const u of after) {
    const old = before.get(u.unit);
    const because = [...new Set([u.file, ...u.reads, ...(old ? [old.file, ...old.reads] : [])])].filter(cause).sort();
    if (!old) {
      if (u.kind === 'target' || (u.installed && !u.job)) start.push({ unit: u.unit, because });
      continue;
    }
    if (old.stateHash === u.stateHash && because.length === 0) continue;
    if (u.job) updated.push({ unit: u.unit, because });
    else if (u.kind === 'target') start.push({ unit: u.unit, because });
    else if (u.reloadable && because.every((p) => p !== u.file && !/\.d\/[^/]+\.conf$/.test(p) && !isEnvFile(p))) reload.push({ unit: u.unit, because });
    else restart.push({ unit: u.unit, because });
  }

  const gone = dependencyOrder([...before.values()].filter((u) => !after.some((n) => n.unit === u.unit))).reverse();
  const restarted = new Set(restart.map((r) => r.unit));
  const follow = followers(after, restarted);
  return {
    site: next.facts.name,
    rootless: next.facts.rootless,
    files,
    conflicts: [...(options.conflicts ?? [])].sort(),
    stop: gone.filter((u) => !u.job || u.kind === 'timer').map((u) => u.unit),
    remove: gone.map((u) => u.unit),
    start,
    restart,
    reload,
    follow,
    updated,
    volumes: gone.filter((u) => u.volumeName !== undefined).map((u) => ({ unit: u.unit, volume: u.volumeName!, prune: options.pruneVolumes ?? false })),
  };
}

/** Units that need a restarted unit strongly (transitively), and are not restarted themselves. */
function followers(units: readonly DeployUnit[], restarted: ReadonlySet<string>): FollowStep[] {
  const out: FollowStep[] = [];
  const seen = new Set(restarted);
  let frontier = [...restarted];
  while (frontier.length) {
    const nextFrontier: string[] = [];
    for (const u of units) {
      if (seen.has(u.unit) || u.job) continue;
      const cause = u.requires.find((r) => frontier.includes(r));
      if (cause) {
        seen.add(u.unit);
        out.push({ unit: u.unit, after: cause });
        nextFrontier.push(u.unit);
      }
    }
    frontier = nextFrontier;
  }
  return out;
}

/** The plan for people: the files with their diffs (unless `diffs` is false), then the unit steps. */
export function formatPlan(p: DeployPlan, options: { readonly diffs?: boolean } = {}): string {
  const out: string[] = [];
  if (isEmptyPlan(p)) return `site ${p.site}: up to date (no file and no unit changes)\n`;
  out.push(`site ${p.site} (${p.rootless ? 'rootless: systemctl --user' : 'rootful: systemctl'}):`);
  if (p.conflicts.length) {
    out.push('', 'conflicts (files no manifest lists, never overwritten; move them away):', ...p.conflicts.map((c) => `  ! ${c}`));
  }
  if (p.files.length) {
    const sign = { add: '+', change: '~', remove: '-' } as const;
    out.push('', 'files:', ...p.files.map((f) => `  ${sign[f.change]} ${f.path}`));
  }
  const steps: string[] = [];
  for (const u of p.stop) steps.push(`  stop     ${u}${p.remove.includes(u) ? ' (removed)' : ''}`);
  for (const u of p.remove.filter((r) => !p.stop.includes(r))) steps.push(`  remove   ${u}`);
  for (const v of p.volumes) steps.push(`  volume   ${v.volume} (${v.unit} removed): ${v.prune ? 'deleted (--prune-volumes)' : 'kept; --prune-volumes deletes it'}`);
  for (const s of p.start) steps.push(`  start    ${s.unit}${s.because.length ? ` (${s.because.join(', ')})` : ' (new)'}`);
  for (const s of p.restart) steps.push(`  restart  ${s.unit} (changed: ${s.because.join(', ')})`);
  for (const s of p.reload) steps.push(`  reload   ${s.unit} (changed: ${s.because.join(', ')})`);
  for (const f of p.follow) steps.push(`  follows  ${f.unit} (needs ${f.after}: systemd restarts it too)`);
  for (const s of p.updated) steps.push(`  updated  ${s.unit} (a job: its next run reads ${s.because.join(', ')})`);
  if (steps.length) out.push('', 'units:', ...steps);
  if (options.diffs !== false) {
    const diffs = p.files.map((f) => f.diff).filter((d) => d !== '');
    if (diffs.length) out.push('', ...diffs.map((d) => d.replace(/\n$/, '')));
  }
  return out.join('\n') + '\n';
}

/** The plan as data (`--json`). */
export function planAsJson(p: DeployPlan): Record<string, unknown> {
  return {
    site: p.site,
    rootless: p.rootless,
    changes: !isEmptyPlan(p),
    files: p.files,
    conflicts: p.conflicts,
    start: p.start.map((s) => s.unit),
    restart: p.restart,
    reload: p.reload,
    follow: p.follow,
    stop: p.stop,
    remove: p.remove,
    updated: p.updated,
    volumes: p.volumes,
  };
}
