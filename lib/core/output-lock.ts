/** The output folder's lock: one synth at a time writes (or recovers) a folder. */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lstatOf, OutputError, readOr, reason } from './output-manifest';

/** The lock's name in the output folder. */
export const LOCK_FILE = '.quadlet-cdk.lock';
/** A takeover guard older (or, by a wrong clock, younger) than this belongs to a process that died holding it. */
const GUARD_STALE_MS = 10_000;
/** Stale locks one acquire may clear before it counts as waiting (another process keeps leaving them). */
const MAX_TAKEOVERS = 5;

/** Who holds a lock: a process (pid and start time, on one host) and one acquire in it (token). */
interface Holder {
  readonly pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat); tells a reused pid apart. */
  readonly start?: string;
  readonly host?: string;
  readonly token: string;
}

/** Field 22 of /proc/<pid>/stat, or undefined where there is no /proc (or the process is gone). */
function processStart(pid: number): string | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return stat && /^\d+$/.test(fields[19] ?? '') ? fields[19] : undefined;
}

const self = { pid: process.pid, start: processStart(process.pid), host: os.hostname() };

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

/** A lock's holder; also reads the `<pid> <nonce>` and `<pid>` forms older versions wrote. */
function parseHolder(text: string): Holder | undefined {
  if (text.startsWith('{')) {
    try {
      const h = JSON.parse(text);
      return Number.isInteger(h?.pid) && h.pid > 0 && typeof h.token === 'string' ? h : undefined;
    } catch {
      return undefined;
    }
  }
  const m = /^(\d+)(?: (\S+))?\s*$/.exec(text);
  return m && Number(m[1]) > 0 ? { pid: Number(m[1]), token: m[2] ?? '' } : undefined;
}

/**
 * Whether the holder may still be running. Another host's process cannot be checked, so it is
 * live. A process of this host is live when its pid runs and, where both start times are known,
 * it is the same process that took the lock (not a later one that got the pid). The same pid
 * and start as ours is this process: another worker thread, live.
 */
function isLive(h: Holder): boolean {
  if (h.host !== undefined && h.host !== self.host) return true;
  if (h.pid !== self.pid && !pidAlive(h.pid)) return false;
  const start = h.pid === self.pid ? self.start : processStart(h.pid);
  return h.start === undefined || start === undefined || h.start === start;
}

function describe(h: Holder | undefined): string {
  if (!h) return 'another synth';
  return h.pid === self.pid && h.start === self.start ? `another synth in this process (pid ${h.pid}, another thread)` : `another synth (pid ${h.pid})`;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(1, ms));
}

/**
 * An exclusive lock on the output folder. The lock file is created complete in one step (a hard
 * link of a temporary file, which fails if the lock exists) and names its holder: pid, process
 * start time, host and a random token per acquire. A lock whose holder is gone (dead, or its pid
 * now runs another process) is taken over under a short-lived guard, and only if it still holds
 * the same text, so two synths that find one stale lock cannot both take it. Every wait ends
 * by `waitMs`.
 */
export function acquireLock(outdir: string, waitMs: number): () => void {
  const lock = path.join(outdir, LOCK_FILE);
  const token = JSON.stringify({ ...self, token: randomBytes(8).toString('hex') });
  const tmp = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const deadline = Date.now() + waitMs;
  try {
    fs.writeFileSync(tmp, token);
  } catch (e: any) {
    throw new OutputError(outdir, 'OUTPUT003', `cannot write to the output folder ${outdir}: ${reason(e)}`);
  }
  try {
    let takeovers = 0;
    for (;;) {
      try {
        fs.linkSync(tmp, lock);
        removeDeadLockTemps(outdir);
        return () => {
          if (readOr(lock) === token) fs.rmSync(lock, { force: true });
        };
      } catch (e: any) {
        if (e.code !== 'EEXIST') throw new OutputError(outdir, 'OUTPUT003', `cannot lock the output folder ${outdir}: ${reason(e)}`);
      }
      const text = readOr(lock);
      const holder = parseHolder(text);
      let blocker = describe(holder);
      if (!holder || !isLive(holder)) {
        if (takeovers < MAX_TAKEOVERS && takeOverStaleLock(lock, text)) {
          takeovers++;
          continue;
        }
        blocker = 'another synth that is taking over a stale lock';
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new OutputError(outdir, 'OUTPUT004', `${blocker} is writing to ${outdir}`,
          `wait for it (pass lockWaitMs to wait), or remove ${lock} if no synth is running`);
      }
      sleepSync(Math.min(20, left));
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Temporary lock files (`.quadlet-cdk.lock.<pid>.<hex>`) left by synths that were killed. */
function removeDeadLockTemps(outdir: string): void {
  for (const name of fs.readdirSync(outdir)) {
    const m = /^\.quadlet-cdk\.lock\.(\d+)\.[0-9a-f]+$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) fs.rmSync(path.join(outdir, name), { force: true });
  }
}

/**
 * Remove a stale lock that still reads `staleText`, under the takeover guard. False when the
 * guard is held by a live synth: the caller waits (bounded) and looks again. A guard whose
 * holder is gone, or whose age is off by more than GUARD_STALE_MS either way, is removed first.
 */
function takeOverStaleLock(lock: string, staleText: string): boolean {
  const guard = `${lock}.takeover`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(guard, JSON.stringify({ ...self, token: 'takeover' }), { flag: 'wx' });
    } catch {
      const st = lstatOf(guard);
      const holder = parseHolder(readOr(guard));
      const stale = !st || Math.abs(Date.now() - st.mtimeMs) > GUARD_STALE_MS || (holder !== undefined && !isLive(holder));
      if (!stale) return false;
      fs.rmSync(guard, { force: true });
      continue;
    }
    try {
      if (readOr(lock) === staleText) fs.rmSync(lock, { force: true });
    } finally {
      fs.rmSync(guard, { force: true });
    }
    return true;
  }
  return false;
}
