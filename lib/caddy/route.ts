import { commentLines } from '../core/names';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import { Reporter } from '../core/diagnostics';
import { Site } from '../core/site';
import { Container, ContainerPort } from '../quadlet/container';
import { resourcesIn } from '../core/resource';
import { headerFor } from '../quadlet/unit';
import { Caddy } from './caddy';
import './codes';
import { droppedPort } from '../quadlet/image-facts';
import './checks';

/** Where a route sends its traffic: exactly one of the three. */
export interface Upstream {
  /** A container's declared port, dialled by container name: `openwebui.port(8080)`. @default - none */
  readonly target?: ContainerPort;
  /**
   * A port of a host service that listens on the host's own address (not only 127.0.0.1),
   * dialled through `host.containers.internal`. A port a container publishes on 127.0.0.1 does
   * not answer there (CADDY020): route to the container with `target` instead.
   * @default - none
   */
  readonly hostPort?: number;
  /** Any other address Caddy can dial: `host:port`, optionally with http:// or https://. @default - none */
  readonly upstream?: string;
}

/** A path on a route that goes to its own upstream (matched before the route's main upstream). */
export interface PathRoute extends Upstream {
  /** A path matcher: `/notifications/hub`, or a prefix `/api/*`. */
  readonly path: string;
}

export interface RouteProps extends Upstream {
  /** The public hostname, under one of the site's domains: `chat.sodimo.eu`. */
  readonly host: string;
  /** Paths that go elsewhere. WebSocket upgrades need none: reverse_proxy passes them through. @default - none */
  readonly paths?: PathRoute[];
  /** The route file's base name: `routes/<name>.caddy`. @default - the construct id */
  readonly name?: string;
  /** A comment at the top of the route file. @default - none */
  readonly description?: string;
}

/** The name Caddy dials for the host through podman. */
export const HOST_GATEWAY = 'host.containers.internal';

const HOSTNAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const UPSTREAM = /^(?:(https?):\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(.*)$/;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)$/;
const PATH = /^\/[A-Za-z0-9._~!$&'()+,;=:@%/-]*\*?$/;

/**
 * One hostname on Caddy: `routes/<name>.caddy`, a complete `http://<host>` site block that
 * reverse-proxies to a container port, a host port or an address. Created inside its Caddy:
 * `new Route(caddy, 'openwebui', { host: 'chat.sodimo.eu', target: openwebui.port(8080) })`.
 */
export class Route extends Resource {
  public readonly kind = 'route';
  /** Marks routes for Caddy.routes without an import cycle. */
  public readonly isRoute = true;
  public readonly caddy: Caddy;
  public readonly props: RouteProps;
  public readonly name: string;

  public constructor(caddy: Caddy, id: string, props: RouteProps) {
    super(caddy, id);
    this.caddy = caddy;
    this.props = props;
    this.name = props.name ?? id;
  }

  /** The public hostname. */
  public get host(): string {
    return this.props.host;
  }

  /** The file, relative to the Caddy folder. */
  public get fileName(): string {
    return `routes/${this.name}.caddy`;
  }

  /** The address `reverse_proxy` dials for an upstream, or undefined when it has none or several. */
  public static dialOf(u: Upstream): string | undefined {
    const given = [u.target, u.hostPort, u.upstream].filter((x) => x !== undefined);
    if (given.length !== 1) return undefined;
    if (u.target) return `${u.target.container.hostname}:${u.target.port}`;
    if (u.hostPort !== undefined) return `${HOST_GATEWAY}:${u.hostPort}`;
    return u.upstream;
  }

  public validate(ctx: ValidationContext): void {
    const report = ctx.report;
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(this.name)) report('CADDY018', `"${this.name}" cannot be a route file name`);
    checkHostname(this.host, ctx.site, report);
    this.checkUpstream(this.props, `route ${this.host}`, report);
    const seen = new Set<string>();
    for (const p of this.props.paths ?? []) {
      if (!PATH.test(p.path)) report('CADDY016', `path "${p.path}" on ${this.host} is not a path matcher`);
      else if (seen.has(p.path)) report('CADDY016', `path ${p.path} is routed twice on ${this.host}`);
      seen.add(p.path);
      this.checkUpstream(p, `path ${p.path} on ${this.host}`, report);
    }
  }

  private checkUpstream(u: Upstream, what: string, report: Reporter): void {
    const given = [u.target, u.hostPort, u.upstream].filter((x) => x !== undefined).length;
    if (given !== 1) {
      report('CADDY014', `${what} has ${given === 0 ? 'no upstream' : `${given} upstreams`}`);
      return;
    }
    if (u.target) {
      const { container, port } = u.target;
      if (!container.declaresPort(port)) {
        report('CADDY019', `${what} targets port ${port} of ${container.name}, which declares ${container.declaredPortList.join(', ') || 'no ports'}`);
      }
      const caddyNets = new Set(this.caddy.container.networks.map((n) => n.networkName));
      if (container !== this.caddy.container && !container.networks.some((n) => caddyNets.has(n.networkName))) {
        report('CADDY013', `${what} targets ${container.name}, which shares no network with ${this.caddy.container.name} (Caddy: ${[...caddyNets].join(', ') || 'none'}; target: ${container.networks.map((n) => n.networkName).join(', ') || 'none'})`);
      }
      const image = container.props.image;
      const fact = typeof image === 'string' ? droppedPort(image, port) : undefined;
      if (fact) {
        report('CADDY017', `${what} targets ${container.name}:${port}, but ${fact.image} ${fact.note}`, `route it to ${container.name}:${fact.usePort} (${fact.reference}); reverse_proxy carries WebSocket upgrades on any route`);
      }
    } else if (u.hostPort !== undefined) {
      if (!Number.isInteger(u.hostPort) || u.hostPort < 1 || u.hostPort > 65535) report('PORT003', `${what}: host port ${u.hostPort} is out of range`);
      else this.checkHostPort(u.hostPort, what, report);
    } else {
      const m = UPSTREAM.exec(u.upstream!);
      if (!m) report('CADDY015', `${what}: "${u.upstream}" is not an address`);
      else if (m[4] !== '') report('CADDY015', `${what}: "${u.upstream}" has a path ("${m[4]}")`);
      else if (m[3] === undefined && m[1] === undefined) report('CADDY015', `${what}: "${u.upstream}" has no port`);
      else if (m[3] !== undefined && (Number(m[3]) < 1 || Number(m[3]) > 65535)) report('CADDY015', `${what}: port ${m[3]} is out of range`);
      else if (LOOPBACK.test(m[2]) && this.caddy.container.props.networkMode !== 'host') {
        report('CADDY020', `${what} dials ${u.upstream}, the loopback of the Caddy container itself (${this.caddy.container.name} does not use the host's network)`);
      }
    }
  }

  /**
   * A host port is dialled through host.containers.internal, which is the host's own address and
   * not its loopback (podman >= 5.3, pasta --map-guest-addr): a port a site container publishes
   * on loopback only does not answer there.
   */
  private checkHostPort(port: number, what: string, report: Reporter): void {
    for (const r of resourcesIn(this.site)) {
      if (!(r instanceof Container)) continue;
      const m = (r.props.publish ?? []).find((p) => (p.host ?? p.container) === port && (p.protocol ?? 'tcp') === 'tcp');
      if (!m || m.public || !LOOPBACK.test(m.bind ?? '127.0.0.1')) continue;
      const direct = r === this.caddy.container ? '' : `; dial ${r.containerName}:${m.container} on a shared network instead (target: ${r.name}.port(${m.container}))`;
      report('CADDY020', `${what} dials ${HOST_GATEWAY}:${port}, but ${r.name} publishes ${port} on ${m.bind ?? '127.0.0.1'} only: host.containers.internal is the host's address, not its loopback (podman >= 5.3 with pasta, --map-guest-addr)${direct}`);
    }
  }

  public render(ctx: RenderContext): void {
    const lines = commentLines(headerFor(this.node.path));
    if (this.props.description) lines.push(...commentLines(this.props.description.split(/\r?\n/)));
    lines.push(`http://${this.host} {`);
    for (const p of this.props.paths ?? []) lines.push(`\treverse_proxy ${p.path} ${Route.dialOf(p) ?? ''}`.trimEnd());
    lines.push(`\treverse_proxy ${Route.dialOf(this.props) ?? ''}`.trimEnd(), '}');
    ctx.emit('caddy', this.fileName, lines.join('\n') + '\n');
  }
}

/** A route hostname: DNS syntax, under one of the site's domains. */
export function checkHostname(host: string, site: Site, report: Reporter): void {
  if (!HOSTNAME.test(host)) {
    report('CADDY012', `"${host}" is not a hostname`);
    return;
  }
  const bare = host.replace(/^\*\./, '');
  if (!site.domains.some((d) => bare === d || bare.endsWith(`.${d}`))) {
    report('CADDY011', `${host} is not under ${site.domains.length ? site.domains.join(', ') : 'any domain: the site declares none'}`);
  }
}
