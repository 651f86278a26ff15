import { IConstruct } from 'constructs';
import { BackendContext } from '../core/app';
import { GeneratedFile } from '../core/output';
import { Resource } from '../core/resource';
import { Caddy } from '../caddy/caddy';
import { Route } from '../caddy/route';
import { Tunnel } from '../caddy/tunnel';
import { Artifact } from '../quadlet/artifact';
import { Build } from '../quadlet/build';
import { SiteDocs } from '../docs/site-docs';
import { Container } from '../quadlet/container';
import { DropIn } from '../quadlet/drop-in';
import { EnvFile } from '../quadlet/env-file';
import { Image } from '../quadlet/image';
import { Kube } from '../quadlet/kube';
import { Network } from '../quadlet/network';
import { Pod } from '../quadlet/pod';
import { Secret } from '../quadlet/secret';
import { QuadletUnit } from '../quadlet/unit';
import { Volume } from '../quadlet/volume';
import { PlainUnit } from '../systemd/plain-unit';
import { Service } from '../systemd/service';
import { Timer } from '../systemd/timer';
import { Endpoint } from '../xhost/endpoint';
import { renderTimer } from './jobs';
import { renderKustomization, SECRETS_GITIGNORE } from './kustomization';
import { renderManifest } from './manifests';
import { isDnsLabel } from './pod';
import { renderNetworkPolicy } from './policy';
import { renderRoute } from './routes';
import { reportUnmapped } from './props';
import { GeneratedMount, SiteState } from './state';
import { isCaddyContainer, renderWorkload } from './workloads';

/** The folder, inside the site's output folder, that holds the manifests. */
export const K8S_DIR = 'k8s';

/**
 * The Kubernetes backend: maps one site's resources to manifests under `<site>/k8s/`. Loaded
 * only when a site uses it (lib/k8s/index.ts registers it lazily).
 */
export function kubernetesBackend(ctx: BackendContext): void {
  const { site, resources } = ctx;
  const opts = site.kubernetes;
  const siteReport = ctx.reporterOf(site);
  let generated: Map<string, GeneratedMount> | undefined;
  const generatedFile = (path: string): GeneratedMount | undefined => {
    // Config files (litellm.yaml, llama-swap.yaml) are rendered by their constructs as quadlet would.
    generated ??= new Map(resources.filter((r) => !(r instanceof QuadletUnit) && !(r instanceof PlainUnit) && !r.renderAfterOthers)
      .flatMap((r) => ctx.quadletFilesOf(r))
      .map((f: GeneratedFile) => [f.path, { name: f.path.split('/').pop()!, content: f.content, constructPath: f.constructPath }]));
    return generated.get(path);
  };
  const state = new SiteState(site, opts, generatedFile);
  const ns = state.manifests.namespace;
  if (!isDnsLabel(ns)) {
    siteReport('K8S001', `namespace "${ns}" is not a DNS-1123 label`);
    return;
  }
  const reporterOf = (c: IConstruct) => ctx.reporterOf(c);
  reportUnmapped('site', site.givenProps, siteReport, `site ${site.name}`);
  state.manifests.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'app.kubernetes.io/managed-by': 'quadlet-cdk', 'app.kubernetes.io/part-of': site.name } } }, site.node.path);

  const pods = new Map<Pod, Container[]>();
  for (const r of resources) {
    if (r instanceof Container) {
      if (isCaddyContainer(r) || r.isTemplate) continue;
      if (r.props.pod instanceof Pod) {
        pods.set(r.props.pod, [...(pods.get(r.props.pod) ?? []), r]);
        continue;
      }
      renderWorkload(state, r.containerName, [r], reporterOf);
    }
  }
  for (const [pod, members] of pods) renderWorkload(state, pod.podName, members, reporterOf, pod);

  for (const r of resources) renderOther(state, r, reporterOf(r), pods);
  for (const r of resources) {
    if (r instanceof Timer) renderTimer(state, r, reporterOf(r));
    else if (r instanceof Route) renderRoute(state, r, reporterOf(r));
  }
  renderClaims(state, resources, reporterOf);
  for (const [name, cm] of state.configMapList) {
    if (!isDnsLabel(name)) {
      siteReport('K8S001', `ConfigMap name "${name}" is not a DNS-1123 label`);
      continue;
    }
    state.manifests.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: state.manifests.meta(name), data: cm.data }, cm.constructPath);
  }

  const files = state.manifests.files();
  for (const [file, m] of files) ctx.emit(`${K8S_DIR}/${file}`, renderManifest(m), m.constructPath);
  const secrets = [...state.secrets.values()];
  ctx.emit(`${K8S_DIR}/kustomization.yaml`, renderKustomization(ns, files.map(([f]) => f), secrets, site.node.path), site.node.path);
  if (secrets.length) ctx.emit(`${K8S_DIR}/secrets/.gitignore`, SECRETS_GITIGNORE, site.node.path);
}

/** Everything that is not a workload, a timer or a route: mapped, or reported once. */
function renderOther(state: SiteState, r: Resource, report: (code: string, message: string) => void, pods: Map<Pod, Container[]>): void {
  if (r instanceof QuadletUnit) {
    // addEntry lines: only section and key are named (a value may hold a credential).
    const raw = r.rawEntries.map((e) => `[${e.section}] ${e.key}=`);
    if (raw.length) report('K8S025', `${r.kind} ${r.name}: raw entries ${[...new Set(raw)].join(', ')} are not carried over`);
    if (r.isTemplate) {
      report('K8S027', `${r.kind} template ${r.unitFileName} is left out: its instances are not mapped`);
      return;
    }
  }
  if (r instanceof DropIn) {
    report('K8S026', `drop-in ${r.folder}/${r.name}.conf is not applied: it changes the quadlet unit on the host, not its workload`);
  } else if (r instanceof SiteDocs) {
    report('K8S024', `site docs ${r.node.id} are not written: the page describes the quadlet units`);
  } else if (r instanceof Network) {
    reportUnmapped('network', r.givenProps, report, `network ${r.name}`);
    renderNetworkPolicy(state, r);
  } else if (r instanceof Volume) {
    reportUnmapped('volume', r.givenProps, report, `volume ${r.name}`);
  } else if (r instanceof Pod && !pods.has(r)) {
    reportUnmapped('pod', r.givenProps, report, `pod ${r.name}`);
  } else if (r instanceof Image) {
    reportUnmapped('image', r.givenProps, report, `image ${r.name}`);
  } else if (r instanceof Build) {
    report('K8S016', `build ${r.name} builds an image on the host; push it to a registry the cluster pulls from`);
  } else if (r instanceof Artifact) {
    report('K8S016', `artifact ${r.name} is pulled on the host; the cluster has no equivalent`);
  } else if (r instanceof Kube) {
    report('K8S018', `kube ${r.name} plays YAML that lives on the host; add it to kustomization.yaml by hand`);
  } else if (r instanceof EnvFile) {
    state.envFileConfigMap(r);
    state.useEnvFile(r);
    if (r.secretNames.length) report('K8S022', `env file ${r.name}: kustomize reads its secrets from k8s/secrets/${r.name}.env (a copy of ${state.secrets.get(r.name)?.hostSource})`);
  } else if (r instanceof Secret) {
    state.useSecret(r);
    report('K8S022', `secret ${r.secretName}: kustomize reads it from k8s/secrets/${r.secretName}`);
  } else if (r instanceof Service && !(r.node.scope instanceof Timer)) {
    report('K8S006', `service ${r.name} is a host systemd unit; it has no cluster equivalent`);
  } else if (r instanceof Caddy) {
    report('K8S013', `caddy ${r.container.name} is not emitted: its ${r.routes.length} routes become Ingress objects`);
  } else if (r instanceof Tunnel) {
    report('K8S014', `tunnel ${r.node.id} forwards to Caddy on the host; point it at the cluster's Ingress controller`);
  } else if (Endpoint.isEndpoint(r)) {
    report('K8S017', `endpoint ${r.address}:${r.containerPort}: consumers in the cluster can use ${r.container.containerName}.${state.manifests.namespace}.svc instead`);
  }
}

/** One claim per volume, with the size and class from the site's kubernetes options. */
function renderClaims(state: SiteState, resources: readonly Resource[], reporterOf: (c: IConstruct) => (code: string, message: string) => void): void {
  const volumes = new Map<string, Volume>(resources.filter((r): r is Volume => r instanceof Volume && !r.isTemplate).map((v) => [v.volumeName, v]));
  const names = [...new Set([...volumes.keys(), ...state.usedClaims])].sort();
  for (const name of names) {
    const owner = volumes.get(name);
    const report = reporterOf(owner ?? state.site);
    if (!isDnsLabel(name)) {
      report('K8S001', `volume name "${name}" is not a DNS-1123 label; the claim cannot be named after it`);
      continue;
    }
    const v = state.opts.volumes?.[name] ?? {};
    if (v.size === undefined && state.opts.defaultVolumeSize === undefined) report('K8S011', `volume ${name} gets the default size 10Gi`);
    const m = state.manifests;
    const labels = Object.fromEntries(Object.entries((owner?.givenProps.label ?? {}) as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
    m.add({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: m.meta(name, labels),
      spec: {
        accessModes: [v.accessMode ?? 'ReadWriteOnce'],
        storageClassName: v.storageClass ?? state.opts.storageClass ?? 'local-path',
        resources: { requests: { storage: v.size ?? state.opts.defaultVolumeSize ?? '10Gi' } },
      },
    }, owner?.node.path ?? state.site.node.path);
  }
}
