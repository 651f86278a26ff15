import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { rootfsLockFile, runLocked } from './lock';
import { MachineError } from './machine';

/** The repository's scripts folder (the harness runs from a checkout, not from the npm package). */
export const SCRIPTS_DIR = path.resolve(__dirname, '..', '..', '..', 'scripts');

/**
 * The Debian suite a machine runs: `trixie` (Debian 13: systemd 257, podman 5.4.2) or `sid`
 * (Debian unstable: podman 5.8.x, for `.quadlets` bundles and the newest generator).
 */
export type RootfsSuite = 'trixie' | 'sid';

/** Options of `ensureRootfs`. */
export interface RootfsOptions {
  /** The Debian suite to build the machine from. @default 'trixie' */
  readonly suite?: RootfsSuite;
  /** Where tarballs are cached. @default '/var/cache/quadlet-cdk-e2e' */
  readonly cacheDir?: string;
  /** Build even when a cached tarball exists. @default false */
  readonly rebuild?: boolean;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/** A rootfs tarball and whether this call built it. */
export interface Rootfs {
  /** The rootfs tarball. */
  readonly tarball: string;
  /** Whether this call built it (false: it came from the cache). */
  readonly built: boolean;
  /** How long getting it took. */
  readonly seconds: number;
}

/**
 * The cached rootfs tarball of a Debian suite (Debian 13 by default), built by
 * scripts/e2e-rootfs.sh (debootstrap + apt, 2-4 minutes) when missing. The cache key is the suite
 * and the script's sha256, so editing the package list or the machine's configuration builds a
 * new one (a sid tarball keeps the package versions sid had when it was built, until `rebuild`).
 * After a successful build, older tarballs nobody used for two days are removed (another branch
 * may still use its own).
 * The check and the build hold the cache's exclusive lock (`rootfsLockFile`): a process that finds
 * another one building waits for it and uses its tarball; `Machine.boot` extracts under the shared
 * lock, so a tarball is never replaced or removed while someone reads it.
 */
export function ensureRootfs(options: RootfsOptions = {}): Rootfs {
  const log = options.log ?? (() => undefined);
  const cacheDir = options.cacheDir ?? '/var/cache/quadlet-cdk-e2e';
  const script = path.join(SCRIPTS_DIR, 'e2e-rootfs.sh');
  const suite = options.suite ?? 'trixie';
  const key = crypto.createHash('sha256').update(fs.readFileSync(script)).digest('hex').slice(0, 12);
  // trixie keeps its historical name, so other checkouts of the same script share the tarball.
  const tarball = path.join(cacheDir, suite === 'trixie' ? `rootfs-${key}.tar.zst` : `rootfs-${suite}-${key}.tar.zst`);
  if (fs.existsSync(tarball) && !options.rebuild) {
    log(`rootfs: cached ${tarball}`);
    markUsed(tarball);
    return { tarball, built: false, seconds: 0 };
  }
  const t0 = Date.now();
  // Under the lock, look again: a tarball that appeared while this process waited is used, also
  // with `rebuild` when it was built after this call began. Exit 10 says "built here".
  const locked = [
    'set -e',
    'if [ -e "$1" ] && { [ "$3" = 0 ] || [ "$(stat -c %Y "$1")" -ge "$4" ]; }; then exit 0; fi',
    'echo "rootfs: building $1 ($5: debootstrap + apt; takes a few minutes)"',
    'bash "$2" "$1" "$5"',
    // Older tarballs go once nobody used them for two days: a branch with an older script may still boot from one.
    'for f in "$(dirname "$1")"/rootfs-*.tar.zst; do [ "$f" != "$1" ] || continue; u="$f.used"; [ -e "$u" ] || u="$f";',
    '  if [ -n "$(find "$u" -mtime +1)" ]; then rm -f "$f" "$f.used"; fi; done',
    'exit 10',
  ].join('\n');
  const r = runLocked(rootfsLockFile(cacheDir), ['bash', '-c', locked, 'bash', tarball, script, options.rebuild ? '1' : '0', String(Math.floor(t0 / 1000)), suite], {
    mode: 'exclusive', stdio: 'inherit',
    onWait: () => log(`rootfs: another process holds ${rootfsLockFile(cacheDir)} (building the rootfs); waiting for it`),
  });
  if (r.status === 0) {
    markUsed(tarball);
    log(`rootfs: ${tarball}, built by another process while this one waited`);
    return { tarball, built: false, seconds: (Date.now() - t0) / 1000 };
  }
  if (r.status !== 10) throw new MachineError(`scripts/e2e-rootfs.sh failed (exit ${r.status ?? r.signal}); see the lines above`);
  markUsed(tarball);
  return { tarball, built: true, seconds: (Date.now() - t0) / 1000 };
}

/** Records that a tarball was used now (`<tarball>.used`), so a build of another key keeps it for two days. */
function markUsed(tarball: string): void {
  const marker = `${tarball}.used`;
  const now = new Date();
  try {
    fs.utimesSync(marker, now, now);
  } catch {
    fs.writeFileSync(marker, '');
  }
}
