import * as fs from 'fs';
import * as path from 'path';
import { checkHost, HostCheck, HostProbe, HostReport, PathInfo } from '../../host';
import { Site } from '../../core/site';
import { Machine, MachineError } from './machine';
import { SiteFailure } from './units';

/** `doctor`'s view of a machine: files, folders and device nodes as seen inside it, tools run inside. */
export function machineProbe(m: Machine): HostProbe {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    where: `machine ${m.name}`,
    read: (p) => {
      const r = m.root(['cat', p]);
      return r.status === 0 ? r.stdout : undefined;
    },
    stat: (p): PathInfo | undefined => {
      const r = m.root(['sh', '-c', `stat -L -c '%F|%a|%u|%g' ${q(p)}`]);
      if (r.status !== 0) return undefined;
      const [kind, mode, uid, gid] = r.stdout.trim().split('|');
      const type = kind === 'regular file' || kind === 'regular empty file' ? 'file' : kind === 'directory' ? 'folder'
        : kind === 'character special file' ? 'char-device' : kind === 'socket' ? 'socket' : 'other';
      return { type, mode: parseInt(mode, 8), uid: Number(uid), gid: Number(gid) };
    },
    list: (p) => {
      const r = m.root(['ls', '-A', p]);
      return r.status === 0 ? r.stdout.split('\n').filter((x) => x !== '').sort() : undefined;
    },
    version: (tool) => {
      const r = m.root([tool, '--version']);
      return r.status === 0 ? r.stdout.split('\n')[0].trim() : r.status === 127 ? null : undefined;
    },
  };
}

/** Options of `prepareDeclared`. */
export interface DeclaredOptions {
  /** The site as built (its app synthesized into `outDir`). */
  readonly site: Site;
  /** The site's output folder (where `host/...` shipped files are). */
  readonly outDir: string;
  /** The files synth wrote (SynthResult.files): generated paths are not prerequisites. */
  readonly files: Iterable<{ readonly path: string; readonly constructPath?: string }>;
  /** Receives the doctor reports, before and after. @default - none */
  readonly reports?: (before: HostReport, after: HostReport) => void;
}

/**
 * Prepares the machine from what the site declares, and nothing else: runs `doctor` (checkHost)
 * inside it, installs the files the site ships for its prerequisites (`host/etc/sysctl.d/...`),
 * runs the fix command of every missing prerequisite, stands in for the host files it declares
 * (an empty file or folder, an executable that stays up: their real content comes from elsewhere)
 * and for missing devices (a null device: the one thing a site cannot bring), then runs doctor
 * again and fails when anything is still missing. Returns what it did, one line each.
 */
export function prepareDeclared(m: Machine, options: DeclaredOptions): string[] {
  const { site, outDir } = options;
  const files = [...options.files];
  const check = () => checkHost(site, { probe: machineProbe(m), user: m.userName, files });
  const before = check();
  const done: string[] = [];
  const missing = before.checks.filter((c) => c.status === 'missing');
  done.push(`doctor: ${missing.length} of ${before.checks.length} missing (${missing.map((c) => c.id).join(', ') || 'none'})`);
  const prefix = site.outputDir ? `${site.outputDir}/` : '';
  for (const c of missing) {
    if (c.shipped) {
      const rel = c.shipped.startsWith(prefix) ? c.shipped.slice(prefix.length) : c.shipped;
      const inside = `/${rel.replace(/^host\//, '')}`;
      m.writeFile(inside, fs.readFileSync(path.join(outDir, rel)), { owner: 'root' });
      done.push(`shipped ${rel} -> ${inside}`);
    }
    if (c.fix.command) {
      const r = c.fix.command.as === 'root' ? m.root(['sh', '-c', c.fix.command.sh]) : m.userSh(c.fix.command.sh);
      if (r.status !== 0) throw new SiteFailure('doctor fixes', [{ unit: c.neededBy[0] ?? site.name, cause: `${c.fix.command.sh} failed: ${r.stderr.trim()}` }]);
      done.push(`fix (${c.fix.command.as}): ${c.fix.command.sh}  [${c.what}]`);
    }
    if (c.kind === 'path' && c.found.startsWith('no ')) done.push(standInPath(m, c));
    if (c.kind === 'device' && c.found.startsWith('no ')) done.push(standInDevice(m, c));
  }
  const after = check();
  options.reports?.(before, after);
  const still = after.checks.filter((c) => c.status === 'missing');
  if (still.length) throw new SiteFailure('doctor after its fixes', still.map((c) => ({ unit: c.neededBy[0] ?? site.name, cause: `${c.what}: ${c.found}` })));
  done.push(`doctor: all ${after.checks.length} prerequisites ok${after.checks.some((c) => c.status === 'unknown') ? ` (unknown: ${after.checks.filter((c) => c.status === 'unknown').map((c) => c.id).join(', ')})` : ''}`);
  return done;
}

/** A declared host file, folder or executable, stood in for: the site says where the real one comes from. */
function standInPath(m: Machine, c: HostCheck): string {
  const where = c.found.replace(/^no /, '');
  if (!where.startsWith('/')) throw new MachineError(`cannot stand in for ${c.what}: ${c.found}`);
  if (c.what.startsWith('folder ')) {
    m.root(['mkdir', '-p', where], { check: true });
    if (where.startsWith(`${m.home}/`)) m.chownToUser(where);
  } else if (c.what.startsWith('executable ')) {
    m.writeFile(where, '#!/bin/sh\n# stand-in written by the real-run harness for a declared host executable\nexec sleep infinity\n', { mode: 0o755 });
  } else {
    m.writeFile(where, '');
  }
  return `stand-in for ${c.what} (${c.neededBy.join(', ')}; from ${c.from ?? 'undeclared'})`;
}

/** A null device for a missing device node: the one prerequisite the machine cannot provide. */
function standInDevice(m: Machine, c: HostCheck): string {
  const node = c.id.replace(/^device:/, '');
  // A folder of devices (/dev/dri) must hold at least one node.
  const target = node === '/dev/dri' ? `${node}/renderD128` : node;
  m.root(['sh', '-c', 'mkdir -p "$(dirname "$1")" && mknod -m 666 "$1" c 1 3', 'sh', target], { check: true });
  return `stand-in null device ${target} for ${c.what} (no such hardware here: the stated exception)`;
}
