import { Resource } from '../core/resource';
import { Caddy } from '../caddy/caddy';
import { ruleMatchesHost } from '../caddy/ingress';
import { Route, Upstream } from '../caddy/route';
import { Tunnel } from '../caddy/tunnel';
import { Container } from '../quadlet/container';
import { Kube } from '../quadlet/kube';
import { Pod } from '../quadlet/pod';
import { PortMapping } from '../quadlet/ports';
import { byText, code, listOf } from './markdown';

/** One hostname (and path) on a Caddy route, with where it goes and whether a tunnel feeds it. */
export interface RouteHop {
  /** The Caddy route. */
  readonly route: Route;
  /** The hostname the route serves. */
  readonly host: string;
  /**
   * The path matcher of a path route; undefined for the route's main upstream.
   * @default - the route's main upstream
   */
  readonly path?: string;
  /** Where Caddy sends the traffic. */
  readonly upstream: Upstream;
  /** What reverse_proxy dials, e.g. `openwebui:8080`. */
  readonly dial: string;
  /**
   * The tunnel whose ingress sends this hostname to the route's Caddy.
   * @default - none: the hostname is not behind a tunnel
   */
  readonly tunnel?: Tunnel;
}

/** Every route hop of the site's Caddies, sorted by hostname then path (main upstream first). */
export function routeHops(resources: readonly Resource[]): RouteHop[] {
  const tunnels = resources.filter((r): r is Tunnel => r instanceof Tunnel);
  const hops: RouteHop[] = [];
  for (const route of resources.filter((r): r is Route => r instanceof Route)) {
    const tunnel = tunnels.find((t) => t.props.caddy === route.caddy && forwardsToCaddy(t, route.host));
    const hop = (upstream: Upstream, path?: string): RouteHop => ({ route, host: route.host, path, upstream, dial: Route.dialOf(upstream) ?? '(no upstream)', tunnel });
    hops.push(hop(route.props));
    for (const p of route.props.paths ?? []) hops.push(hop(p, p.path));
  }
  return hops.sort((a, b) => byText(a.host, b.host) || byText(a.path ?? '', b.path ?? '') || byText(a.route.node.path, b.route.node.path));
}

/** Whether the first ingress rule that takes `host` (on every path) goes to the tunnel's Caddy. */
function forwardsToCaddy(t: Tunnel, host: string): boolean {
  const rule = t.ingressRules.find((r) => (r.path === undefined || r.path === '') && ruleMatchesHost(r, host));
  return rule?.service === t.caddyService;
}

/** Units that can be the end of a route. */
export type RoutableUnit = Container | Pod | Kube;

/** TCP ports a unit publishes on the host (a pod member: its pod's). */
export function publishedOf(u: RoutableUnit): PortMapping[] {
  const pod = u instanceof Container ? u.props.pod : undefined;
  if (pod instanceof Pod) return pod.props.publish ?? [];
  return u.props.publish ?? [];
}

function hostPortsOf(u: RoutableUnit): number[] {
  return publishedOf(u).filter((m) => (m.protocol ?? 'tcp') === 'tcp').map((m) => m.host ?? m.container);
}

/** The host an `upstream` address names (`http://wiki:3000` -> `wiki`). */
function upstreamHost(upstream: string | undefined): string | undefined {
  return upstream === undefined ? undefined : /^(?:[a-z]+:\/\/)?(\[[^\]]*\]|[^:/]+)/i.exec(upstream)?.[1];
}

/** Whether a hop ends at `u`: its container port, a host port it publishes, or its name as an address. */
export function hopReaches(hop: RouteHop, u: RoutableUnit): boolean {
  const up = hop.upstream;
  if (up.target) return up.target.container === u;
  if (up.hostPort !== undefined) return hostPortsOf(u).includes(up.hostPort);
  return u instanceof Container && upstreamHost(up.upstream) === u.hostname;
}

/** `chat.example.org` or `vault.example.org` path `/ws`. */
export function hopName(hop: RouteHop): string {
  return hop.path === undefined ? code(hop.host) : `${code(hop.host)} path ${code(hop.path)}`;
}

/** The Routing line of a unit: routes that reach it, Caddy's own role, direct ports, else internal-only. */
export function routingOf(u: RoutableUnit, hops: readonly RouteHop[], caddies: readonly Caddy[]): string {
  const parts = hops.filter((h) => hopReaches(h, u)).map((h) => `${hopName(h)} via ${h.tunnel ? 'cloudflared → ' : ''}Caddy → ${code(h.dial)}`);
  for (const caddy of caddies.filter((c) => c.container === u)) {
    const hosts = [...new Set(caddy.routes.map((r) => r.host))];
    const fed = hops.find((h) => h.route.caddy === caddy && h.tunnel)?.tunnel;
    parts.push(`entry point for ${hosts.length} hostname${hosts.length === 1 ? '' : 's'}${fed ? `, fed by cloudflared at ${code(fed.caddyService)}` : ''} (see Routing posture)`);
  }
  const direct = publishedOf(u).filter((m) => m.public).map((m) => code(String(m.host ?? m.container)));
  if (direct.length) parts.push(`direct: ${listOf(direct)} on every interface (no Caddy, no tunnel)`);
  return parts.length ? parts.join('; ') : 'internal-only';
}
