import * as fs from 'fs';
import * as path from 'path';
import { Machine } from './machine';
import { InstalledSite, unitKeys } from './site';

/** Options of `prepareHost`. */
export interface PrepareOptions {
  /**
   * Also stand in for what a real host would hold but the site does not ship (a structural run):
   * host files and folders a unit mounts, executables a service runs, device nodes (null devices
   * in place of a GPU). Each is listed in the returned lines. @default false
   */
  readonly standInHostFiles?: boolean;
}

/**
 * Provides the host prerequisites a site's units show, inside the machine only, and says what it
 * did and for which units:
 * - `net.ipv4.ip_unprivileged_port_start` lowered to the lowest published host port, when a
 *   rootless container publishes a port below 1024 (the machine has its own network namespace);
 * - `podman.socket` enabled when a container mounts the user's Podman API socket;
 * - with `standInHostFiles`, empty stand-ins for missing mounted files and folders, a stay-up
 *   script for a missing `ExecStart=` executable, and null-device nodes for missing devices.
 */
export function prepareHost(m: Machine, site: InstalledSite, options: PrepareOptions = {}): string[] {
  const done: string[] = [];
  const containers = site.units.filter((u) => u.kind === 'container');
  const stem = (file: string) => path.posix.basename(file);

  const low = containers.flatMap((u) => unitKeys(u.text, 'PublishPort').map((p) => ({ unit: stem(u.file), port: hostPort(p) })))
    .filter((x): x is { unit: string; port: number } => x.port !== undefined && x.port < 1024);
  if (low.length) {
    const min = Math.min(...low.map((x) => x.port));
    m.root(['sysctl', '-q', '-w', `net.ipv4.ip_unprivileged_port_start=${min}`], { check: true });
    done.push(`net.ipv4.ip_unprivileged_port_start=${min} (rootless ports below 1024: ${low.map((x) => `${x.unit} ${x.port}`).join(', ')})`);
  }

  const sock = containers.filter((u) => unitKeys(u.text, 'Volume').some((v) => /^%t\/podman\/podman\.sock:/.test(v)));
  if (sock.length) {
    m.user(['systemctl', '--user', 'enable', '--now', 'podman.socket'], { check: true });
    done.push(`podman.socket enabled (${sock.map((u) => stem(u.file)).join(', ')} mount the user's Podman socket)`);
  }

  if (!options.standInHostFiles) return done;
  const expand = (p: string) => p.replace(/^%h/, m.home).replace(/^%t/, `/run/user/${m.uid}`);
  for (const u of containers) {
    for (const v of unitKeys(u.text, 'Volume')) {
      const src = v.split(':')[0];
      if (!/^(%h|\/)/.test(src)) continue; // named volumes and paths beside the unit ship with the site
      const inside = expand(src);
      if (fs.existsSync(m.hostPath(inside))) continue;
      // A name with an extension is a file (dovecot.conf), except the conventional x.d folders.
      const base = path.posix.basename(inside);
      const file = /\.[a-z0-9]+$/i.test(base) && !base.endsWith('.d');
      if (file) m.writeFile(inside, '');
      else {
        fs.mkdirSync(m.hostPath(inside), { recursive: true });
        if (inside.startsWith(`${m.home}/`)) m.chownToUser(inside);
      }
      done.push(`stand-in empty ${file ? 'file' : 'folder'} ${inside} (mounted by ${stem(u.file)})`);
    }
    for (const dev of unitKeys(u.text, 'AddDevice')) {
      const node = dev.replace(/^-/, '').split(':')[0];
      if (fs.existsSync(m.hostPath(node)) && (!fs.statSync(m.hostPath(node)).isDirectory() || fs.readdirSync(m.hostPath(node)).length)) continue;
      // A directory of devices (/dev/dri) must hold at least one node; a null device stands in for the GPU.
      const target = fs.existsSync(m.hostPath(node)) || node === '/dev/dri' ? `${node}/renderD128` : node;
      m.root(['sh', '-c', `mkdir -p "$(dirname "$1")" && mknod -m 666 "$1" c 1 3`, 'sh', target], { check: true });
      done.push(`stand-in null device ${target} (${stem(u.file)} adds ${node}; no such hardware here)`);
    }
  }
  for (const u of site.units.filter((x) => x.kind === 'service')) {
    for (const exec of unitKeys(u.text, 'ExecStart')) {
      const bin = exec.replace(/^[-@:+!]+/, '').split(/\s+/)[0];
      if (!/^(%h|\/)/.test(bin)) continue;
      const inside = expand(bin);
      if (fs.existsSync(m.hostPath(inside))) continue;
      m.writeFile(inside, '#!/bin/sh\n# stand-in written by the real-run harness\nexec sleep infinity\n', { mode: 0o755 });
      done.push(`stand-in executable ${inside} that stays up (run by ${u.unit})`);
    }
  }
  return done;
}

/** The host port of a `PublishPort=` value (`127.0.0.1:80:80`, `25:25`, `8080`), if it names one. */
export function hostPort(publish: string): number | undefined {
  const parts = publish.replace(/\/(tcp|udp|sctp)$/, '').split(':');
  const p = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return p && /^\d+$/.test(p) ? Number(p) : undefined;
}
