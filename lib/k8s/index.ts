// The Kubernetes backend: the same tree as manifests for a cluster (docs/kubernetes.md).
// Only the codes, options and this registration load with the library; the renderer loads
// the first time a site uses `backend: 'kubernetes'`, so a quadlet-only synth does not pay for it.
import { registerBackend } from '../core/app';
import './codes';

export * from './codes';
export * from './options';
export { CONSTRUCT_KINDS, dispositionOf, Disposition, MAPPED_KINDS } from './props';
export { toCron, CronResult } from './schedule';
export { KUBERNETES_SCHEMA_VERSION, SchemaProblem, validateManifests } from './schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
registerBackend('kubernetes', () => require('./backend').kubernetesBackend);
export { BACKEND_OPTION_USAGE, BackendOption, takeBackendOption } from './cli';
