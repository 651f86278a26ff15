import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What `doctor` learns about a path. */
export interface PathInfo {
  /** What it is. */
  readonly type: 'file' | 'folder' | 'char-device' | 'socket' | 'other';
  /** Permission bits. */
  readonly mode: number;
  /** The owner's uid. */
  readonly uid: number;
  /** The group's gid. */
  readonly gid: number;
}

/**
 * How `doctor` looks at a host: files under a root folder, and the releases of its tools. The
 * local probe reads this machine (or a copy of a host's tree with `--root`); the real-run harness
 * gives one that looks inside its machine.
 */
export interface HostProbe {
  /** A file's text, or undefined when it cannot be read. */
  read(p: string): string | undefined;
  /** What is at `p` (symbolic links followed), or undefined when nothing is. */
  stat(p: string): PathInfo | undefined;
  /** The names in a folder, or undefined. */
  list(p: string): string[] | undefined;
  /** The first line `<tool> --version` prints; null when the tool is not installed; undefined when it cannot be checked. */
  version(tool: 'podman' | 'systemctl'): string | null | undefined;
  /** Where the probe looks, for messages (`/` or the --root folder). */
  readonly where: string;
}

function typeOf(st: fs.Stats): PathInfo['type'] {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'folder';
  if (st.isCharacterDevice()) return 'char-device';
  if (st.isSocket()) return 'socket';
  return 'other';
}

/**
 * Reads the host tree under `root`. Tools run only when `root` is `/` (a tree copied from
 * another host holds binaries this one may not run): elsewhere their releases are unknown.
 */
export function localProbe(root = '/'): HostProbe {
  const abs = path.resolve(root);
  // Links inside the tree are resolved inside it: an absolute link target is taken under root.
  const at = (p: string) => path.join(abs, p);
  return {
    where: abs,
    read: (p) => {
      try {
        return fs.readFileSync(at(p), 'utf8');
      } catch {
        return undefined;
      }
    },
    stat: (p) => {
      try {
        const st = fs.statSync(at(p));
        return { type: typeOf(st), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      } catch {
        return undefined;
      }
    },
    list: (p) => {
      try {
        return fs.readdirSync(at(p)).sort();
      } catch {
        return undefined;
      }
    },
    version: (tool) => {
      if (abs !== '/') return undefined;
      const r = spawnSync(tool, ['--version'], { encoding: 'utf8', timeout: 20000 });
      if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
      return r.status === 0 ? r.stdout.split('\n')[0].trim() : undefined;
    },
  };
}

/** The user `doctor` checks for by default: $SUDO_USER under sudo, else the current one. */
export function defaultUser(): string {
  return process.env.SUDO_USER || os.userInfo().username;
}
