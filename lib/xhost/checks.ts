import { IConstruct } from 'constructs';
import { registerSiteCheck } from '../core/app';
import { Site } from '../core/site';
import { literalOf } from '../render/systemd-value';
import { Container } from '../quadlet/container';
import { hostsIn, registerHostClaim } from '../quadlet/peers';
import './codes';
import { endpointsIn } from './endpoint';

/** The sites of the app, found without walking into them (cheap: sites sit near the root). */
function sitesOf(scope: IConstruct): Site[] {
  const out: Site[] = [];
  const walk = (c: IConstruct) => (Site.isSite(c) ? out.push(c) : c.node.children.forEach(walk));
  walk(scope.node.root);
  return out;
}

/** Containers of other sites than `site`, by container name and network alias. */
function foreignContainers(site: Site): Map<string, Container> {
  const out = new Map<string, Container>();
  const others = sitesOf(site).filter((s) => s !== site);
  for (const c of others.flatMap((s) => s.node.findAll())) {
    if (!(c instanceof Container) || c.site === site || !Site.isSite(c.site) || c.site.node.path.startsWith('orphan')) continue;
    out.set(c.containerName, c);
    for (const alias of c.props.networkAlias ?? []) out.set(literalOf(alias), c);
  }
  return out;
}

function ownNames(site: Site): Set<string> {
  const out = new Set<string>();
  for (const c of site.node.findAll()) {
    if (c instanceof Container && c.site === site) {
      out.add(c.containerName);
      for (const alias of c.props.networkAlias ?? []) out.add(literalOf(alias));
    }
  }
  return out;
}

/** Every variable a container sees with a literal value: its environment and its env files. */
function variables(c: Container): Array<[string, string]> {
  const out: Array<[string, string]> = Object.entries(c.environment).map(([k, v]): [string, string] => [k, literalOf(v)]);
  for (const f of c.envFiles) for (const k of f.variables) {
    const v = f.valueOf(k);
    if (v !== undefined) out.push([`${k} (${f.name}.env)`, v]);
  }
  return out;
}

/**
 * A single-label host in a URL that is an endpoint's address, or a container of another site
 * (reported as XHOST004 below), is not ENV003's business.
 */
registerHostClaim('xhost', (site, _container, host) => {
  const h = host.toLowerCase();
  if (endpointsIn(site).some((e) => e.address.toLowerCase() === h)) return true;
  return sitesOf(site).length > 1 && foreignContainers(site).has(host) && !ownNames(site).has(host);
});

registerSiteCheck('xhost', (site, resources, reporterOf) => {
  const endpoints = endpointsIn(site);
  const multi = sitesOf(site).length > 1;
  if (endpoints.length === 0 && !multi) return;
  const foreign = multi ? foreignContainers(site) : new Map<string, Container>();
  const own = multi ? ownNames(site) : new Set<string>();
  for (const c of resources) {
    if (!(c instanceof Container)) continue;
    const report = reporterOf(c);
    for (const [name, value] of variables(c)) {
      // XHOST001: an endpoint of this very site, reached over the LAN address.
      for (const e of endpoints) {
        if (e.site !== site || e.container === c) continue;
        const addr = e.url().replace(/^[a-z]+:\/\//, '');
        if (new RegExp(`${escape(addr)}(?!\\d)`).test(value)) {
          report('XHOST001', `${c.name}: ${name} reaches ${e.container.name} through endpoint ${e.node.id} (${e.url()}), but both run on site ${site.name}`,
            `use ${e.container.name}.url(${e.containerPort}) (${e.container.url(e.containerPort)}), or gateway.connect() for a LiteLLM gateway`);
        }
      }
      // XHOST004: a container name that only resolves on another host.
      for (const host of hostsIn(name.replace(/ \(.*\)$/, ''), value)) {
        const other = foreign.get(host);
        if (!other || own.has(host)) continue;
        const ep = endpoints.find((e) => e.container === other);
        const hint = ep
          ? `use endpoint ${ep.node.path}: its url() gives ${ep.url()}; pass it to connect(${c.name}, { envVar: '${name.replace(/ \(.*\)$/, '')}' }) on the endpoint, or to connectRemote(${c.name}, endpoint) on a LiteLLM gateway (never the gateway's connect(), which only works on its own host)`
          : `declare new Endpoint(${other.site.name}Site, '${other.name}', { target: ${other.name}.port(<port>), address: '<${other.site.name}'s LAN name>' }) and use its url() or connect() (gateway.connectRemote for LiteLLM)`;
        report('XHOST004', `${c.name}: ${name}=${value} names "${host}", a container of site ${other.site.name}; on site ${site.name} that name does not resolve`, hint);
      }
    }
  }
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
