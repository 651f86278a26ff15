/**
 * `npx projen e2e`: the real run. Builds (or restores) the Debian 13 rootfs, boots one throw-away
 * machine, builds the stand-in images, then runs each site: examples/real-run with its checks,
 * apps/sodimo.ts structurally, compose projects as `quadlet-cdk import` writes them, the broken
 * sites, which must fail naming the unit and cause, and the Kubernetes output of examples/real-run
 * played by `podman kube play`.
 * Always stops the machine. Exit 1 when a site fails (or a broken one does not).
 *
 * Usage: run.ts [--only real-run,sodimo,import,broken,kube] [--rebuild] [--rootfs TARBALL] [--name MACHINE] [--keep-work]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildStandIns, canBootMachines, ensureRootfs, Machine, runSite, SiteRunResult, StandInRole } from '../../lib/testing/machine';
import { importedSites } from './import-sites';
import { realRunKube, runKubeScenario } from './kube';
import { brokenSites, E2eSite, realRunSite, sodimoSite } from './sites';

function main(argv: string[]): number {
  const t0 = Date.now();
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : ['real-run', 'sodimo', 'import', 'broken', 'kube'];
  const say = (line: string) => console.log(`e2e: [${Math.round((Date.now() - t0) / 1000)} s] ${line}`);
  const can = canBootMachines();
  if (!can.ok) {
    console.error(`e2e: cannot run here: ${can.why}. Needs root and the Debian packages debootstrap, systemd-container, zstd (README: "Real run").`);
    return 1;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-e2e-sites-'));
  let machine: Machine | undefined;
  const results: Array<{ site: E2eSite; result: SiteRunResult }> = [];
  let kube: { checks: number; failed: boolean } | undefined;
  try {
    say('synthesizing the sites');
    const sites: E2eSite[] = [
      ...(only.includes('real-run') ? [realRunSite(work)] : []),
      ...(only.includes('sodimo') ? [sodimoSite(work)] : []),
      ...(only.includes('import') ? importedSites(work) : []),
      ...(only.includes('broken') ? brokenSites(work) : []),
    ];
    const kubeScenario = only.includes('kube') ? realRunKube(work) : undefined;
    const rootfs = argv.includes('--rootfs')
      ? { tarball: argv[argv.indexOf('--rootfs') + 1], built: false, seconds: 0 }
      : ensureRootfs({ rebuild: argv.includes('--rebuild'), log: say });
    if (rootfs.built) say(`rootfs built in ${rootfs.seconds.toFixed(0)} s`);
    machine = Machine.boot({ rootfs: rootfs.tarball, name: argv.includes('--name') ? argv[argv.indexOf('--name') + 1] : undefined, log: say });
    const images: Record<string, StandInRole> = Object.assign({}, ...sites.map((s) => s.images), kubeScenario?.images ?? {});
    const aliases = [...new Set(sites.flatMap((s) => s.aliases ?? []))];
    const groups = [...new Set(sites.flatMap((s) => s.groups ?? []))];
    const secs = buildStandIns(machine, images, { aliases, groups });
    say(`stand-in images built and tagged to ${Object.keys(images).length} references in ${secs.toFixed(1)} s`);
    for (const site of sites) {
      say(`site ${site.name}`);
      const result = runSite(machine, site, say);
      results.push({ site, result });
      if (site.expectFailure) {
        const hit = result.failure?.problems.find((p) => p.unit === site.expectFailure!.unit && site.expectFailure!.cause.test(p.cause));
        if (hit) say(`  ok  failed as expected, naming ${hit.unit}: ${hit.cause}`);
        else {
          say(`  FAILED: expected a failure naming ${site.expectFailure.unit} (${site.expectFailure.cause}), got ${result.failure ? result.failure.message : 'success'}`);
          if (result.report) console.log(result.report);
        }
      } else if (result.failure) {
        console.log(result.report);
      }
    }
    if (kubeScenario) {
      say('site real-run, Kubernetes output, podman kube play');
      try {
        kube = { checks: runKubeScenario(machine, kubeScenario, say), failed: false };
      } catch (e) {
        kube = { checks: 0, failed: true };
        console.log(`FAILED ${e instanceof Error ? e.message : e}`);
      }
    }
  } catch (e) {
    console.error(`e2e: ${e instanceof Error ? e.message : e}`);
    if (machine) console.error(`e2e: last system journal lines:\n${safe(() => machine!.journal({ lines: 30 }))}`);
    return finish(1);
  } finally {
    machine?.stop();
    if (!argv.includes('--keep-work')) fs.rmSync(work, { recursive: true, force: true });
  }
  return finish(0);

  function finish(code: number): number {
    const good = results.filter(({ site, result }) => !site.expectFailure && !result.failure);
    const bad = results.filter(({ site, result }) => !site.expectFailure && result.failure);
    const caught = results.filter(({ site, result }) => site.expectFailure && result.failure?.problems.some((p) => p.unit === site.expectFailure!.unit && site.expectFailure!.cause.test(p.cause)));
    const missed = results.filter(({ site }) => site.expectFailure).length - caught.length;
    const units = good.reduce((n, { result }) => n + result.unitsActive, 0);
    const checks = good.reduce((n, { result }) => n + result.checksPassed, 0) + caught.length + (kube?.checks ?? 0);
    const failed = bad.length + missed + (kube?.failed ? 1 : 0);
    const sites = good.length + (kube && !kube.failed ? 1 : 0);
    const summary = `e2e: ${sites} sites, ${units} units active, ${checks} checks passed` +
      `${caught.length ? ` (${caught.length} broken sites caught)` : ''}${failed ? `, ${failed} FAILED` : ''} in ${Math.round((Date.now() - t0) / 1000)} s`;
    console.log(summary);
    return code || (failed ? 1 : 0);
  }
}

function safe(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return String(e);
  }
}

process.exitCode = main(process.argv.slice(2));
