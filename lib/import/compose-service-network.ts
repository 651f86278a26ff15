/**
 * A compose service's ports, volumes, networks and `depends_on`, mapped onto the props of its
 * Container (see compose-service.ts for the mapper and the other sections).
 */
import { Ref, unitOf, Value } from './model';
import type { ServiceMapper } from './compose-service';
import { hostPathValue, list } from './values';

export function mapPorts(m: ServiceMapper): void {
  const publish: Value[] = [];
  const declared = new Set<number>();
  for (const p of list(m.take('ports'))) {
    const parsed = parsePort(p);
    if (!parsed) {
      m.todo('ports', `cannot read port ${JSON.stringify(p)}`);
      continue;
    }
    const { ip, hostRange, containerRange, protocol } = parsed;
    const all = ip === undefined || ip === '' || ip === '0.0.0.0' || ip === '::';
    if (protocol !== 'tcp' && protocol !== 'udp') {
      m.decl.entries.push(['Container', 'PublishPort', portText(p)]);
      m.note('IMPORT004', 'ports', `${portText(p)} (${protocol}) written as a raw PublishPort= line`);
      continue;
    }
    const ok = hostRange === undefined || hostRange[1] - hostRange[0] === containerRange[1] - containerRange[0];
    if (!ok || containerRange[1] - containerRange[0] > 100) {
      m.decl.entries.push(['Container', 'PublishPort', portText(p)]);
      m.note('IMPORT004', 'ports', `${portText(p)} written as a raw PublishPort= line (uneven or very long range)`);
      continue;
    }
    if (hostRange === undefined) {
      // No host port: compose publishes on a random one. Keep that: a raw line says exactly it.
      m.decl.entries.push(['Container', 'PublishPort', portText(p)]);
      m.note('IMPORT004', 'ports', `${portText(p)} publishes on a random host port; kept as a raw PublishPort= line`);
      for (let c = containerRange[0]; c <= containerRange[1]; c++) declared.add(c);
      continue;
    }
    for (let i = 0; i <= containerRange[1] - containerRange[0]; i++) {
      const container = containerRange[0] + i;
      const host = hostRange[0] + i;
      const mapping: Record<string, Value> = { container };
      if (host !== container) mapping.host = host;
      if (protocol === 'udp') mapping.protocol = 'udp';
      if (all) mapping.public = true;
      else mapping.bind = ip;
      publish.push(mapping);
    }
    if (all) m.note('IMPORT005', 'ports', `${portText(p)} is published on every interface, as compose does; the site keeps it public`);
  }
  for (const e of list(m.take('expose'))) {
    const n = parseInt(String(e), 10);
    if (Number.isInteger(n)) declared.add(n);
  }
  if (publish.length) m.set('publish', publish);
  if (declared.size) m.set('ports', [...declared].sort((a, b) => a - b));
}

export function mapVolumes(m: ServiceMapper): void {
  const mounts: Value[] = [];
  const tmpfs: string[] = [];
  const mount: string[] = [];
  for (const v of list(m.take('volumes'))) {
    const spec = typeof v === 'string' ? parseShortVolume(v) : v;
    if (!spec || typeof spec !== 'object') {
      m.todo('volumes', `cannot read ${JSON.stringify(v)}`);
      continue;
    }
    const type = spec.type ?? 'volume';
    const target = String(spec.target ?? '');
    const opts: string[] = [];
    if (spec.bind?.propagation) opts.push(String(spec.bind.propagation));
    if (spec.bind?.selinux) opts.push(String(spec.bind.selinux));
    if (spec.volume?.nocopy) opts.push('nocopy');
    if (spec.volume?.subpath) m.todo('volumes', `subpath ${spec.volume.subpath} of ${spec.source}: mount the volume and use the subfolder`);
    for (const o of spec.options ?? []) opts.push(o);
    const base: Record<string, Value> = {};
    if (type === 'tmpfs') {
      const t = [spec.tmpfs?.size !== undefined ? `size=${spec.tmpfs.size}` : '', spec.tmpfs?.mode !== undefined ? `mode=${Number(spec.tmpfs.mode).toString(8)}` : ''].filter((x) => x);
      tmpfs.push(t.length ? `${target}:${t.join(',')}` : target);
      continue;
    }
    if (type === 'image') {
      mount.push(`type=image,source=${spec.source},target=${target}`);
      m.note('IMPORT004', 'volumes', `image mount of ${spec.source} written as Mount=`);
      continue;
    }
    if (type !== 'volume' && type !== 'bind') {
      m.todo('volumes', `${type} mounts have no podman equivalent`);
      continue;
    }
    if (!spec.source) {
      // An anonymous volume: podman makes one for a bare target.
      m.decl.entries.push(['Container', 'Volume', target]);
      m.note('IMPORT004', 'volumes', `anonymous volume at ${target} written as a raw Volume= line`);
      continue;
    }
    if (type === 'bind') {
      base.hostPath = hostPathValue(String(spec.source), m.ctx.homeDir);
      if (spec.bind?.create_host_path === false) m.note('IMPORT011', 'volumes', `${spec.source}: podman refuses a missing bind source too`);
    } else base.volume = m.ctx.volume(String(spec.source));
    base.path = target;
    if (spec.read_only) base.readOnly = true;
    if (opts.length) base.options = opts;
    mounts.push(base);
  }
  const tm = m.take('tmpfs');
  for (const t of list(tm)) tmpfs.push(String(t));
  if (mounts.length) m.set('volumes', mounts);
  if (tmpfs.length) m.set('tmpfs', tmpfs);
  if (mount.length) m.set('mount', mount);
  const from = m.take('volumes_from');
  for (const f of list(from)) {
    const [src, mode] = String(f).replace(/^service:/, '').split(':');
    const other = m.ctx.containers.get(src);
    const name = other ? unitOf(other) : src.replace(/^container:/, '');
    m.hatch('volumes_from', [`--volumes-from=${name}${mode ? `:${mode}` : ''}`]);
  }
}

export function mapNetworks(m: ServiceMapper): void {
  const mode = m.take('network_mode');
  const nets = m.take('networks');
  const aliases = new Set<string>();
  if (typeof mode === 'string') {
    if (['host', 'none', 'pasta', 'slirp4netns', 'private'].includes(mode)) m.set('networkMode', mode);
    else if (mode.startsWith('service:')) {
      const other = m.ctx.containers.get(mode.slice(8));
      if (other) m.set('networkOf', new Ref(other));
      else m.todo('network_mode', `${mode} names a service that is not imported`);
    } else if (mode.startsWith('container:')) {
      m.set('networks', []);
      m.decl.entries.push(['Container', 'Network', mode]);
      m.note('IMPORT004', 'network_mode', `${mode} written as a raw Network= line`);
    } else if (mode !== 'bridge' && mode !== 'default') m.todo('network_mode', `${mode} has no podman equivalent`);
    return;
  }
  if (nets === undefined || nets === null) return;
  const refs: Value[] = [];
  const entries: Array<[string, any]> = Array.isArray(nets) ? nets.map((n) => [String(n), null]) : Object.entries(nets);
  const ips: Array<[string, string]> = [];
  for (const [key, cfg] of entries) {
    refs.push(m.ctx.network(key));
    for (const a of list(cfg?.aliases)) aliases.add(String(a));
    if (cfg?.ipv4_address) ips.push(['ip', String(cfg.ipv4_address)]);
    if (cfg?.ipv6_address) ips.push(['ip6', String(cfg.ipv6_address)]);
    for (const k of Object.keys(cfg ?? {})) {
      if (!['aliases', 'ipv4_address', 'ipv6_address'].includes(k)) m.todo(`networks.${key}.${k}`, 'no per-network setting for it');
    }
  }
  m.set('networks', refs);
  if (aliases.size) m.set('networkAlias', [...aliases]);
  if (ips.length && entries.length === 1) for (const [k, ip] of ips) m.set(k, ip);
  else if (ips.length) m.todo('networks', 'fixed addresses on several networks: quadlet sets one IP= for all');
}

/**
 * `depends_on` -> `dependsOn` specs: `required: false` is `wants` (compose goes on without it),
 * otherwise `requires`; `service_healthy` is `ready: 'healthy'` (checked against the
 * dependency's health check once every service is mapped, see `checkReadiness`).
 */
export function mapDependencies(m: ServiceMapper): void {
  const deps = m.take('depends_on');
  if (deps === undefined) return;
  const entries: Array<[string, any]> = Array.isArray(deps) ? deps.map((d) => [String(d), {}]) : Object.entries(deps ?? {});
  const specs: Value[] = [];
  for (const [dep, cfg] of entries) {
    const other = m.ctx.containers.get(dep);
    if (!other) {
      m.note('IMPORT010', `depends_on.${dep}`, `${dep} is not an imported service (inactive profile or undefined): the dependency is left out`);
      continue;
    }
    const condition = cfg?.condition ?? 'service_started';
    const spec: Record<string, Value> = { unit: new Ref(other) };
    if (cfg?.required === false) spec.strength = 'wants';
    if (condition === 'service_healthy') spec.ready = 'healthy';
    else if (condition === 'service_completed_successfully') {
      other.props.service = { ...((other.props.service as object) ?? {}), type: 'oneshot' };
      m.note('IMPORT009', `depends_on.${dep}`, `service_completed_successfully: ${dep} runs as a oneshot unit and ${m.name} starts after it has finished`);
    }
    if (cfg?.required === false && cfg?.restart === true) {
      m.note('IMPORT009', `depends_on.${dep}.restart`, `restart: true with required: false: a Wants= dependency does not restart ${m.name} with ${dep}; make it strength 'requires' if it must`);
    }
    specs.push(Object.keys(spec).length === 1 ? spec.unit : spec);
  }
  if (specs.length) m.set('dependsOn', specs);
}

function portText(p: unknown): string {
  if (typeof p === 'object' && p !== null) {
    const o = p as Record<string, any>;
    return `${o.host_ip ? `${o.host_ip}:` : ''}${o.published !== undefined ? `${o.published}:` : ''}${o.target}${o.protocol && o.protocol !== 'tcp' ? `/${o.protocol}` : ''}`;
  }
  return String(p);
}

function range(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const a = parseInt(m[1], 10);
  const b = m[2] ? parseInt(m[2], 10) : a;
  return b >= a ? [a, b] : undefined;
}

/** Short (`[ip:][host:]container[/proto]`) or long port syntax. */
export function parsePort(p: unknown): { ip?: string; hostRange?: [number, number]; containerRange: [number, number]; protocol: string } | undefined {
  if (typeof p === 'number') return { containerRange: [p, p], protocol: 'tcp' };
  if (p && typeof p === 'object') {
    const o = p as Record<string, any>;
    const c = range(String(o.target));
    if (!c) return undefined;
    const h = o.published === undefined || o.published === '' ? undefined : range(String(o.published));
    return { ip: o.host_ip, hostRange: h, containerRange: c, protocol: String(o.protocol ?? 'tcp') };
  }
  if (typeof p !== 'string') return undefined;
  let s = p;
  let protocol = 'tcp';
  const slash = s.lastIndexOf('/');
  if (slash >= 0) {
    protocol = s.slice(slash + 1);
    s = s.slice(0, slash);
  }
  let ip: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    ip = s.slice(1, end);
    s = s.slice(end + 2);
  }
  const parts = s.split(':');
  if (parts.length > 3) {
    ip = parts.slice(0, -2).join(':');
    parts.splice(0, parts.length - 2);
  } else if (parts.length === 3) ip = parts.shift();
  const c = range(parts[parts.length - 1]);
  if (!c) return undefined;
  const hostText = parts.length === 2 ? parts[0] : undefined;
  const h = hostText ? range(hostText) : undefined;
  if (hostText && !h) return undefined;
  return { ip, hostRange: h, containerRange: c, protocol };
}

/** `src:dst[:mode]` or `dst` -> the long syntax. */
function parseShortVolume(v: string): Record<string, any> | undefined {
  const parts = v.split(':');
  if (parts.length === 1) return { type: 'volume', target: parts[0] };
  const [source, target, mode] = parts;
  const isPath = /^[./~]/.test(source);
  const modes = (mode ?? '').split(',').filter((x) => x);
  const out: Record<string, any> = { type: isPath ? 'bind' : 'volume', source, target };
  if (modes.includes('ro')) out.read_only = true;
  out.options = modes.filter((x) => x !== 'ro' && x !== 'rw');
  return out;
}
