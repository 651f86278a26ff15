import { Machine, sleep } from './machine';
import { InstalledSite, SiteUnit, unitKey } from './site';

/** What `systemctl --user show` says about one unit. */
export interface UnitState {
  /** The unit name. */
  readonly unit: string;
  /** `LoadState` (`loaded`, `not-found`, ...). */
  readonly load: string;
  /** `ActiveState` (`active`, `failed`, ...). */
  readonly active: string;
  /** `SubState` (`running`, `exited`, ...). */
  readonly sub: string;
  /** `Result` (`success`, `exit-code`, ...). */
  readonly result: string;
  /** `NRestarts`: how often systemd restarted it. */
  readonly restarts: number;
  /** `exited 3`, `killed KILL`, ... of the last main process, when there was one. @default - none: no main process ran */
  readonly lastExit?: string;
}

/** One thing wrong with one unit, in words a person can act on. */
export interface UnitProblem {
  /** The unit at fault. */
  readonly unit: string;
  /** What is wrong, in words a person can act on. */
  readonly cause: string;
}

/** A failed step of a site run: which check, what is wrong, and which units to look at. */
export class SiteFailure extends Error {
  constructor(public readonly check: string, public readonly problems: UnitProblem[]) {
    super(`${check}: ${problems.map((p) => `${p.unit}: ${p.cause}`).join('; ')}`);
  }
}

const CLD: Record<string, string> = { 1: 'exited', 2: 'killed', 3: 'dumped' };

/** The state of each unit, in one `systemctl --user show`. */
export function unitStates(m: Machine, units: string[]): Map<string, UnitState> {
  const props = 'Id,LoadState,ActiveState,SubState,Result,NRestarts,ExecMainCode,ExecMainStatus';
  const r = m.user(['systemctl', '--user', 'show', `--property=${props}`, '--', ...units], { timeoutMs: 30000 });
  const states = new Map<string, UnitState>();
  r.stdout.trim().split(/\n\n+/).forEach((block, i) => {
    const kv = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const unit = units[i];
    const code = CLD[kv.ExecMainCode ?? '0'];
    states.set(unit, {
      unit, load: kv.LoadState ?? '?', active: kv.ActiveState ?? '?', sub: kv.SubState ?? '?', result: kv.Result ?? '?',
      restarts: Number(kv.NRestarts ?? 0),
      lastExit: code ? `${code} ${kv.ExecMainStatus}` : undefined,
    });
  });
  return states;
}

/** What is wrong with a unit that should be active, or undefined while it may still get there. */
function problemOf(s: UnitState, settled: boolean, failedFor: number): string | undefined {
  if (s.load !== 'loaded') {
    return `not loaded (LoadState=${s.load}): the quadlet generator made no such unit, or its file is invalid (see the generator lines)`;
  }
  const exit = s.lastExit ? `its main process ${s.lastExit}` : 'it stopped';
  // A unit with Restart= passes through "failed" on its way to the next attempt: only a failure
  // that stays (or a deadline) counts.
  if (s.active === 'failed' && (settled || failedFor >= 5000)) return `failed (${s.result}): ${exit}${s.restarts ? ` after ${s.restarts} restarts` : ''}`;
  if (s.restarts >= 3) return `restarting in a loop (${s.restarts} restarts): ${exit}`;
  if (settled && s.active !== 'active') return `${s.active} (${s.sub}) instead of active${s.lastExit ? `: ${exit}` : ''}`;
  return undefined;
}

/** Options of `startAndWait`. */
export interface WaitOptions {
  /** How long the units may take to become active (and healthy). @default 60000 */
  readonly timeoutMs?: number;
}

/**
 * Starts the site's target and waits until every unit that should run is active and every
 * container with a `HealthCmd=` passes it (run with `podman healthcheck run`, so the wait does not
 * depend on the check's interval). Fails fast on a failed, unloaded or restart-looping unit.
 * Returns the states of the units that should run.
 */
export function startAndWait(m: Machine, site: InstalledSite, options: WaitOptions = {}): UnitState[] {
  if (!site.target) throw new SiteFailure('start the target', [{ unit: site.name, cause: 'the site has no .target' }]);
  m.user(['systemctl', '--user', 'start', '--no-block', site.target], { check: true });
  const expected = site.units.filter((u) => !u.job);
  const names = expected.map((u) => u.unit);
  const end = Date.now() + (options.timeoutMs ?? 60000);
  let states = unitStates(m, names);
  const failedSince = new Map<string, number>();
  for (;;) {
    const now = Date.now();
    const settled = now > end;
    for (const s of states.values()) {
      if (s.active !== 'failed') failedSince.delete(s.unit);
      else if (!failedSince.has(s.unit)) failedSince.set(s.unit, now);
    }
    const problems = [...states.values()].flatMap((s) => {
      const cause = problemOf(s, settled, now - (failedSince.get(s.unit) ?? now));
      return cause ? [{ unit: s.unit, cause }] : [];
    });
    if (problems.length) throw new SiteFailure('every unit active', problems.map((p) => explain(m, site, p, states.get(p.unit)!)));
    if ([...states.values()].every((s) => s.active === 'active')) {
      // A container whose command exits at once is "active" for a moment: look again after a
      // pause and accept only when nothing restarted or left "active" in between.
      sleep(3000);
      const again = unitStates(m, names);
      if ([...again.values()].every((s) => s.active === 'active' && s.restarts === states.get(s.unit)!.restarts)) {
        states = again;
        break;
      }
      states = again;
      continue;
    }
    sleep(500);
    states = unitStates(m, names);
  }
  waitHealthy(m, expected, end);
  return [...states.values()];
}

/**
 * Adds what the unit's container said or why it waits: the last lines the container printed
 * (`cannot start: no config`), or, for a `Notify=healthy` unit still starting, its health command
 * and that command's last result.
 */
function explain(m: Machine, site: InstalledSite, p: UnitProblem, s: UnitState): UnitProblem {
  const u = site.units.find((x) => x.unit === p.unit);
  if (!u?.containerName) return p;
  const hc = unitKey(u.text, 'HealthCmd');
  if (s.active === 'activating' && hc !== undefined && /^Notify=healthy$/m.test(u.text)) {
    const r = m.user(['podman', 'healthcheck', 'run', u.containerName], { timeoutMs: 60000 });
    const last = (r.stdout + r.stderr).trim().split('\n').slice(-2).join(' | ') || `exit ${r.status}`;
    return { unit: p.unit, cause: `${p.cause}: it waits for its health check (Notify=healthy), and \`${hc}\` has not passed (last: ${last})` };
  }
  const said = containerOutput(m, u.containerName, 3);
  // While systemd waits to restart it, the unit has no main process and `show` no exit status:
  // the manager's journal line (EXIT_CODE=, EXIT_STATUS=) still has it.
  const exit = s.lastExit ? undefined : lastExitInJournal(m, p.unit);
  const cause = exit ? p.cause.replace(/: it stopped\b/, `: its main process ${exit}`) : p.cause;
  return { unit: p.unit, cause: said ? `${cause}; the container's last output: ${said}` : cause };
}

/** `exited 3` or `killed KILL` from the user manager's last journal line about the unit's main process. */
export function lastExitInJournal(m: Machine, unit: string): string | undefined {
  const r = m.root(['journalctl', '--no-pager', '-o', 'json', '-n', '30', `USER_UNIT=${unit}`], { timeoutMs: 30000 });
  let found: string | undefined;
  for (const line of r.stdout.split('\n')) {
    try {
      const e = JSON.parse(line) as { EXIT_CODE?: string; EXIT_STATUS?: string };
      if (e.EXIT_CODE && e.EXIT_STATUS) found = `${e.EXIT_CODE} ${e.EXIT_STATUS}`;
    } catch {
      // not a JSON line
    }
  }
  return found;
}

/** The last lines a container wrote to the journal (its own output, not podman's events), joined by ` | `. */
export function containerOutput(m: Machine, containerName: string, lines = 3): string {
  const r = m.root(['journalctl', '--no-pager', '-o', 'cat', '-n', String(lines), `CONTAINER_NAME=${containerName}`], { timeoutMs: 30000 });
  return r.status === 0 ? r.stdout.trim().split('\n').filter(Boolean).join(' | ').slice(0, 500) : '';
}

/** Waits until every container with a HealthCmd= passes it once, or names those that never did. */
export function waitHealthy(m: Machine, units: SiteUnit[], deadline: number): void {
  let pending = units.filter((u) => u.kind === 'container' && unitKey(u.text, 'HealthCmd') !== undefined);
  const last = new Map<string, string>();
  for (;;) {
    pending = pending.filter((u) => {
      const r = m.user(['podman', 'healthcheck', 'run', u.containerName!], { timeoutMs: 60000 });
      last.set(u.unit, (r.stdout + r.stderr).trim().split('\n').slice(-3).join(' | ') || `exit ${r.status}`);
      return r.status !== 0;
    });
    if (!pending.length) return;
    if (Date.now() > deadline) {
      throw new SiteFailure('health checks pass', pending.map((u) => ({
        unit: u.unit,
        cause: `health check \`${unitKey(u.text, 'HealthCmd')}\` never passed (last: ${last.get(u.unit)})`,
      })));
    }
    sleep(1000);
  }
}

/**
 * What a person needs to act on a failure: which check failed and why, then for each unit named
 * its status and last journal lines, and the quadlet generator's complaints.
 */
export function failureReport(m: Machine, site: InstalledSite, failure: SiteFailure, journalLines = 15): string {
  const out = [`FAILED check "${failure.check}" of site ${site.name}:`];
  for (const p of failure.problems) out.push(`  ${p.unit}: ${p.cause}`);
  for (const unit of [...new Set(failure.problems.map((p) => p.unit))]) {
    if (!site.units.some((u) => u.unit === unit)) continue;
    out.push('', `--- systemctl --user status ${unit}`);
    out.push(m.user(['systemctl', '--user', 'status', '--no-pager', '--lines=0', '--', unit], { timeoutMs: 30000 }).stdout.trimEnd());
    out.push(`--- last ${journalLines} journal lines of ${unit}`);
    out.push(m.journal({ userUnit: unit, lines: journalLines }));
  }
  const gen = m.user(['/usr/libexec/podman/quadlet', '-dryrun', '-user'], { timeoutMs: 30000 });
  const complaints = gen.stderr.split('\n').filter((l) => /error|warn|unsupported|invalid/i.test(l));
  out.push('', `--- quadlet generator (quadlet -dryrun -user): ${complaints.length ? '' : 'no errors'}`);
  if (complaints.length) out.push(...complaints.slice(-journalLines));
  return out.join('\n');
}
