import { registerSiteCheck } from '../core/app';
import { Resource } from '../core/resource';
import type { Site } from '../core/site';
import { Container } from './container';
import { requiredEnvOf } from './image-facts';

/** Hosts that are never peers on the container network. */
const NOT_A_PEER = /^(localhost|host\.containers\.internal|host\.docker\.internal|\d+\.\d+\.\d+\.\d+|\[.*\])$/;

/** Variables whose whole value is a host name (`DB_HOST=db`, `MYSQL_HOSTNAME=db:3306`). */
const HOST_VAR = /(^|_)(HOST|HOSTNAME|SERVER|ADDR)$/;

/**
 * The single-label host names a value points at: URLs (`http://litellm:4000`), `inet:` socket
 * specs (`inet:rspamd:11332`), and whole values of *_HOST-style variables. Names with a dot are
 * outside the site (DNS), so they are not peers.
 */
export function hostsIn(name: string, value: string): string[] {
  const hosts: string[] = [];
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[^\]\s]*\]|[^:/?#\s,]+)/gi)) hosts.push(m[1]);
  for (const m of value.matchAll(/\binet:([^:\s,]+):\d+/g)) hosts.push(m[1]);
  if (HOST_VAR.test(name) && /^[A-Za-z0-9_.-]+(:\d+)?$/.test(value)) hosts.push(value.split(':')[0]);
  return [...new Set(hosts)].filter((h) => !h.includes('.') && !NOT_A_PEER.test(h) && h !== '');
}

/** Every variable a container sees with a literal value: its environment and its env files. */
function variables(c: Container): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(c.environment)) out.push([k, typeof v === 'string' ? v : v.text]);
  for (const f of c.envFiles) for (const k of f.variables) {
    const v = f.valueOf(k);
    if (v !== undefined) out.push([k, v]);
  }
  return out;
}

/**
 * Says that a host name which is no peer is accounted for elsewhere (a cross-host endpoint's
 * address, or a container of another site, which lib/xhost reports with its own code).
 */
export type HostClaim = (site: Site, container: Container, host: string) => boolean;
const hostClaims = new Map<string, HostClaim>();

/** Register a host claim under a unique key; ENV003 is not reported for hosts a claim accepts. */
export function registerHostClaim(key: string, claim: HostClaim): void {
  hostClaims.set(key, claim);
}

registerSiteCheck('peer-hosts', (site, resources, reporterOf) => {
  const containers = resources.filter((r): r is Container => r instanceof Container);
  // Who answers to which name, per network: built once, so the check is linear in the site.
  const byNetwork = new Map<string, Map<string, Container>>();
  for (const p of containers) {
    const names = [p.containerName, ...(p.props.networkAlias ?? []).map((a) => (typeof a === 'string' ? a : a.text))];
    for (const n of p.networks) {
      let m = byNetwork.get(n.networkName);
      if (!m) byNetwork.set(n.networkName, (m = new Map()));
      for (const name of names) if (!m.has(name)) m.set(name, p);
    }
  }
  const peerOf = (c: Container, host: string): Container | undefined => {
    for (const n of c.networks) {
      const p = byNetwork.get(n.networkName)?.get(host);
      if (p && p !== c) return p;
    }
    return undefined;
  };
  for (const c of containers) {
    const report = reporterOf(c);
    const vars = variables(c);
    let started: Set<unknown> | undefined;
    for (const [name, value] of vars) {
      for (const host of hostsIn(name, value)) {
        if (host === c.containerName) continue;
        const peer = peerOf(c, host);
        if (!peer) {
          if ([...hostClaims.values()].some((claim) => claim(site, c, host))) continue;
          report('ENV003', `${name} names host "${host}", which no container on ${c.containerName}'s networks answers to`);
          continue;
        }
        started ??= new Set<unknown>([...c.requirements, ...c.wantedUnits]);
        if (!started.has(peer) && Resource.isResource(peer)) {
          report('ENV004', `${name} points at ${host}, but ${c.containerName} neither depends on nor wants ${peer.serviceName}`);
        }
      }
    }
    const image = typeof c.props.image === 'string' ? c.props.image : undefined;
    const fact = image ? requiredEnvOf(image) : undefined;
    for (const v of fact?.hostVars ?? []) {
      if (!vars.some(([k]) => k === v)) report('IMAGE010', `${v} is not set: ${fact!.symptom}`);
    }
  }
});
