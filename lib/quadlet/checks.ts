import { IConstruct } from 'constructs';
import { registerSiteCheck } from '../core/app';
import { Reporter } from '../core/diagnostics';
import { Resource } from '../core/resource';
import { Container, PortMapping } from './container';
import { Kube } from './kube';
import { Network } from './network';
import { Pod } from './pod';
import { QuadletUnit } from './unit';
import { Volume } from './volume';
import { expandUnitSpecifiers } from '../core/names';

/** Reports every group of units that share a key, on each unit after the first. */
function reportClashes<T extends Resource>(items: T[], keyOf: (t: T) => string | undefined, reporterOf: (c: IConstruct) => Reporter, code: string, what: string): void {
  const seen = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const first = seen.get(key);
    if (first) reporterOf(item)(code, `${what} "${key}" is also used by ${first.node.path}`);
    else seen.set(key, item);
  }
}

/** Ports a unit publishes: containers, pods and kube units take `publish`. */
function publishedBy(u: QuadletUnit): readonly PortMapping[] {
  return u instanceof Container || u instanceof Pod || u instanceof Kube ? u.props.publish ?? [] : [];
}

/** Two bindings clash when protocol and port match and the addresses overlap. */
function overlaps(a: PortMapping, b: PortMapping): boolean {
  if ((a.protocol ?? 'tcp') !== (b.protocol ?? 'tcp') || (a.host ?? a.container) !== (b.host ?? b.container)) return false;
  const addr = (m: PortMapping) => (m.public ? '*' : m.bind ?? '127.0.0.1');
  return addr(a) === '*' || addr(b) === '*' || addr(a) === addr(b);
}

registerSiteCheck('quadlet-names', (_site, resources, reporterOf) => {
  const units = resources.filter((r): r is QuadletUnit => r instanceof QuadletUnit);
  reportClashes(units, (u) => u.unitFileName, reporterOf, 'QUADLET010', 'unit file');
  reportClashes(units, (u) => u.serviceName, reporterOf, 'QUADLET011', 'service');
  const containers = units.filter((u): u is Container => u instanceof Container);
  // `%N`, `%p`, `%i` (quadlet's own defaults systemd-%N, systemd-%p_%i) expand per unit: compare what they become.
  reportClashes(containers, (c) => expandUnitSpecifiers(c.containerName, c.serviceName), reporterOf, 'QUADLET012', 'container name');
  reportClashes(units.filter((u): u is Network => u instanceof Network), (n) => n.networkName, reporterOf, 'QUADLET014', 'network name');
  reportClashes(units.filter((u): u is Volume => u instanceof Volume), (v) => v.volumeName, reporterOf, 'QUADLET014', 'volume name');
  const podNames = new Map(units.filter((u): u is Pod => u instanceof Pod).map((p) => [p.podName, p]));
  for (const c of containers) {
    const pod = podNames.get(c.containerName);
    if (pod) reporterOf(c)('QUADLET013', `container name "${c.containerName}" is also the name of pod ${pod.node.path}`);
  }
});

registerSiteCheck('quadlet-ports', (_site, resources, reporterOf) => {
  // Bindings by port and protocol: only bindings of one port can clash, so this stays linear.
  const byPort = new Map<string, Array<{ unit: QuadletUnit; m: PortMapping }>>();
  for (const u of resources) {
    if (!(u instanceof QuadletUnit)) continue;
    for (const m of publishedBy(u)) {
      const port = `${m.host ?? m.container}/${m.protocol ?? 'tcp'}`;
      const same = byPort.get(port) ?? [];
      const clash = same.find((b) => b.unit !== u && overlaps(b.m, m));
      if (clash) reporterOf(u)('PORT001', `host port ${port} is also published by ${clash.unit.node.path}`);
      same.push({ unit: u, m });
      byPort.set(port, same);
    }
  }
});

registerSiteCheck('quadlet-dependencies', (site, resources, reporterOf) => {
  for (const u of resources) {
    if (!(u instanceof QuadletUnit)) continue;
    for (const { unit: dep } of u.dependencies) {
      if (Resource.isResource(dep) && dep.node.root !== site.node.root) {
        reporterOf(u)('DEP001', `${u.name} depends on ${dep.node.path}, which is not in this app`);
      }
    }
  }
});

