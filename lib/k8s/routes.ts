import type { IHTTPIngressPath } from 'kubernetes-models/networking.k8s.io/v1/HTTPIngressPath';
import { Reporter } from '../core/diagnostics';
import { PathRoute, Route, Upstream } from '../caddy/route';
import { isDnsLabel } from './pod';
import { SiteState } from './state';
import { isCaddyContainer } from './workloads';

/** A Caddy path matcher as an Ingress path: `/api/*` is a Prefix `/api`, `/x` is Exact. */
function ingressPath(path: string): { path: string; pathType: 'Prefix' | 'Exact' } {
  if (path === '/*' || path === '/') return { path: '/', pathType: 'Prefix' };
  if (path.endsWith('/*')) return { path: path.slice(0, -2), pathType: 'Prefix' };
  if (path.endsWith('*')) return { path: path.slice(0, -1).replace(/\/$/, '') || '/', pathType: 'Prefix' };
  return { path, pathType: 'Exact' };
}

/**
 * A Route becomes a `networking.k8s.io/v1` Ingress with one host rule: its paths first, then
 * `/` for the main upstream. Upstreams outside the cluster (a host port, an address) are K8S012.
 */
export function renderRoute(state: SiteState, r: Route, report: Reporter): void {
  const what = `route ${r.host}`;
  if (!isDnsLabel(r.name)) {
    report('K8S001', `"${r.name}" is not a DNS-1123 label; the Ingress cannot be named after it`);
    return;
  }
  const backend = (u: Upstream, where: string): IHTTPIngressPath['backend'] | undefined => {
    if (u.target && !isCaddyContainer(u.target.container)) {
      return { service: { name: u.target.container.containerName, port: { number: u.target.port } } };
    }
    report('K8S012', `${what}: ${where} goes to ${u.hostPort !== undefined ? `host port ${u.hostPort}` : u.upstream ?? 'Caddy itself'}, outside the cluster; left out of the Ingress`);
    return undefined;
  };
  const paths: IHTTPIngressPath[] = [];
  for (const p of r.props.paths ?? ([] as PathRoute[])) {
    const be = backend(p, `path ${p.path}`);
    if (be) paths.push({ ...ingressPath(p.path), backend: be });
  }
  const main = backend(r.props, 'the route');
  if (main) paths.push({ path: '/', pathType: 'Prefix', backend: main });
  if (paths.length === 0) return;
  const m = state.manifests;
  m.add({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: m.meta(r.name, {}, r.props.description ? { 'quadlet-cdk.io/description': r.props.description } : undefined),
    spec: {
      ...(state.opts.ingressClassName ? { ingressClassName: state.opts.ingressClassName } : {}),
      rules: [{ host: r.host, http: { paths } }],
    },
  }, r.node.path);
}
