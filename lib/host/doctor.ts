import { App } from '../core/app';
import { Site } from '../core/site';
import { compareVersions } from '../quadlet/keys';
import { Fix, fixFor } from './fixes';
import { Prerequisite, PrerequisiteKind } from './need';
import { prerequisitesOf } from './prerequisites';
import { defaultUser, HostProbe, localProbe, PathInfo } from './probe';

/** ok: provided; missing: the site will not start as it is; unknown: could not be checked here. */
export type CheckStatus = 'ok' | 'missing' | 'unknown';

/** One prerequisite as found on a host. */
export interface HostCheck {
  /** The prerequisite's stable key (`sysctl:net.ipv4.ip_unprivileged_port_start`). */
  readonly id: string;
  /** Its kind. */
  readonly kind: PrerequisiteKind;
  /** What must hold, in one line. */
  readonly what: string;
  /** ok, missing or unknown. */
  readonly status: CheckStatus;
  /** What was found: `25`, `absent`, `podman version 5.4.2`. */
  readonly found: string;
  /** The unit files that need it. */
  readonly neededBy: string[];
  /** Why the site needs it. */
  readonly why: string;
  /** Where it comes from (host files). @default - not said */
  readonly from?: string;
  /** A file of the site's output that provides it, relative to the app's output folder. @default - none */
  readonly shipped?: string;
  /** How to provide it: text for people, a command for tools (see Fix). */
  readonly fix: Fix;
}

/** What `checkHost` found for one site. */
export interface HostReport {
  /** The site's name. */
  readonly site: string;
  /** The user the site runs as. */
  readonly user: string;
  /** The root that was looked at. */
  readonly where: string;
  /** No check is missing. */
  readonly ok: boolean;
  /** One check per prerequisite, in the order of the host-preparation page. */
  readonly checks: HostCheck[];
}

export interface CheckHostOptions {
  /** The host tree to look at. @default '/' */
  readonly root?: string;
  /** Look through this instead of the files under `root` (the real-run harness does). @default - localProbe(root) */
  readonly probe?: HostProbe;
  /** The user the rootless site runs as. @default - $SUDO_USER, else the current user */
  readonly user?: string;
  /** The site's rendered files (SynthResult.files): paths the site generates are not checked. @default - a fresh in-memory synth of the site's app */
  readonly files?: Iterable<{ readonly path: string; readonly constructPath?: string }>;
  /** Kinds not to check, e.g. `['port']` when the site is already running and holds its ports. @default - none */
  readonly skip?: PrerequisiteKind[];
}

interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly gids: number[];
}

/**
 * Checks a host against every prerequisite of `site` before anything starts: sysctls, linger,
 * sockets, devices, files present and readable, ports free, podman and systemd releases,
 * subordinate ids. Reads only; never changes the host. `apply` runs it first.
 */
export function checkHost(site: Site, options: CheckHostOptions = {}): HostReport {
  const probe = options.probe ?? localProbe(options.root ?? '/');
  const user = options.user ?? (site.rootless ? defaultUser() : 'root');
  const files = options.files ?? App.of(site)?.synthFiles({ allowErrors: true }).files ?? [];
  const account = accountOf(probe, user);
  const skip = new Set(options.skip ?? []);
  const checks = prerequisitesOf(site, files).filter((p) => !skip.has(p.kind)).map((p): HostCheck => {
    const [status, found] = examine(p, site, probe, account, user);
    return { id: p.id, kind: p.kind, what: p.what, status, found, neededBy: p.neededBy, why: p.why, from: p.from, shipped: p.shipped, fix: fixFor(p, site, user) };
  });
  return { site: site.name, user, where: probe.where, ok: checks.every((c) => c.status !== 'missing'), checks };
}

function accountOf(probe: HostProbe, user: string): Account | undefined {
  const line = (probe.read('/etc/passwd') ?? '').split('\n').map((l) => l.split(':')).find((f) => f[0] === user && f.length >= 7);
  if (!line) return undefined;
  const gid = Number(line[3]);
  const gids = [gid];
  for (const g of (probe.read('/etc/group') ?? '').split('\n').map((l) => l.split(':'))) {
    if (g.length >= 4 && g[3].split(',').includes(user)) gids.push(Number(g[2]));
  }
  return { name: user, uid: Number(line[2]), gid, home: line[5], gids };
}

function groupMember(probe: HostProbe, account: Account, group: string): boolean {
  const g = (probe.read('/etc/group') ?? '').split('\n').map((l) => l.split(':')).find((f) => f[0] === group);
  return !!g && (g[3]?.split(',').includes(account.name) || Number(g[2]) === account.gid);
}

/** Whether `account` may read (and run) what `info` describes, by its permission bits. */
function allowed(info: PathInfo, account: Account, bits: number): boolean {
  if (account.uid === 0) return true;
  const shift = info.uid === account.uid ? 6 : account.gids.includes(info.gid) ? 3 : 0;
  return ((info.mode >> shift) & bits) === bits;
}

function examine(p: Prerequisite, site: Site, probe: HostProbe, account: Account | undefined, user: string): [CheckStatus, string] {
  const noUser: [CheckStatus, string] = ['missing', `no user ${user} in ${probe.where === '/' ? '' : probe.where}/etc/passwd`];
  const expand = (x: string) => (account ? x.replace(/^%h(?=\/|$)/, account.home).replace(/^%t(?=\/|$)/, site.rootless ? `/run/user/${account.uid}` : '/run') : undefined);
  switch (p.kind) {
    case 'podman':
    case 'systemd': {
      const line = probe.version(p.kind === 'podman' ? 'podman' : 'systemctl');
      if (line === null) return ['missing', `${p.kind === 'podman' ? 'podman' : 'systemctl'} is not installed`];
      if (line === undefined) return ['unknown', `not run under ${probe.where}`];
      const v = p.kind === 'podman' ? /(\d+\.\d+\.\d+)/.exec(line)?.[1] : /systemd (\d+)/.exec(line)?.[1];
      if (!v) return ['unknown', line];
      const newEnough = p.kind === 'podman' ? compareVersions(v, p.minVersion!) >= 0 : Number(v) >= Number(p.minVersion);
      return [newEnough ? 'ok' : 'missing', line];
    }
    case 'subids': {
      if (!account) return noUser;
      const count = (file: string) => (probe.read(file) ?? '').split('\n').map((l) => l.split(':'))
        .filter((f) => f.length === 3 && (f[0] === user || f[0] === String(account.uid))).reduce((n, f) => n + Number(f[2]), 0);
      const [u, g] = [count('/etc/subuid'), count('/etc/subgid')];
      return [u >= 65536 && g >= 65536 ? 'ok' : 'missing', `${u} subuids, ${g} subgids`];
    }
    case 'linger': {
      const on = probe.stat(`/var/lib/systemd/linger/${user}`) !== undefined;
      return [on ? 'ok' : 'missing', on ? 'enabled' : 'not enabled'];
    }
    case 'sysctl': {
      const key = p.sysctl!.key;
      const raw = probe.read(`/proc/sys/${key.replace(/\./g, '/')}`)?.trim();
      if (raw === undefined || !/^\d+$/.test(raw)) return ['unknown', `${key} unreadable`];
      return [Number(raw) <= p.sysctl!.atMost ? 'ok' : 'missing', `${key} = ${raw}`];
    }
    case 'host-unit':
      return hostUnit(p.unit!, site, probe, account);
    case 'device': {
      const d = p.device!;
      const info = probe.stat(d.path);
      const present = info?.type === 'char-device' || (info?.type === 'folder' && (probe.list(d.path) ?? []).length > 0);
      if (!present) return ['missing', info ? `${d.path} holds no device` : `no ${d.path}`];
      if (!account) return noUser;
      const out = d.groups.filter((g) => !groupMember(probe, account, g));
      return out.length ? ['missing', `${user} is not in group ${out.join(', ')}`] : ['ok', `${d.path} present`];
    }
    case 'path': {
      const where = expand(p.path!.path);
      if (!where) return noUser;
      const info = probe.stat(where);
      const type = p.path!.type;
      if (!info) return ['missing', `no ${where}`];
      const want = type === 'folder' ? 'folder' : 'file';
      if (info.type !== want) return ['missing', `${where} is a ${info.type}, not a ${want}`];
      const bits = type === 'executable' ? 5 : type === 'folder' ? 5 : 4;
      if (account && !allowed(info, account, bits)) return ['missing', `${where} is not ${type === 'executable' ? 'executable' : 'readable'} by ${user} (mode ${info.mode.toString(8)})`];
      return ['ok', where];
    }
    case 'port': {
      const busy = listening(probe, p.port!.protocol).find((l) => l.port === p.port!.port && (l.any || p.port!.address === '0.0.0.0' || l.address === p.port!.address));
      if (busy === undefined && probe.read(`/proc/net/${p.port!.protocol}`) === undefined) return ['unknown', `/proc/net/${p.port!.protocol} unreadable`];
      return busy ? ['missing', `${busy.any ? '*' : busy.address}:${busy.port} is in use`] : ['ok', 'free'];
    }
  }
}

function hostUnit(unit: string, site: Site, probe: HostProbe, account: Account | undefined): [CheckStatus, string] {
  if (site.rootless && !account) return ['missing', 'no such user'];
  const dirs = site.rootless
    ? [`${account!.home}/.config/systemd/user`, '/etc/systemd/user', '/usr/lib/systemd/user', '/lib/systemd/user']
    : ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
  if (!dirs.some((d) => probe.stat(`${d}/${unit}`))) return ['missing', `${unit} is not installed (the podman package ships it)`];
  const own = dirs[0];
  const target = site.partOfTarget;
  const targetText = target === undefined ? '' : probe.read(`${own}/${target}`) ?? '';
  const wantedByTarget = targetText.split('\n').some((l) => l.startsWith('Wants=') && l.slice('Wants='.length).split(/\s+/).includes(unit));
  const enabled = ['sockets.target.wants', 'default.target.wants', 'multi-user.target.wants'].some((w) => probe.stat(`${own}/${w}/${unit}`));
  if (wantedByTarget) return ['ok', `wanted by the installed ${target}`];
  if (enabled) return ['ok', 'enabled'];
  return ['missing', `${unit} is neither enabled nor wanted by an installed ${target ?? 'site target'}`];
}

interface Listener {
  readonly address: string;
  readonly port: number;
  readonly any: boolean;
}

/** Listening sockets from /proc/net/{tcp,tcp6,udp,udp6}. */
function listening(probe: HostProbe, protocol: 'tcp' | 'udp'): Listener[] {
  const out: Listener[] = [];
  for (const v6 of [false, true]) {
    const lines = (probe.read(`/proc/net/${protocol}${v6 ? '6' : ''}`) ?? '').split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      if (protocol === 'tcp' ? f[3] !== '0A' : f[3] !== '07') continue;
      const [hex, portHex] = f[1].split(':');
      const any = /^0+$/.test(hex);
      const address = v6 ? (hex === '00000000000000000000000001000000' ? '::1' : hex) : hex.match(/../g)!.reverse().map((b) => parseInt(b, 16)).join('.');
      out.push({ address, port: parseInt(portHex, 16), any });
    }
  }
  return out;
}

/** One line per check, for people: `ok      ...` / `MISSING ...` with the fix under it. */
export function formatHostReport(r: HostReport): string {
  const lines = [`site ${r.site} on ${r.where} as ${r.user}:`];
  for (const c of r.checks) {
    const mark = c.status === 'ok' ? 'ok     ' : c.status === 'missing' ? 'MISSING' : 'unknown';
    lines.push(`  ${mark} ${c.what}${c.neededBy.length ? ` (${c.neededBy.join(', ')})` : ''}: ${c.found}`);
    if (c.status === 'missing') lines.push(`          fix: ${c.fix.text}`);
  }
  const missing = r.checks.filter((c) => c.status === 'missing').length;
  lines.push(missing ? `  ${missing} missing` : '  everything the site needs is there');
  return lines.join('\n') + '\n';
}
