import { registerSiteCheck, SynthContext } from '../core/app';
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
 * outside the site (DNS), so they are not peers. Linear in the value's length: env values can be
 * whole certificates, and a scheme regex tried at every offset of one is quadratic.
 */
export function hostsIn(name: string, value: string): string[] {
  const hosts = urlHosts(value);
  for (const m of value.matchAll(/\binet:([^:\s,]+):\d+/g)) hosts.push(m[1]);
  if (HOST_VAR.test(name) && /^[A-Za-z0-9_.-]+(:\d+)?$/.test(value)) hosts.push(value.split(':')[0]);
  return [...new Set(hosts)].filter((h) => !h.includes('.') && !NOT_A_PEER.test(h) && h !== '');
}

const SCHEME_CHAR = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;
const SPACE = /\s/;

/**
 * Hosts of `scheme://[userinfo@]host` in a value: anchored on each `://`, the scheme is read
 * backwards and the authority forwards, never past the previous match or the next `/`, so every
 * character is visited a bounded number of times.
 */
function urlHosts(value: string): string[] {
  const hosts: string[] = [];
  let floor = 0;
  for (let at = value.indexOf('://'); at >= 0; at = value.indexOf('://', Math.max(at + 1, floor))) {
    // A scheme is a run of scheme characters holding a letter, ending right before "://".
    let letter = false;
    let from = at;
    for (let i = at - 1; i >= floor && SCHEME_CHAR.test(value[i]); i--) {
      if (LETTER.test(value[i])) letter = true;
      from = i;
    }
    if (!letter) continue;
    const start = at + 3;
    let j = start;
    while (j < value.length && value[j] !== '@' && value[j] !== '/' && !SPACE.test(value[j])) j++;
    const host = (value[j] === '@' ? hostAt(value, j + 1) : undefined) ?? hostAt(value, start);
    if (!host) continue;
    // Object-store and file URLs name a bucket or a path where other URLs name a host.
    if (!/^(s3|gs|az|file)$/i.test(value.slice(from, at))) hosts.push(host.text);
    floor = host.end;
  }
  return hosts;
}

/** A bracketed IPv6 literal or a run of host characters at `i`. */
function hostAt(value: string, i: number): { text: string; end: number } | undefined {
  if (value[i] === '[') {
    let k = i + 1;
    while (k < value.length && value[k] !== ']' && !SPACE.test(value[k])) k++;
    if (value[k] === ']') return { text: value.slice(i, k + 1), end: k + 1 };
  }
  let k = i;
  while (k < value.length && !':/?#,'.includes(value[k]) && !SPACE.test(value[k])) k++;
  return k > i ? { text: value.slice(i, k), end: k } : undefined;
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
export type HostClaim = (site: Site, container: Container, host: string, context: SynthContext) => boolean;
const hostClaims = new Map<string, HostClaim>();

/** Register a host claim under a unique key; ENV003 is not reported for hosts a claim accepts. */
export function registerHostClaim(key: string, claim: HostClaim): void {
  hostClaims.set(key, claim);
}

registerSiteCheck('peer-hosts', (site, resources, reporterOf, context) => {
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
        if (host === c.containerName || c.props.externalHosts?.includes(host)) continue;
        const peer = peerOf(c, host);
        if (!peer) {
          if ([...hostClaims.values()].some((claim) => claim(site, c, host, context))) continue;
          report('ENV003', `${name} names host "${host}", which no container on ${c.containerName}'s networks answers to`);
          continue;
        }
        started ??= new Set<unknown>(c.dependencies.map((d) => d.unit));
        if (!started.has(peer) && Resource.isResource(peer)) {
          report('ENV004', `${name} points at ${host}, but ${c.containerName} does not start after ${peer.serviceName} (dependsOn)`);
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
