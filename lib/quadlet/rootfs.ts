import { Reporter } from '../core/diagnostics';
import { isAbsolutePath, literalOf, UnitValue } from '../render/systemd-value';
import './codes';

/** Options of a root file system folder. */
export interface RootFsOptions {
  /**
   * Mount the folder as an overlay (`:O`): the container's writes go to a temporary upper layer and
   * the folder on the host stays as it is.
   * @default false
   */
  readonly overlay?: boolean;
}

/**
 * A folder on the host holding a container's whole root file system, run instead of an image
 * (quadlet's `Rootfs=`, podman's `--rootfs`): `image: RootFs.at('/var/lib/machines/tools')`.
 * Nothing is pulled, so the image checks (registry, tag, digest) do not apply.
 */
export class RootFs {
  /** The folder at `path` (absolute, or under `%h`). */
  public static at(path: UnitValue, options: RootFsOptions = {}): RootFs {
    return new RootFs(path, options.overlay ?? false);
  }

  /** Whether `x` is a root file system rather than an image. */
  public static isRootFs(x: unknown): x is RootFs {
    return x instanceof RootFs;
  }

  private constructor(
    /** The folder on the host. */
    public readonly path: UnitValue,
    /** Mounted as an overlay (`:O`). */
    public readonly overlay: boolean,
  ) {}
}

/**
 * The folder must be absolute (podman resolves a relative one against its own working folder) and hold no `:`.
 * @internal
 */
export function checkRootFs(r: RootFs, report: Reporter): void {
  const path = literalOf(r.path);
  if (path.includes(':')) report('QUADLET003', `root file system "${path}" contains ":", which podman reads as the start of its options`);
  else if (!isAbsolutePath(r.path)) report('QUADLET003', `root file system "${path}" is not absolute`, 'give an absolute path, or home(...) for a folder under the home folder');
}
