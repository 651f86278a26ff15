/** The output folder's lock: one synth at a time writes (or recovers) a folder. */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { lstatOf, OutputError, readOr, reason } from './output-manifest';

const LOCK_FILE = '.quadlet-cdk.lock';
/** A takeover guard older than this belongs to a process that died holding it. */
const GUARD_STALE_MS = 10_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * An exclusive lock on the output folder. The lock file is created complete in one step (a hard
 * link of a temporary file, which fails if the lock exists) and holds `<pid> <nonce>`. A lock
 * whose process is dead is taken over under a short-lived guard, and only if it still holds the
 * dead process's token, so two synths that find one stale lock cannot both take it.
 */
export function acquireLock(outdir: string, waitMs: number): () => void {
  const lock = path.join(outdir, LOCK_FILE);
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const tmp = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const deadline = Date.now() + waitMs;
  try {
    fs.writeFileSync(tmp, token);
  } catch (e: any) {
    throw new OutputError(`cannot write to the output folder ${outdir}: ${reason(e)}`);
  }
  try {
    for (;;) {
      try {
        fs.linkSync(tmp, lock);
        removeDeadLockTemps(outdir);
        return () => {
          if (readOr(lock) === token) fs.rmSync(lock, { force: true });
        };
      } catch (e: any) {
        if (e.code !== 'EEXIST') throw new OutputError(`cannot lock the output folder ${outdir}: ${reason(e)}`);
      }
      const holder = readOr(lock);
      const pid = parseInt(holder, 10);
      if (holder !== '' && !(pid > 0 && pidAlive(pid) && pid !== process.pid)) {
        takeOverStaleLock(lock, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new OutputError(`another synth (pid ${pid || 'unknown'}) is writing to ${outdir}; wait for it, or remove ${lock} if no synth is running`);
      }
      sleepSync(20);
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

function takeOverStaleLock(lock: string, staleToken: string): void {
  const guard = `${lock}.takeover`;
  try {
    fs.writeFileSync(guard, String(process.pid), { flag: 'wx' });
  } catch {
    const st = lstatOf(guard);
    if (st && Date.now() - st.mtimeMs > GUARD_STALE_MS) fs.rmSync(guard, { force: true });
    else sleepSync(5);
    return;
  }
  try {
    if (readOr(lock) === staleToken) fs.rmSync(lock, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}
