import { Construct } from 'constructs';
import { RenderContext, Resource } from '../core/resource';
import { Site } from '../core/site';
import { headerFor } from '../quadlet/unit';
import './codes';
import { hostFilesOf, unitNeeds } from './derive';
import { PREREQUISITE_KINDS, Prerequisite } from './need';
import { generatedPaths } from './paths';

/** The sysctl a rootless site lowers to publish ports below 1024. */
export const UNPRIVILEGED_PORT_SYSCTL = 'net.ipv4.ip_unprivileged_port_start';

/** The oldest systemd the generated units are checked against (Debian 12's). */
export const MIN_SYSTEMD = '252';

const ID = 'host-prerequisites';

/**
 * Everything the host must provide for `site` to start, derived from its units and merged by
 * subject: sysctls, host units, devices, host files and folders, free ports, and, site-wide,
 * the podman and systemd releases, linger and subordinate ids (rootless). `files` are the
 * site's rendered files: paths the site generates are not prerequisites.
 */
export function prerequisitesOf(site: Site, files: Iterable<{ readonly path: string; readonly constructPath?: string }>): Prerequisite[] {
  const own = [...files].filter((f) => f.constructPath === undefined || f.constructPath === site.node.path || f.constructPath.startsWith(`${site.node.path}/`));
  const generated = generatedPaths(site, own);
  const declared = hostFilesOf(site);
  const byId = new Map<string, Prerequisite & { neededBy: string[] }>();
  const add = (p: Prerequisite, unit?: string) => {
    const prior = byId.get(p.id);
    const entry = prior ?? { ...p, neededBy: [] };
    if (unit && !entry.neededBy.includes(unit)) entry.neededBy.push(unit);
    byId.set(p.id, entry);
  };
  add({ id: 'podman', kind: 'podman', what: `podman ${site.podmanVersion} or later`, neededBy: [], why: 'the site\'s units use keys of this release', minVersion: site.podmanVersion });
  add({ id: 'systemd', kind: 'systemd', what: `systemd ${MIN_SYSTEMD} or later`, neededBy: [], why: 'runs the units (quadlet generator, user manager)', minVersion: MIN_SYSTEMD });
  if (site.rootless) {
    add({ id: 'subids', kind: 'subids', what: 'subordinate uid and gid ranges (65536 each) for the user', neededBy: [], why: 'rootless podman maps container users into them' });
    add({ id: 'linger', kind: 'linger', what: 'linger enabled for the user', neededBy: [], why: 'without it the user\'s units stop at logout and do not start at boot' });
  }
  const lowPorts: Array<{ unit: string; port: number }> = [];
  for (const { unit, need } of unitNeeds(site)) {
    switch (need.kind) {
      case 'sysctl-port':
        lowPorts.push({ unit, port: need.port });
        break;
      case 'host-unit':
        add({ id: `host-unit:${need.unit}`, kind: 'host-unit', what: `${need.unit} enabled`, neededBy: [], why: `creates the podman API socket the unit mounts`, unit: need.unit }, unit);
        break;
      case 'device':
        add({ id: `device:${need.path}`, kind: 'device', what: `device ${need.path}${need.groups.length ? `, the user in group ${need.groups.join(', ')}` : ''}`, neededBy: [], why: 'added to the container', device: { path: need.path, groups: need.groups } }, unit);
        break;
      case 'port':
        add({ id: `port:${need.protocol}:${need.address}:${need.port}`, kind: 'port', what: `${need.protocol} port ${need.address}:${need.port} free`, neededBy: [], why: 'published by the container', port: { port: need.port, address: need.address, protocol: need.protocol } }, unit);
        break;
      case 'path': {
        if (generated.has(need.path)) break;
        const decl = declared.get(need.path);
        const type = decl?.props.type ?? need.type;
        const template = need.template && generated.has(need.template) ? need.template : undefined;
        add({
          id: `path:${need.path}`, kind: 'path', what: `${type} ${need.path.replace(/^%h\//, '~/')}`, neededBy: [],
          why: template ? `${need.why}; the site ships only its template, without secret values` : `${need.why} by the unit; the site does not generate it`,
          from: decl?.props.from, path: { path: need.path, type, template },
        }, unit);
        break;
      }
    }
  }
  if (lowPorts.length) {
    const min = Math.min(...lowPorts.map((x) => x.port));
    const sysctl: Prerequisite = {
      id: `sysctl:${UNPRIVILEGED_PORT_SYSCTL}`, kind: 'sysctl', what: `${UNPRIVILEGED_PORT_SYSCTL} <= ${min}`, neededBy: [],
      why: `rootless ports below 1024: ${lowPorts.map((x) => `${x.unit} ${x.port}`).join(', ')}`,
      sysctl: { key: UNPRIVILEGED_PORT_SYSCTL, atMost: min }, shipped: site.pathOf('host', sysctlFileName(site)),
    };
    for (const x of lowPorts) add(sysctl, x.unit);
  }
  const rank = (p: Prerequisite) => PREREQUISITE_KINDS.indexOf(p.kind);
  return [...byId.values()]
    .map((p) => ({ ...p, neededBy: [...p.neededBy].sort() }))
    .sort((a, b) => rank(a) - rank(b) || (a.port?.port ?? 0) - (b.port?.port ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `etc/sysctl.d/60-<site>.conf`, under the output's host area. */
export function sysctlFileName(site: Site): string {
  return `etc/sysctl.d/60-${site.name}.conf`;
}

/**
 * Renders the prerequisites that are files: `host/etc/sysctl.d/60-<site>.conf` when the site
 * needs a sysctl. One per site, created by the constructs that need it (`HostPrerequisites.of`).
 */
export class HostPrerequisites extends Resource {
  /** The site's instance, created on first use. */
  public static of(site: Site): HostPrerequisites {
    const existing = site.node.tryFindChild(ID);
    return existing instanceof HostPrerequisites ? existing : new HostPrerequisites(site, ID);
  }

  public readonly kind = 'host-prerequisites';
  public readonly renderAfterOthers = true;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  public render(ctx: RenderContext): void {
    const site = this.site;
    const sysctls = prerequisitesOf(site, ctx.files.values()).filter((p) => p.sysctl);
    if (sysctls.length === 0) return;
    const lines = headerFor(this.node.path).map((l) => `# ${l}`);
    for (const p of sysctls) {
      lines.push(`# ${p.why}.`, '# Install: sudo install -m 644 <this file> /etc/sysctl.d/ && sudo sysctl -p /etc/sysctl.d/' + sysctlFileName(site).split('/').pop());
      lines.push(`${p.sysctl!.key} = ${p.sysctl!.atMost}`);
    }
    ctx.emit('host', sysctlFileName(site), lines.join('\n') + '\n');
  }
}
