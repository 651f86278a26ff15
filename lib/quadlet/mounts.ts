import { Reporter } from '../core/diagnostics';
import { isAbsolutePath, literalOf, SystemdText, systemdText, UnitValue } from '../render/systemd-value';
import type { IVolume } from './volume';

/** A mount of a named volume, a host folder or a file. */
export type Mount =
  | { readonly volume: IVolume; readonly path: string; readonly readOnly?: boolean; readonly options?: string[] }
  | { readonly hostPath: UnitValue; readonly path: string; readonly readOnly?: boolean; readonly options?: string[] };

/**
 * `src:dst[:opts]` as `Volume=` (quadlet) and `--volume` (podman run) take it. Quadlet names a
 * volume unit by its file (`data.volume`); a plain `podman run` needs the volume's own name.
 */
export function mountSpec(m: Mount, volumeBy: 'unit' | 'name' = 'unit'): SystemdText {
  const opts = [...(m.readOnly ? ['ro'] : []), ...(m.options ?? [])];
  const source: UnitValue = 'volume' in m ? (volumeBy === 'unit' ? m.volume.volumeRef : m.volume.volumeName) : m.hostPath;
  return systemdText(source, `:${m.path}`, opts.length ? `:${opts.join(',')}` : '');
}

/**
 * Podman splits a mount at `:`, and reads a source that is not a path as a volume name: a
 * colon in either path, or a relative host path, would silently mount something else.
 */
export function checkMounts(mounts: readonly Mount[], report: Reporter): void {
  for (const m of mounts) {
    const dest = m.path;
    if (!dest.startsWith('/') || dest.includes(':')) {
      report('QUADLET003', `mount target "${dest}" must be an absolute path without ":"`);
    }
    if ('hostPath' in m) {
      const src = literalOf(m.hostPath);
      if (src.includes(':')) report('QUADLET003', `host path "${src}" contains ":", which podman reads as the end of the source`);
      else if (!isAbsolutePath(m.hostPath) && !src.startsWith('./')) {
        report('QUADLET003', `host path "${src}" is not absolute: podman would take it as the name of a volume`, 'give an absolute path, home(...) for a path under the home folder, or ./ for one beside the unit file');
      }
    }
  }
}

/**
 * The socket unit a bind mount of podman's API socket needs: `podman.socket`, which creates
 * `%t/podman/podman.sock` (rootless) or `/run/podman/podman.sock` (rootful) only when enabled.
 */
export function podmanSocketUnitOf(m: Mount, rootless: boolean): string | undefined {
  if (!('hostPath' in m)) return undefined;
  const src = literalOf(m.hostPath).replace(/\/+$/, '');
  const socket = rootless ? /^(%t|\/run\/user\/\d+)\/podman\/podman\.sock$/ : /^\/run\/podman\/podman\.sock$/;
  return socket.test(src) ? 'podman.socket' : undefined;
}
