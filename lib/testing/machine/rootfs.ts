import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MachineError } from './machine';

/** The repository's scripts folder (the harness runs from a checkout, not from the npm package). */
export const SCRIPTS_DIR = path.resolve(__dirname, '..', '..', '..', 'scripts');

/** Options of `ensureRootfs`. */
export interface RootfsOptions {
  /** Where tarballs are cached. @default '/var/cache/quadlet-cdk-e2e' */
  readonly cacheDir?: string;
  /** Build even when a cached tarball exists. @default false */
  readonly rebuild?: boolean;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
}

/** A rootfs tarball and whether this call built it. */
export interface Rootfs {
  readonly tarball: string;
  readonly built: boolean;
  readonly seconds: number;
}

/**
 * The cached Debian 13 rootfs tarball, built by scripts/e2e-rootfs.sh (debootstrap + apt, 2-4
 * minutes) when missing. The cache key is the script's sha256, so editing the package list or the
 * machine's configuration builds a new one; older tarballs are removed after a successful build.
 */
export function ensureRootfs(options: RootfsOptions = {}): Rootfs {
  const log = options.log ?? (() => undefined);
  const cacheDir = options.cacheDir ?? '/var/cache/quadlet-cdk-e2e';
  const script = path.join(SCRIPTS_DIR, 'e2e-rootfs.sh');
  const key = crypto.createHash('sha256').update(fs.readFileSync(script)).digest('hex').slice(0, 12);
  const tarball = path.join(cacheDir, `rootfs-${key}.tar.zst`);
  if (fs.existsSync(tarball) && !options.rebuild) {
    log(`rootfs: cached ${tarball}`);
    return { tarball, built: false, seconds: 0 };
  }
  log(`rootfs: building ${tarball} (debootstrap + apt; takes a few minutes)`);
  const t0 = Date.now();
  const r = spawnSync('bash', [script, tarball], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 60 * 60 * 1000 });
  if (r.status !== 0) throw new MachineError(`scripts/e2e-rootfs.sh failed (exit ${r.status ?? r.signal}); see the lines above`);
  for (const old of fs.readdirSync(cacheDir)) {
    if (/^rootfs-[0-9a-f]{12}\.tar\.zst$/.test(old) && path.join(cacheDir, old) !== tarball) fs.rmSync(path.join(cacheDir, old));
  }
  return { tarball, built: true, seconds: (Date.now() - t0) / 1000 };
}
