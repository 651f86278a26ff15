import { resourcesIn } from '../core/resource';
import { Site } from '../core/site';
import { literalOf, UnitValue } from '../render/systemd-value';
import type { Container } from '../quadlet/container';
import type { EnvFile } from '../quadlet/env-file';
import type { Mount } from '../quadlet/mounts';
import type { Service } from '../systemd/service';
import type { HostFile } from './host-file';
import { HostNeed, HostPathType, IHostNeeds } from './need';

/** One need with the unit that states it. */
export interface UnitNeed {
  /** The unit file that states it (`caddy.container`). */
  readonly unit: string;
  /** What it needs. */
  readonly need: HostNeed;
}

/** Host paths that exist on every Linux host: mounting them needs nothing. */
const ALWAYS_THERE = /^\/(proc|sys|dev|run|tmp|etc\/localtime)?(\/|$)/;

/** A path's use when the unit does not say: a name with an extension is a file (x.d folders aside). */
export function guessPathType(path: string): HostPathType {
  const base = path.split('/').pop() ?? '';
  return /\.[A-Za-z0-9]+$/.test(base) && !base.endsWith('.d') ? 'file' : 'folder';
}

/** A host path a unit names, if it is one the host must hold (absolute or under %h, not a system path). */
function hostPathOf(v: UnitValue): string | undefined {
  const p = literalOf(v).replace(/\/+$/, '') || '/';
  if (p.startsWith('%h/')) return p;
  if (!p.startsWith('/') || p === '/' || ALWAYS_THERE.test(p)) return undefined;
  return p;
}

function mountNeeds(mounts: readonly Mount[], socketUnits: readonly string[], why: string): HostNeed[] {
  const out: HostNeed[] = [];
  for (const m of mounts) {
    if (!('hostPath' in m)) continue;
    const path = hostPathOf(m.hostPath);
    if (!path || (socketUnits.length && /podman\.sock$/.test(path))) continue;
    out.push({ kind: 'path', path, type: guessPathType(path), why });
  }
  return out;
}

function containerNeeds(c: Container, rootless: boolean): HostNeed[] {
  const p = c.props;
  const out: HostNeed[] = [];
  for (const m of p.publish ?? []) {
    const port = m.host ?? m.container;
    out.push({ kind: 'port', port, address: m.public ? '0.0.0.0' : m.bind ?? '127.0.0.1', protocol: m.protocol ?? 'tcp' });
    if (rootless && port < 1024) out.push({ kind: 'sysctl-port', port });
  }
  for (const unit of c.hostUnits) out.push({ kind: 'host-unit', unit });
  out.push(...mountNeeds(p.volumes ?? [], c.hostUnits, 'mounted'));
  const groups = (p.groupAdd ?? []).map((g) => literalOf(g)).filter((g) => !/^\d+$/.test(g) && g !== 'keep-groups');
  for (const d of p.addDevice ?? []) {
    const spec = literalOf(d);
    if (spec.startsWith('-')) continue; // an optional device: podman skips it when absent
    out.push({ kind: 'device', path: spec.split(':')[0], groups });
  }
  for (const f of c.envFiles) out.push(envFileNeed(f));
  return out;
}

function envFileNeed(f: EnvFile): HostNeed {
  return { kind: 'path', path: f.hostPath.text, type: 'file', why: 'read as an env file', template: `${f.hostPath.text}.tmpl` };
}

function serviceNeeds(s: Service): HostNeed[] {
  const job = s.job as { readonly props?: { readonly argv?: UnitValue[]; readonly volumes?: Mount[] }; readonly serviceEnvFiles?: EnvFile[] } | undefined;
  const out: HostNeed[] = [];
  const bin = job?.props?.argv?.[0];
  const path = bin === undefined ? undefined : hostPathOf(bin);
  if (path && !/^\/(usr|bin|sbin)\//.test(path)) out.push({ kind: 'path', path, type: 'executable', why: 'run' });
  out.push(...mountNeeds(job?.props?.volumes ?? [], [], 'mounted'));
  for (const f of [...(job?.serviceEnvFiles ?? []), ...((job?.props as { envFiles?: EnvFile[] } | undefined)?.envFiles ?? [])]) out.push(envFileNeed(f));
  return out;
}

/** Every need the site's units state, each with its unit file, in tree order. */
export function unitNeeds(site: Site): UnitNeed[] {
  const out: UnitNeed[] = [];
  for (const r of resourcesIn(site)) {
    const unit = (r as { readonly unitFileName?: string }).unitFileName ?? r.node.path;
    let needs: HostNeed[] = [];
    if (r.kind === 'container') needs = containerNeeds(r as unknown as Container, site.rootless);
    else if (r.kind === 'service') needs = serviceNeeds(r as unknown as Service);
    else if (typeof (r as unknown as Partial<IHostNeeds>).hostNeeds === 'function') needs = (r as unknown as IHostNeeds).hostNeeds();
    out.push(...needs.map((need) => ({ unit, need })));
  }
  return out;
}

/** The HostFile declarations of the site, by path. */
export function hostFilesOf(site: Site): Map<string, HostFile> {
  return new Map(resourcesIn(site).filter((r): r is HostFile => r.kind === 'host-file').map((h) => [h.path, h]));
}
