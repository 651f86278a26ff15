import { IConstruct } from 'constructs';
import { registerSiteCheck } from '../core/app';
import { Resource } from '../core/resource';
import { literalOf } from '../render/systemd-value';
import { Container } from '../quadlet/container';
import { INetwork } from '../quadlet/network';
import './codes';
import type { LlamaSwap } from './llama-swap';

/** Containers that may talk to llama-swap: the gateways. */
const gateways = new WeakSet<IConstruct>();

/** Let `container` reach llama-swap directly (LiteLLM does this for its own container). */
export function markGatewayContainer(container: Container): void {
  gateways.add(container);
}

/** The podman networks a container joins, by name. */
export function networkNames(c: Container): Set<string> {
  return new Set(c.networks.map((n: INetwork) => n.networkName));
}

/** Whether two containers can reach each other by name: one network in common. */
export function shareNetwork(a: Container, b: Container): boolean {
  const mine = networkNames(a);
  return [...networkNames(b)].some((n) => mine.has(n));
}

/** Every address of llama-swap a container could be given: its DNS name and its host ports. */
function addressesOf(ls: LlamaSwap): RegExp[] {
  const name = ls.container.hostname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const out = [new RegExp(`(^|[/@\\s=,;])${name}(:\\d+|/|$)`)];
  for (const m of ls.container.props.publish ?? []) {
    const port = m.host ?? m.container;
    out.push(new RegExp(`(127\\.0\\.0\\.1|localhost|\\[::1\\]|host\\.containers\\.internal|0\\.0\\.0\\.0)${m.bind && !['127.0.0.1', '0.0.0.0'].includes(m.bind) ? `|${m.bind.replace(/\./g, '\\.')}` : ''}:${port}(?!\\d)`));
  }
  return out;
}

/**
 * Policy: the gateway is the only model backend. A container (other than a gateway or llama-swap
 * itself) whose environment or env-file values point at llama-swap bypasses budgets, fallbacks and
 * accounting, so it is an error.
 */
registerSiteCheck('llm.direct-backend', (_site, resources, reporterOf) => {
  const swaps = resources.filter((r): r is LlamaSwap => r.kind === 'llama-swap' && 'container' in r);
  if (swaps.length === 0) return;
  const own = new Set<Resource>(swaps.map((s) => s.container));
  for (const c of resources) {
    if (!(c instanceof Container) || own.has(c) || gateways.has(c)) continue;
    const values: Array<[string, string]> = [
      ...Object.entries(c.environment).map(([k, v]): [string, string] => [k, literalOf(v)]),
      ...c.envFiles.flatMap((f) => f.variables.map((k): [string, string] => [`${k} (${f.name}.env)`, f.valueOf(k) ?? ''])),
    ];
    for (const ls of swaps) {
      const patterns = addressesOf(ls);
      for (const [k, v] of values) {
        if (patterns.some((p) => p.test(v))) {
          reporterOf(c)('LLM026', `${c.name}: ${k}=${v} points at llama-swap (${ls.name}) directly`);
        }
      }
    }
  }
});
