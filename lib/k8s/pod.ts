import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IEnvFromSource } from 'kubernetes-models/v1/EnvFromSource';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { Reporter } from '../core/diagnostics';
import { literalOf, SystemdText, UnitValue } from '../render/systemd-value';
import { ComposedValue, Container } from '../quadlet/container';
import { EnvFile } from '../quadlet/env-file';
import { Build } from '../quadlet/build';
import { Image } from '../quadlet/image';
import { RootFs } from '../quadlet/rootfs';
import { Mount } from '../quadlet/mounts';
import { Secret } from '../quadlet/secret';
import { Docs } from '../core/about';
import { contentHash, DNS_LABEL, NAME_LABEL } from './manifests';
import { SiteState } from './state';

/** The image that waits for a dependency's Service (nc -z): small, pinned, multi-arch. */
export const WAIT_IMAGE = 'docker.io/library/busybox:1.37.0';

/** Devices that are GPUs, and the extended resource they become. */
function gpuResourceOf(device: string, fallback: string): string | undefined {
  if (/^\/dev\/nvidia/.test(device)) return 'nvidia.com/gpu';
  if (/^\/dev\/(dri|kfd)(\/|$)/.test(device)) return fallback;
  return undefined;
}

/** podman durations (`30s`, `1m30s`, `2h`) in whole seconds (at least 1); undefined when unreadable. */
export function durationSeconds(v: UnitValue | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return Math.max(1, Math.ceil(v));
  const s = literalOf(v).trim();
  if (/^\d+$/.test(s)) return Math.max(1, Number(s));
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    end = re.lastIndex;
  }
  return end === s.length && end > 0 ? Math.max(1, Math.ceil(total)) : undefined;
}

/** podman's `512m` / `2g` as a Kubernetes quantity (`512Mi`, `2Gi`). */
export function memoryQuantity(v: UnitValue): string | undefined {
  const m = /^(\d+)([bkmg]?)$/i.exec(literalOf(v).trim());
  if (!m) return undefined;
  const unit = { '': '', b: '', k: 'Ki', m: 'Mi', g: 'Gi' }[m[2].toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return `${m[1]}${unit}`;
}

/** podman's pull policy as Kubernetes' (`newer` re-checks the registry: Always). */
export function pullPolicy(pull: string): 'Always' | 'IfNotPresent' | 'Never' {
  return pull === 'missing' ? 'IfNotPresent' : pull === 'never' ? 'Never' : 'Always';
}

/** A plain value for a pod; systemd text with specifiers has none (K8S021). */
function plain(v: UnitValue, report: Reporter, what: string): string | undefined {
  if (SystemdText.is(v) && /%[^%]/.test(v.text)) {
    report('K8S021', `${what}: "${v.text}" uses a systemd specifier and was left out`);
    return undefined;
  }
  return literalOf(v).replace(/%%/g, '%');
}

/** `podman run` health command (shell form, or JSON exec form) as a probe's exec command. */
function probeCommand(cmd: string): string[] {
  if (cmd.trim().startsWith('[')) {
    try {
      const argv = JSON.parse(cmd) as string[];
      if (argv[0] === 'CMD-SHELL') return ['/bin/sh', '-c', argv.slice(1).join(' ')];
      return argv[0] === 'CMD' ? argv.slice(1) : argv;
    } catch {
      // not JSON after all: run it through the shell like podman does
    }
  }
  return ['/bin/sh', '-c', cmd];
}

/** One pod template under construction: containers, volumes and pod-level settings. */
export class PodBuilder {
  public readonly containers: IContainer[] = [];
  public readonly initContainers: IContainer[] = [];
  private readonly volumes = new Map<string, IVolume>();
  public readonly annotations: Record<string, string> = {};
  public readonly labels: Record<string, string> = {};
  private readonly spec: Record<string, unknown> = {};
  private readonly waits = new Set<string>();
  /** Whether a ReadWriteOnce claim is mounted (the Deployment then uses Recreate). */
  public mountsRwoClaim = false;
  /** Whether a host path is mounted (the pod must stay on its node). */
  public mountsHostPath = false;

  public constructor(private readonly state: SiteState, public readonly name: string) {
    this.labels[NAME_LABEL] = name;
  }

  /** Map a long-running container; what does not map is reported on `report`. */
  public addContainer(c: Container, report: Reporter): void {
    const p = c.props;
    const what = `container ${c.name}`;
    const k: IContainer = { name: c.containerName, image: this.imageOf(p.image, report, what) };
    if (p.entrypoint !== undefined) k.command = typeof p.entrypoint === 'string' ? [p.entrypoint] : [...p.entrypoint];
    const args = (p.command ?? []).map((a) => plain(a, report, `${what} command`));
    if (args.length && !args.includes(undefined)) k.args = args as string[];
    if (p.workingDir !== undefined) k.workingDir = plain(p.workingDir, report, `${what} workingDir`);
    if (p.pull !== undefined) k.imagePullPolicy = pullPolicy(literalOf(p.pull));
    // The accessors, not the props: patterns add variables, env files and secrets after construction.
    this.addEnv(k, c.name, c.node.path, c.environment, c.envFiles, c.secretMounts, report, what, c.composedEnv);
    const udp = new Set((p.publish ?? []).filter((m) => m.protocol === 'udp').map((m) => m.container));
    if (c.declaredPortList.length) k.ports = c.declaredPortList.map((port) => ({ containerPort: port, ...(udp.has(port) ? { protocol: 'UDP' } : {}) }));
    this.addMounts(k, p.volumes ?? [], report, what, c.node.path);
    for (const t of p.tmpfs ?? []) {
      const path = literalOf(t).split(':')[0];
      this.mount(k, { name: `tmpfs-${this.volumes.size}`, emptyDir: { medium: 'Memory' } }, { mountPath: path });
    }
    if (p.shmSize !== undefined) {
      const size = memoryQuantity(p.shmSize);
      this.mount(k, { name: 'dshm', emptyDir: { medium: 'Memory', ...(size ? { sizeLimit: size } : {}) } }, { mountPath: '/dev/shm' });
    }
    this.addProbes(k, c);
    this.addSecurity(k, c, report, what);
    this.addResources(k, c, report, what);
    const about = Docs.of(c);
    if (p.description) this.annotations['quadlet-cdk.io/description'] = p.description;
    if (about?.upstream) this.annotations['quadlet-cdk.io/upstream'] = about.upstream;
    if (about?.role) this.annotations['quadlet-cdk.io/role'] = about.role;
    for (const [key, v] of Object.entries(p.annotation ?? {})) this.annotations[key] = literalOf(v);
    for (const [key, v] of Object.entries(p.label ?? {})) this.labels[key] = literalOf(v);
    if (p.hostName !== undefined) this.spec.hostname = literalOf(p.hostName);
    const grace = durationSeconds(p.stopTimeout) ?? durationSeconds(p.service?.timeoutStopSec);
    if (grace !== undefined) this.spec.terminationGracePeriodSeconds = grace;
    if (p.dnsSearch?.length || p.dnsOption?.length) {
      this.spec.dnsConfig = {
        ...(p.dnsSearch?.length ? { searches: p.dnsSearch.map(literalOf) } : {}),
        ...(p.dnsOption?.length ? { options: p.dnsOption.map((o) => { const [name, value] = literalOf(o).split(':'); return value === undefined ? { name } : { name, value }; }) } : {}),
      };
    }
    const podSec = (this.spec.securityContext ??= {}) as Record<string, unknown>;
    if (p.sysctl?.length) podSec.sysctls = p.sysctl.map((s) => { const [name, ...rest] = literalOf(s).split('='); return { name, value: rest.join('=') }; });
    const groups = (p.groupAdd ?? []).map(literalOf);
    const numeric = groups.filter((g) => /^\d+$/.test(g)).map(Number);
    for (const g of groups.filter((x) => !/^\d+$/.test(x))) report('K8S010', `${what}: groupAdd ${g} is a group name; pods take numeric supplementalGroups only`);
    if (numeric.length) podSec.supplementalGroups = numeric;
    if (Object.keys(podSec).length === 0) delete this.spec.securityContext;
    this.containers.push(k);
  }

  /** The image a container runs: a reference, an Image unit's, or nothing for a Build (K8S016). */
  public imageOf(image: string | { readonly imageRef: string } | RootFs, report: Reporter, what: string): string {
    if (typeof image === 'string') return image;
    if (RootFs.isRootFs(image)) {
      report('K8S028', `${what} runs the host folder ${literalOf(image.path)} (Rootfs=), and Kubernetes runs only images`);
      return '';
    }
    if (image instanceof Image) return image.resolvedImage ?? image.props.image;
    const tag = image instanceof Build ? image.imageTags[0] : undefined;
    report('K8S016', `${what}: the image ${tag ?? image.imageRef} is built on the host; push it to a registry the cluster pulls from`);
    return tag ?? image.imageRef;
  }

  /** environment -> ConfigMap `<owner>-env`; env files -> ConfigMap + Secret; podman secrets -> secretKeyRef / volume. */
  public addEnv(k: IContainer, owner: string, ownerPath: string, environment: Record<string, UnitValue>, envFiles: readonly EnvFile[], secrets: ReadonlyArray<{ readonly secret: Secret; readonly env?: string; readonly target?: string }>, report: Reporter, what: string, composed: ReadonlyMap<string, ComposedValue> = new Map()): void {
    const from: IEnvFromSource[] = [];
    for (const f of envFiles) {
      const values = this.state.envFileConfigMap(f);
      this.state.useEnvFile(f);
      if (values) {
        from.push({ configMapRef: { name: `${f.name}-env` } });
        this.annotations[`quadlet-cdk.io/config-${f.name}-env`] = contentHash(values);
      }
      // Listed after the ConfigMap: the host's .env holds every variable, and the last source wins.
      if (f.secretNames.length) from.push({ secretRef: { name: f.name } });
    }
    const data: Record<string, string> = {};
    for (const [key, v] of Object.entries(environment).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const value = plain(v, report, `${what} environment ${key}`);
      if (value !== undefined) data[key] = value;
    }
    if (Object.keys(data).length) {
      // `-environment`, not `-env`: an env file named after the container has `<name>-env`.
      const name = `${owner}-environment`;
      if (!this.state.addConfigMap(name, data, ownerPath)) report('K8S001', `${what}: ConfigMap ${name} is already written with other data`);
      from.push({ configMapRef: { name } });
      this.annotations[`quadlet-cdk.io/config-${name}`] = contentHash(data);
    }
    if (from.length) k.envFrom = from;
    const env: IEnvVar[] = [];
    for (const s of secrets) {
      this.state.useSecret(s.secret);
      const key = s.secret.secretName;
      if (s.env) env.push({ name: s.env, valueFrom: { secretKeyRef: { name: key, key } } });
      else this.mount(k, { name: `secret-${key}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63), secret: { secretName: key } }, { mountPath: s.target ?? `/run/secrets/${key}`, subPath: key, readOnly: true });
    }
    // A composed value (a DATABASE_URL with its password) is a dependent variable: the kubelet
    // expands `$(VAR)` from variables listed before it, so the secret is never written out.
    for (const [name, parts] of [...composed].sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (const part of parts) {
        if (typeof part === 'string') continue;
        this.state.useSecret(part);
        const ref = composedSecretVar(part);
        if (!env.some((e) => e.name === ref)) env.push({ name: ref, valueFrom: { secretKeyRef: { name: part.secretName, key: part.secretName } } });
      }
      env.push({ name, value: parts.map((part) => (typeof part === 'string' ? part.replace(/\$\(/g, '$$$$(') : `$(${composedSecretVar(part)})`)).join('') });
    }
    if (env.length) k.env = env;
  }

  /** Named volumes -> claims; generated files -> ConfigMaps; host paths only with the opt-in. */
  public addMounts(k: IContainer, mounts: readonly Mount[], report: Reporter, what: string, owner: string): void {
    const opts = this.state.opts;
    for (const m of mounts) {
      const readOnly = m.readOnly ? { readOnly: true } : {};
      for (const o of m.options ?? []) {
        if (!['Z', 'z', 'ro', 'rw'].includes(o)) report('K8S010', `${what}: mount option ${o} on ${m.path} has no Kubernetes equivalent`);
      }
      if ('volume' in m) {
        const claim = this.state.claimFor(m.volume);
        if (claim.readWriteOnce) this.mountsRwoClaim = true;
        this.mount(k, { name: claim.name, persistentVolumeClaim: { claimName: claim.name } }, { mountPath: m.path, ...readOnly });
        continue;
      }
      const source = literalOf(m.hostPath);
      const generated = this.state.generatedFile(source);
      if (generated) {
        const key = generated.name;
        const name = key.toLowerCase().replace(/[^a-z0-9-]/g, '-');
        // Written as the mounting workload's file: the config's own construct checks the config format.
        if (!this.state.addConfigMap(name, { [key]: generated.content }, owner)) report('K8S001', `${what}: ConfigMap ${name} is already written with other data`);
        this.mount(k, { name, configMap: { name } }, { mountPath: m.path, subPath: key, readOnly: true });
        this.annotations[`quadlet-cdk.io/config-${name}`] = contentHash(generated.content);
        continue;
      }
      const path = this.state.hostPathOf(m.hostPath);
      if (!opts.hostPaths || !opts.keepPlacement || path === undefined) {
        const why = path === undefined ? 'it uses a systemd specifier (only %h expands, with kubernetes.hostHome)' : 'host paths need kubernetes.hostPaths and kubernetes.keepPlacement';
        report('K8S003', `${what}: host path ${source} (mounted at ${m.path}) is left out: ${why}`);
        continue;
      }
      report('K8S004', `${what}: host path ${path} is mounted with hostPath; the pod is pinned to node ${this.state.nodeName}`);
      this.mountsHostPath = true;
      const name = `host-${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}`.slice(0, 63).replace(/-$/, '');
      this.mount(k, { name, hostPath: { path } }, { mountPath: m.path, ...readOnly });
    }
  }

  private mount(k: IContainer, volume: IVolume, mount: Omit<IVolumeMount, 'name'>): void {
    if (!this.volumes.has(volume.name)) this.volumes.set(volume.name, volume);
    (k.volumeMounts ??= []).push({ name: volume.name, ...mount });
  }

  private addProbes(k: IContainer, c: Container): void {
    const p = c.props;
    if (p.healthCmd !== undefined) {
      const base: IProbe = { exec: { command: probeCommand(literalOf(p.healthCmd)) } };
      const period = durationSeconds(p.healthInterval);
      const timeout = durationSeconds(p.healthTimeout);
      const retries = p.healthRetries === undefined ? undefined : Number(literalOf(String(p.healthRetries)));
      const probe: IProbe = { ...base, ...(period ? { periodSeconds: period } : {}), ...(timeout ? { timeoutSeconds: timeout } : {}), ...(retries ? { failureThreshold: retries } : {}) };
      k.readinessProbe = probe;
      const start = durationSeconds(p.healthStartPeriod);
      const onFailure = p.healthOnFailure === undefined ? 'restart' : literalOf(p.healthOnFailure);
      if (onFailure !== 'none') k.livenessProbe = { ...probe, ...(start ? { initialDelaySeconds: start } : {}) };
    }
    if (p.healthStartupCmd !== undefined) {
      const period = durationSeconds(p.healthStartupInterval);
      const timeout = durationSeconds(p.healthStartupTimeout);
      const retries = p.healthStartupRetries === undefined ? undefined : Number(literalOf(String(p.healthStartupRetries)));
      k.startupProbe = {
        exec: { command: probeCommand(literalOf(p.healthStartupCmd)) },
        ...(period ? { periodSeconds: period } : {}), ...(timeout ? { timeoutSeconds: timeout } : {}), ...(retries ? { failureThreshold: retries } : {}),
      };
    }
  }

  private addSecurity(k: IContainer, c: Container, report: Reporter, what: string): void {
    const p = c.props;
    const sec: ISecurityContext = {};
    const caps = (list: readonly UnitValue[] | undefined) => (list ?? []).map((x) => literalOf(x).toUpperCase().replace(/^CAP_/, ''));
    const add = caps(p.addCapability);
    const drop = caps(p.dropCapability);
    if (add.length || drop.length) sec.capabilities = { ...(add.length ? { add } : {}), ...(drop.length ? { drop } : {}) };
    if (p.readOnly) sec.readOnlyRootFilesystem = true;
    if (p.noNewPrivileges) sec.allowPrivilegeEscalation = false;
    this.applyUser(sec, p.user === undefined ? undefined : literalOf(p.user), p.group === undefined ? undefined : literalOf(p.group), report, what);
    if (Object.keys(sec).length) k.securityContext = sec;
  }

  /** `uid`, `uid:gid` (numeric) -> runAsUser/runAsGroup; names are K8S010. */
  public applyUser(sec: ISecurityContext, user: string | undefined, group: string | undefined, report: Reporter, what: string): void {
    const [u, g] = (user ?? '').split(':');
    if (user !== undefined) {
      if (/^\d+$/.test(u)) sec.runAsUser = Number(u);
      else report('K8S010', `${what}: user ${user} is a name; pods take numeric ids only`);
    }
    const gid = group ?? g;
    if (gid !== undefined && gid !== '') {
      if (/^\d+$/.test(gid)) sec.runAsGroup = Number(gid);
      else report('K8S010', `${what}: group ${gid} is a name; pods take numeric ids only`);
    }
  }

  private addResources(k: IContainer, c: Container, report: Reporter, what: string): void {
    const p = c.props;
    const limits: Record<string, string> = {};
    if (p.memory !== undefined) {
      const q = memoryQuantity(p.memory);
      if (q) limits.memory = q;
      else report('K8S010', `${what}: memory ${literalOf(p.memory)} is not a size`);
    }
    for (const d of (p.addDevice ?? []).map(literalOf)) {
      const dev = d.split(':')[0];
      const res = gpuResourceOf(dev, this.state.opts.gpuResource ?? 'amd.com/gpu');
      if (res) {
        limits[res] = '1';
        report('K8S005', `${what}: device ${dev} becomes a request for one ${res}`);
      } else {
        report('K8S010', `${what}: device ${dev} has no Kubernetes equivalent`);
      }
    }
    if (Object.keys(limits).length) k.resources = { limits };
  }

  /** An init container that waits until `service:port` answers (the dependency's Service). */
  public waitFor(service: string, port: number): void {
    if (this.waits.has(service)) return;
    this.waits.add(service);
    this.initContainers.push({
      name: `wait-for-${service}`.slice(0, 63).replace(/-$/, ''),
      image: WAIT_IMAGE,
      command: ['sh', '-c', `until nc -z -w 2 ${service} ${port}; do echo waiting for ${service}:${port}; sleep 2; done`],
    });
  }

  /** Pin the pod to a node. */
  public pin(node: string): void {
    this.spec.nodeSelector = { 'kubernetes.io/hostname': node };
  }

  public template(extraLabels: Record<string, string>): IPodTemplateSpec {
    const annotations = Object.fromEntries(Object.entries(this.annotations).sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
      metadata: { labels: { ...extraLabels, ...this.labels }, ...(Object.keys(annotations).length ? { annotations } : {}) },
      spec: {
        ...this.spec,
        ...(this.initContainers.length ? { initContainers: this.initContainers } : {}),
        containers: this.containers,
        ...(this.volumes.size ? { volumes: [...this.volumes.values()].sort((a, b) => (a.name < b.name ? -1 : 1)) } : {}),
      },
    };
  }
}

/** Whether a name can be a Kubernetes object name (and a Service's DNS name). */
export function isDnsLabel(name: string): boolean {
  return DNS_LABEL.test(name);
}

/** The variable a composed value reads a secret from: `QCDK_SECRET_<NAME>`. */
function composedSecretVar(secret: Secret): string {
  return `QCDK_SECRET_${secret.secretName.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}
