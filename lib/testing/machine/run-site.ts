import { Machine } from './machine';
import * as fs from 'fs';
import { prepareHost, PrepareOptions } from './prepare';
import { InstalledSite, installSite } from './site';
import { failureReport, SiteFailure, startAndWait, UnitState } from './units';

/** What a check sees: the machine and the installed site. */
export interface CheckContext {
  /** The machine the site runs in. */
  readonly m: Machine;
  /** The installed site. */
  readonly site: InstalledSite;
}

/** One check of a running site. It throws a `SiteFailure` naming the units at fault. */
export interface SiteCheck {
  /** What it proves, as a person would say it ("Caddy routes by Host header"). */
  readonly name: string;
  /** Runs the check; throws a `SiteFailure` when it fails. */
  readonly run: (ctx: CheckContext) => void;
}

/** How to run one site. */
export interface SiteRunSpec {
  /** The name printed in progress lines. */
  readonly name: string;
  /** The site's synthesized output folder. */
  readonly outDir: string;
  /** Checks run in order once every unit is active; the first failing one ends the run. @default [] */
  readonly checks?: SiteCheck[];
  /** How long the units may take to become active and healthy. @default 60000 */
  readonly startTimeoutMs?: number;
  /** What the harness provides beyond what the units show (`prepareHost`). @default {} */
  readonly prepare?: PrepareOptions;
  /**
   * Prepares the host instead of `prepareHost`, once the site is installed (e.g.
   * `prepareDeclared`: only what the site declares). Returns what it did, one line each.
   * @default - prepareHost(m, site, prepare)
   */
  readonly prepareWith?: (m: Machine, site: InstalledSite) => string[];
}

/** How a site run went. */
export interface SiteRunResult {
  /** The site's name. */
  readonly name: string;
  /** The units that were active once the target started (0 when it never got there). */
  readonly unitsActive: number;
  /** How many checks passed. */
  readonly checksPassed: number;
  /** Prerequisites the harness provided, each with why (`prepareHost`). */
  readonly prepared: string[];
  /** The failure, when the run failed. @default - none: the run passed */
  readonly failure?: SiteFailure;
  /** The failure report (statuses, journals, generator), when the run failed. @default - none: the run passed */
  readonly report?: string;
  /** How long the run took. */
  readonly seconds: number;
}

/**
 * Installs a site for the machine's user, provides the host prerequisites its units show
 * (`prepareHost`), starts its target, waits for every unit, runs the checks, writes a failure
 * report when one fails, and always stops the target, removes its containers and uninstalls it.
 */
export function runSite(m: Machine, spec: SiteRunSpec, log: (line: string) => void = () => undefined): SiteRunResult {
  const t0 = Date.now();
  const site = installSite(m, spec.name, spec.outDir);
  let states: UnitState[] = [];
  let passed = 0;
  let prepared: string[] = [];
  try {
    prepared = spec.prepareWith ? spec.prepareWith(m, site) : prepareHost(m, site, spec.prepare);
    for (const p of prepared) log(`  host: ${p}`);
    states = startAndWait(m, site, { timeoutMs: spec.startTimeoutMs });
    log(`  ${site.target}: ${states.length} units active in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const check of spec.checks ?? []) {
      const c0 = Date.now();
      try {
        check.run({ m, site });
      } catch (e) {
        if (e instanceof SiteFailure) throw e;
        throw new SiteFailure(check.name, [{ unit: site.target ?? spec.name, cause: e instanceof Error ? e.message : String(e) }]);
      }
      passed++;
      log(`  ok  ${check.name} (${((Date.now() - c0) / 1000).toFixed(1)} s)`);
    }
    return { name: spec.name, unitsActive: states.length, checksPassed: passed, prepared, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    const failure = e instanceof SiteFailure ? e : new SiteFailure('run the site', [{ unit: spec.name, cause: e instanceof Error ? e.message : String(e) }]);
    let report: string;
    try {
      report = failureReport(m, site, failure);
    } catch (r) {
      report = `${failure.message}\n(the failure report itself failed: ${r instanceof Error ? r.message : r})`;
    }
    return { name: spec.name, unitsActive: 0, checksPassed: passed, prepared, failure, report, seconds: (Date.now() - t0) / 1000 };
  } finally {
    uninstallSite(m, site);
  }
}

/**
 * Stops the site's target and containers at once and removes its files, and the user's podman
 * volumes, secrets and networks (a machine runs one site at a time), so the next site starts clean.
 * Images stay.
 */
export function uninstallSite(m: Machine, site: InstalledSite): void {
  if (site.target) m.user(['systemctl', '--user', 'stop', site.target], { timeoutMs: 120000 });
  m.userSh('podman rm -af -t 0 >/dev/null; podman pod rm -af -t 0 >/dev/null; podman volume rm -af >/dev/null; podman secret rm --all >/dev/null; podman network prune -f >/dev/null', { timeoutMs: 120000 });
  m.user(['systemctl', '--user', 'reset-failed'], { timeoutMs: 30000 });
  for (const rel of Object.keys(site.files)) {
    for (const f of [rel, rel.endsWith('.env.tmpl') ? rel.slice(0, -'.tmpl'.length) : undefined]) {
      if (f) fs.rmSync(m.hostPath(`${m.home}/${f}`), { force: true });
    }
  }
  m.user(['systemctl', '--user', 'daemon-reload'], { timeoutMs: 60000 });
}
