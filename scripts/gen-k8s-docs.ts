/** `npx projen docs` part: writes docs/kubernetes-sites.md (a test checks it is current). */
import * as fs from 'fs';
import * as path from 'path';
import sodimo from '../apps/sodimo';
import gpuBox from '../examples/gpu-box/app';
import homelab from '../examples/homelab/app';
import twoHosts from '../examples/two-hosts/app';
import { KubernetesDocApp, renderKubernetesSitesDoc } from '../lib/k8s/sites-doc';

export const K8S_DOC_APPS: KubernetesDocApp[] = [
  { name: 'sodimo', source: 'apps/sodimo.ts', build: sodimo },
  { name: 'gpu-box', source: 'examples/gpu-box/app.ts', build: gpuBox },
  { name: 'homelab', source: 'examples/homelab/app.ts', build: homelab },
  { name: 'two-hosts', source: 'examples/two-hosts/app.ts', build: twoHosts },
];

export const K8S_DOC = path.join(__dirname, '..', 'docs', 'kubernetes-sites.md');

if (require.main === module) {
  fs.writeFileSync(K8S_DOC, renderKubernetesSitesDoc(K8S_DOC_APPS));
  console.log('wrote docs/kubernetes-sites.md');
}
