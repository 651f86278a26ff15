import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** The lock file guarding the rootfs tarballs of one cache folder. */
export function rootfsLockFile(tarballOrCacheDir: string): string {
  const dir = tarballOrCacheDir.endsWith('.tar.zst') ? path.dirname(tarballOrCacheDir) : tarballOrCacheDir;
  return path.join(dir, '.rootfs.lock');
}

/** Options of `runLocked`. */
export interface LockedOptions {
  /** `exclusive` to build or replace, `shared` to read. */
  readonly mode: 'exclusive' | 'shared';
  /** Said once when another process holds the lock and this one waits. @default - silent */
  readonly onWait?: () => void;
  /** Give up waiting and running after this long. @default 3600000 */
  readonly timeoutMs?: number;
  /** Where the command's output goes. @default 'pipe' */
  readonly stdio?: 'pipe' | 'inherit';
}

/** Exit status `flock` gives when `-n` finds the lock held (chosen so no command uses it by accident). */
const BUSY = 75;

/**
 * Runs a command while holding an flock(1) lock on `lockFile`: several processes building or
 * reading the same rootfs wait for each other instead of building twice or reading half a file.
 * The lock is the kernel's, so it is released when the holder dies, however it dies.
 */
export function runLocked(lockFile: string, argv: string[], options: LockedOptions): SpawnSyncReturns<string> {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  const mode = options.mode === 'exclusive' ? '-x' : '-s';
  const run = (wait: string[]) => spawnSync('flock', [mode, ...wait, lockFile, ...argv], {
    encoding: 'utf8', stdio: ['ignore', options.stdio ?? 'pipe', options.stdio ?? 'pipe'],
    timeout: options.timeoutMs ?? 3600000, maxBuffer: 64 * 1024 * 1024,
  });
  const first = run(['-n', '-E', String(BUSY)]);
  if (first.status !== BUSY) return first;
  options.onWait?.();
  return run(['-w', String(Math.ceil((options.timeoutMs ?? 3600000) / 1000))]);
}
