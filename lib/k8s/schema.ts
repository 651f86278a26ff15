/**
 * Schema validation of emitted objects against the Kubernetes OpenAPI schema that
 * kubernetes-models ships (Kubernetes 1.33, precompiled validators). Loading the validators
 * takes a few hundred milliseconds, so synth does not: tests and `validateManifests` callers do.
 */

/** The Kubernetes version whose OpenAPI schema types and validates the manifests. */
export const KUBERNETES_SCHEMA_VERSION = '1.33.0';

/** One object that fails the schema. */
export interface SchemaProblem {
  /** The object's `kind`. */
  readonly kind: string;
  /** The object's `metadata.name`. */
  readonly name: string;
  /** What the schema says is wrong. */
  readonly message: string;
}

const MODELS: Record<string, [string, string]> = {
  'v1/Namespace': ['kubernetes-models/v1/Namespace', 'Namespace'],
  'v1/Service': ['kubernetes-models/v1/Service', 'Service'],
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'ConfigMap'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'Secret'],
  'v1/PersistentVolumeClaim': ['kubernetes-models/v1/PersistentVolumeClaim', 'PersistentVolumeClaim'],
  'v1/Pod': ['kubernetes-models/v1/Pod', 'Pod'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'Deployment'],
  'apps/v1/StatefulSet': ['kubernetes-models/apps/v1/StatefulSet', 'StatefulSet'],
  'batch/v1/CronJob': ['kubernetes-models/batch/v1/CronJob', 'CronJob'],
  'batch/v1/Job': ['kubernetes-models/batch/v1/Job', 'Job'],
  'networking.k8s.io/v1/Ingress': ['kubernetes-models/networking.k8s.io/v1/Ingress', 'Ingress'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1/NetworkPolicy', 'NetworkPolicy'],
};

/**
 * Validate parsed objects (from the emitted YAML) against the schema. An object of a kind the
 * table does not know is itself a problem: every kind the backend writes must be checked.
 */
export function validateManifests(objects: ReadonlyArray<{ readonly apiVersion?: string; readonly kind?: string; readonly metadata?: { readonly name?: string } }>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    const entry = MODELS[key];
    const name = o.metadata?.name ?? '';
    if (!entry) {
      problems.push({ kind: String(o.kind), name, message: `no schema for ${key}` });
      continue;
    }
    // Lazy: only callers that validate pay for loading the validators.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Model = require(entry[0])[entry[1]] as new (data: unknown) => { validate(): void };
    try {
      new Model(o).validate();
    } catch (e: any) {
      problems.push({ kind: String(o.kind), name, message: String(e?.message ?? e) });
    }
  }
  return problems;
}
