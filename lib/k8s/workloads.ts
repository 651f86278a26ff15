import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import { Caddy } from '../caddy/caddy';
import { Reporter } from '../core/diagnostics';
import { literalOf } from '../render/systemd-value';
import { Container } from '../quadlet/container';
import { Pod } from '../quadlet/pod';
import { IServiceUnit } from '../quadlet/unit';
import { NAME_LABEL } from './manifests';
import { isDnsLabel, PodBuilder } from './pod';
import { reportUnmapped } from './props';
import { SiteState } from './state';

/** Images of the database patterns: these run as a StatefulSet (stable identity, one writer). */
const DATABASE_IMAGE = /(^|\/)(postgres|pgvector|postgis|timescaledb|mariadb|mysql|mongo|redis|valkey|keydb)([:@]|$)/;

/** The label a pod carries for each podman network it was on (NetworkPolicy selects on it). */
export function networkLabel(network: string): string {
  return `quadlet-cdk.io/network-${network}`.slice(0, 63 + 'quadlet-cdk.io/'.length);
}

/**
 * One workload: a container, or the members of a podman pod, as a Deployment (StatefulSet for
 * database images), with a ClusterIP Service for its ports and a LoadBalancer Service for ports
 * the host published on every interface.
 */
export function renderWorkload(state: SiteState, name: string, members: readonly Container[], reporterOf: (c: Container | Pod) => Reporter, pod?: Pod): void {
  const report = reporterOf(pod ?? members[0]);
  if (!isDnsLabel(name)) {
    report('K8S001', `"${name}" is not a DNS-1123 label; Kubernetes cannot name the workload or its Service after it`);
    return;
  }
  const b = new PodBuilder(state, name);
  let replicas = 1;
  const ports: IServicePort[] = [];
  const publicPorts: IServicePort[] = [];
  for (const c of members) {
    const r = reporterOf(c);
    const what = `container ${c.name}`;
    reportUnmapped('container', c.givenProps, r, what);
    b.addContainer(c, r);
    if (pod?.props.volumes?.length) b.addMounts(b.containers[b.containers.length - 1], pod.props.volumes, reporterOf(pod), `pod ${pod.name}`, pod.node.path);
    const svc = c.props.service ?? {};
    if (svc.restart !== undefined && svc.restart !== 'always') r('K8S010', `${what}: restart ${svc.restart} is left out: a Deployment always restarts its containers`);
    if (svc.type === 'oneshot') r('K8S010', `${what}: a oneshot container runs as a Deployment; make it a Timer's ContainerJob for a CronJob`);
    if (c.props.install === false) {
      replicas = 0;
      r('K8S019', `${what} is not started at boot; its workload has replicas: 0`);
    }
    for (const dep of c.dependencies) waitForDependency(b, dep.unit, r, what);
    for (const n of c.networks) b.labels[networkLabel(n.networkName)] = 'true';
    for (const port of c.declaredPortList) {
      const udp = (c.props.publish ?? []).some((m) => m.container === port && m.protocol === 'udp');
      ports.push({ name: `${udp ? 'udp' : 'tcp'}-${port}`, port, targetPort: port, ...(udp ? { protocol: 'UDP' } : {}) });
    }
    for (const m of [...(c.props.publish ?? []), ...(pod?.props.publish ?? [])].filter((x) => x.public)) {
      const udp = m.protocol === 'udp';
      publicPorts.push({ name: `${udp ? 'udp' : 'tcp'}-${m.host ?? m.container}`, port: m.host ?? m.container, targetPort: m.container, ...(udp ? { protocol: 'UDP' } : {}) });
    }
  }
  if (pod) reportUnmapped('pod', pod.givenProps, reporterOf(pod), `pod ${pod.name}`);
  if (state.opts.keepPlacement) b.pin(state.nodeName);
  const m = state.manifests;
  const selector = { matchLabels: { [NAME_LABEL]: name } };
  const template = b.template({});
  const isDatabase = members.some((c) => typeof c.props.image === 'string' && DATABASE_IMAGE.test(c.props.image.split('/').slice(-1)[0]));
  const path = (pod ?? members[0]).node.path;
  if (isDatabase) {
    m.add({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: m.meta(name, { [NAME_LABEL]: name }), spec: { serviceName: name, replicas, selector, template } }, path);
  } else {
    m.add({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: m.meta(name, { [NAME_LABEL]: name }),
      spec: { replicas, selector, ...(b.mountsRwoClaim || b.mountsHostPath ? { strategy: { type: 'Recreate' } } : {}), template },
    }, path);
  }
  const uniq = (list: IServicePort[]) => [...new Map(list.map((p) => [p.name, p])).values()].sort((a, b2) => a.port - b2.port);
  if (ports.length) {
    m.add({ apiVersion: 'v1', kind: 'Service', metadata: m.meta(name, { [NAME_LABEL]: name }), spec: { selector: { [NAME_LABEL]: name }, ports: uniq(ports) } }, path);
  }
  if (publicPorts.length) {
    m.add({ apiVersion: 'v1', kind: 'Service', metadata: m.meta(`${name}-public`.slice(0, 63), { [NAME_LABEL]: name }), spec: { type: 'LoadBalancer', selector: { [NAME_LABEL]: name }, ports: uniq(publicPorts) } }, path);
  }
}

/** A dependency becomes an init container that waits for its Service; one without ports cannot be waited for. */
export function waitForDependency(b: PodBuilder, dep: IServiceUnit, report: Reporter, what: string): void {
  if (dep instanceof Container && dep.props.pod instanceof Pod) {
    const port = dep.declaredPortList[0];
    if (port !== undefined) b.waitFor(dep.props.pod.podName, port);
    else report('K8S015', `${what} depends on ${dep.name}, which declares no port: Kubernetes starts both at once`);
    return;
  }
  if (dep instanceof Container) {
    const port = dep.declaredPortList[0];
    if (port !== undefined && !isCaddyContainer(dep)) b.waitFor(dep.containerName, port);
    else report('K8S015', `${what} depends on ${dep.name}, which ${port === undefined ? 'declares no port' : 'is not emitted'}: Kubernetes starts both at once`);
    return;
  }
  if (dep instanceof Pod) {
    report('K8S015', `${what} depends on pod ${dep.podName}: Kubernetes starts both at once`);
    return;
  }
  report('K8S015', `${what} depends on ${literalOf(dep.serviceName)}, which has no Service in the cluster: Kubernetes starts both at once`);
}

/** The container a Caddy construct owns (Caddy is not emitted). */
export function isCaddyContainer(c: Container): boolean {
  const scope = c.node.scope;
  return Caddy.isCaddy(scope) && scope.container === c;
}
