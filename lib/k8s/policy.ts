import { Network } from '../quadlet/network';
import { isDnsLabel } from './pod';
import { SiteState } from './state';
import { networkLabel } from './workloads';

/**
 * An `internal` podman network has no way out: its NetworkPolicy lets the member pods talk to
 * each other and to cluster DNS, and nowhere else. Other networks need no policy: every pod of
 * the namespace resolves the others by Service name, as containers did by name.
 */
export function renderNetworkPolicy(state: SiteState, n: Network): void {
  if (n.givenProps.internal !== true) return;
  const label = networkLabel(n.networkName);
  const members = { matchLabels: { [label]: 'true' } };
  const name = `${n.networkName}-internal`;
  if (!isDnsLabel(name)) return;
  const m = state.manifests;
  m.add({
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: m.meta(name),
    spec: {
      podSelector: members,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: members }] }],
      egress: [
        { to: [{ podSelector: members }] },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        },
      ],
    },
  }, n.node.path);
}
