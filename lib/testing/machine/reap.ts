import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Where each boot's throw-away folder is made (`<WORK_PARENT>/<WORK_PREFIX>XXXXXX`). */
export const WORK_PARENT = '/var/tmp';
export const WORK_PREFIX = 'quadlet-cdk-e2e-';
const OWNER_FILE = 'machine.json';

/** What a boot's folder records about its machine and the process that booted it. */
interface Owner {
  readonly name: string;
  readonly root: string;
  /** The booting process and its start time (a pid alone may be reused). */
  readonly pid: number;
  readonly started: string;
  /** The machine's PID 1 as the host sees it and its start time, once known. */
  readonly leader?: number;
  readonly leaderStarted?: string;
  /** systemd-nspawn's pid and start time, once known. */
  readonly nspawn?: number;
  readonly nspawnStarted?: string;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function startTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Records in a boot's folder which machine it holds and that this process owns it. */
export function writeOwner(workDir: string, m: { name: string; root: string; leader?: number; nspawn?: number }): void {
  const owner: Owner = {
    ...m, pid: process.pid, started: startTime(process.pid) ?? '',
    leaderStarted: m.leader ? startTime(m.leader) : undefined, nspawnStarted: m.nspawn ? startTime(m.nspawn) : undefined,
  };
  fs.writeFileSync(path.join(workDir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
}

/**
 * Removes the machines whose booting process is gone (killed before it could stop them) and only
 * those: a folder without an owner record, or whose owner still runs, is left alone, so
 * machines other people are running at the same time are never touched. A process is
 * killed only when its pid and start time are the ones recorded. Returns one line per machine removed.
 */
export function reapStaleMachines(): string[] {
  const done: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(WORK_PARENT).filter((e) => e.startsWith(WORK_PREFIX));
  } catch {
    return done;
  }
  for (const e of entries) {
    const dir = path.join(WORK_PARENT, e);
    let owner: Owner;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as Owner;
    } catch {
      continue; // not a boot folder of this harness version, or still being written
    }
    if (startTime(owner.pid) === owner.started) continue; // its owner runs: not ours to stop
    // A pid with the start time recorded is the very process (a reused pid starts later).
    for (const [pid, started] of [[owner.leader, owner.leaderStarted], [owner.nspawn, owner.nspawnStarted]] as const) {
      if (!pid || !started || startTime(pid) !== started) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    spawnSync('umount', ['-l', owner.root]);
    spawnSync('rm', ['-rf', '--one-file-system', dir]);
    done.push(`removed machine ${owner.name} left by process ${owner.pid}, which is gone (${dir})`);
  }
  return done;
}
