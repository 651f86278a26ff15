import { registerSiteCheck, SynthContext } from '../core/app';
import { Site } from '../core/site';
import { literalOf } from '../render/systemd-value';
import { Container } from '../quadlet/container';
import { hostsIn, registerHostClaim } from '../quadlet/peers';
import './codes';
import { endpointsIn } from './endpoint';

/**
 * Every container of the app by container name and network alias, in tree order: built once
 * per synth, so that checking n sites against each other is linear in the app, not n².
 */
function containersByName(context: SynthContext): Map<string, Container[]> {
  return context.memo('xhost.containersByName', () => {
    const out = new Map<string, Container[]>();
    for (const site of context.sites) {
      if (site.node.path.startsWith('orphan')) continue;
      for (const c of context.resourcesOf(site)) {
        if (!(c instanceof Container)) continue;
        for (const name of [c.containerName, ...(c.props.networkAlias ?? []).map(literalOf)]) {
          const list = out.get(name) ?? [];
          if (list[list.length - 1] !== c) list.push(c);
          out.set(name, list);
        }
      }
    }
    return out;
  });
}

/**
 * The container of another site than `site` that answers to `host` (the last one declared), when
 * no container of `site` itself does: a name that only resolves on another host.
 */
function foreignOnly(context: SynthContext, site: Site, host: string): Container | undefined {
  const named = containersByName(context).get(host) ?? [];
  if (named.some((c) => c.site === site)) return undefined;
  return named[named.length - 1];
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
registerHostClaim('xhost', (site, _container, host, context) => {
  const h = host.toLowerCase();
  if (endpointsIn(site).some((e) => e.address.toLowerCase() === h)) return true;
  return context.sites.length > 1 && foreignOnly(context, site, host) !== undefined;
});

registerSiteCheck('xhost', (site, resources, reporterOf, context) => {
  const endpoints = endpointsIn(site);
  const multi = context.sites.length > 1;
  if (endpoints.length === 0 && !multi) return;
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
        const other = multi ? foreignOnly(context, site, host) : undefined;
        if (!other) continue;
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
