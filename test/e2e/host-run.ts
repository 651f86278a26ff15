/**
 * `npx projen e2e:host`: issue 18's real run (docs/real-run.md, "Host prerequisites"). Boots one
 * machine of its own, runs the reference site as synthesized with the host prepared from its
 * declarations only, then a unit that fails slowly, which must end `failed` in bounded time.
 * Always stops the machine. Exit 1 when either fails.
 *
 * Usage: host-run.ts [--rootfs TARBALL] [--keep-work]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatHostReport, RESTART_DEFAULTS } from '../../lib';
import { buildStandIns, canBootMachines, ensureRootfs, Machine, runSite } from '../../lib/testing/machine';
import { declaredSodimo, runSlowFailure, slowFailure } from './host';

function main(argv: string[]): number {
  const t0 = Date.now();
  const say = (line: string) => console.log(`e2e:host: [${Math.round((Date.now() - t0) / 1000)} s] ${line}`);
  const can = canBootMachines();
  if (!can.ok) {
    console.error(`e2e:host: cannot run here: ${can.why}`);
    return 1;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-e2e-host-'));
  let machine: Machine | undefined;
  let failed = 0;
  try {
    say('synthesizing');
    const sodimo = declaredSodimo(work, (before, after) => {
      console.log(`doctor on the bare machine:\n${formatHostReport(before)}`);
      console.log(`doctor after the declared fixes:\n${formatHostReport(after)}`);
    });
    const slow = slowFailure(work);
    const rootfs = argv.includes('--rootfs') ? argv[argv.indexOf('--rootfs') + 1] : ensureRootfs({ log: say }).tarball;
    machine = Machine.boot({ rootfs, name: `qcdk-host-${process.pid}`, log: say });
    const secs = buildStandIns(machine, { ...sodimo.images, [slow.image]: 'busybox' }, { aliases: sodimo.aliases, groups: sodimo.groups, ports: sodimo.ports });
    say(`stand-ins built in ${secs.toFixed(1)} s; ports: ${Object.entries(sodimo.ports).map(([n, p]) => `${n} ${p.join(',')}`).join('; ')}`);

    say(`site ${sodimo.name}`);
    const r = runSite(machine, sodimo, say);
    if (r.failure) {
      failed++;
      console.log(r.report);
    } else say(`  ok: ${r.unitsActive} units active, ${r.checksPassed} checks passed in ${r.seconds.toFixed(0)} s`);

    say('a unit whose start fails after 4 s, with the default restart policy');
    try {
      const s = runSlowFailure(machine, slow.outDir);
      // systemd 257 leaves Result= at the last run's exit-code when the restart is refused; what
      // matters is that the unit stops restarting and shows as failed, within the bound.
      const ok = s.restarts >= 1 && s.restarts <= RESTART_DEFAULTS.startLimitBurst;
      if (!ok) failed++;
      say(`  ${ok ? 'ok ' : 'FAILED'} slow.service failed after ${s.seconds.toFixed(0)} s and ${s.restarts} restarts (result ${s.result})`);
    } catch (e) {
      failed++;
      say(`  FAILED ${e instanceof Error ? e.message : e}`);
    }
  } catch (e) {
    console.error(`e2e:host: ${e instanceof Error ? e.stack ?? e.message : e}`);
    return 1;
  } finally {
    machine?.stop();
    if (!argv.includes('--keep-work')) fs.rmSync(work, { recursive: true, force: true });
  }
  say(failed ? `${failed} FAILED` : 'all passed');
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
