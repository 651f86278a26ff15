import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { Machine, MachineError, sleep } from './machine';

/** The kinds `podman kube play` (5.x) plays; anything else in a manifest set is left out and listed. */
export const KUBE_PLAY_KINDS = ['Pod', 'Deployment', 'DaemonSet', 'Job', 'PersistentVolumeClaim', 'ConfigMap', 'Secret'];

/** A Kubernetes object as read from YAML. */
type KubeObject = { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown>; [k: string]: unknown };

/** Options of `kubePlaySet`. */
export interface KubePlayOptions {
  /**
   * Play a one-replica StatefulSet as a Deployment with the same pod template (kube play has no
   * StatefulSet; the database patterns are StatefulSets whose claims are plain PVCs). Each one is
   * listed in `converted`. @default false
   */
  readonly statefulSetsAsDeployments?: boolean;
  /**
   * The value of every secret `secretGenerator` in kustomization.yaml reads from a file (what the
   * operator copies from the podman host): the harness writes the Secret kustomize would make.
   * @default - none: secrets the manifests use are missing
   */
  readonly secretValue?: string;
}

/** What of a site's Kubernetes output `podman kube play` gets. */
export interface KubePlaySet {
  /** The YAML stream to play: ConfigMaps, Secrets and claims first, then workloads, those whose init containers wait for others last. */
  readonly yaml: string;
  /** `Kind/name` of every object played. */
  readonly played: string[];
  /** `Kind/name` of every object kube play does not support (Services, Ingresses, CronJobs, ...). */
  readonly left: string[];
  /** `StatefulSet/name` played as a Deployment. */
  readonly converted: string[];
  /**
   * The containers (not init containers) of each workload (Deployments and converted
   * StatefulSets): kube play names the pod `<workload>-pod`, each container `<workload>-pod-<container>`,
   * and gives the pod the network alias `<workload>`.
   */
  readonly workloads: Record<string, string[]>;
}

/**
 * Reads the manifests a kustomization lists (`dist/<site>/k8s/kustomization.yaml`) and keeps
 * what `podman kube play` supports, in an order it can play: kube play runs a pod's init
 * containers to completion before it reads the next object, so a pod that waits for another
 * comes after it.
 */
export function kubePlaySet(k8sDir: string, options: KubePlayOptions = {}): KubePlaySet {
  const kust = parseAllDocuments(fs.readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8'))[0].toJS() as {
    resources?: string[]; secretGenerator?: Array<{ name: string; files?: string[] }>;
  };
  const objects: KubeObject[] = [];
  for (const r of kust.resources ?? []) {
    for (const d of parseAllDocuments(fs.readFileSync(path.join(k8sDir, r), 'utf8'))) if (d.contents) objects.push(d.toJS() as KubeObject);
  }
  if (options.secretValue !== undefined) {
    for (const g of kust.secretGenerator ?? []) {
      const data = Object.fromEntries((g.files ?? []).map((f) => [path.posix.basename(f.split('=')[0]), Buffer.from(options.secretValue!).toString('base64')]));
      objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: g.name }, data });
    }
  }
  const id = (o: KubeObject) => `${o.kind}/${o.metadata?.name}`;
  const played: KubeObject[] = [];
  const left: string[] = [];
  const converted: string[] = [];
  for (const o of objects) {
    const replicas = (o.spec?.replicas as number | undefined) ?? 1;
    if (o.kind === 'StatefulSet' && options.statefulSetsAsDeployments && replicas === 1 && !o.spec?.volumeClaimTemplates) {
      converted.push(id(o));
      const { serviceName: _s, podManagementPolicy: _p, updateStrategy: _u, ...spec } = o.spec ?? {};
      played.push({ ...o, kind: 'Deployment', spec });
    } else if (o.kind && KUBE_PLAY_KINDS.includes(o.kind)) played.push(o);
    else left.push(id(o));
  }
  const initWaits = (o: KubeObject) => ((o.spec?.template as { spec?: { initContainers?: unknown[] } } | undefined)?.spec?.initContainers?.length ?? 0);
  const rank = (o: KubeObject) => (['ConfigMap', 'Secret', 'PersistentVolumeClaim'].includes(o.kind!) ? 0 : initWaits(o) ? 2 : 1);
  played.sort((a, b) => rank(a) - rank(b) || id(a).localeCompare(id(b)));
  // kube play creates everything in the current namespace: the manifests' namespace is dropped.
  const yaml = played.map((o) => stringify({ ...o, metadata: { ...o.metadata, namespace: undefined } })).join('---\n');
  return {
    yaml, played: played.map(id), left, converted,
    workloads: Object.fromEntries(played.filter((o) => o.kind === 'Deployment').map((o) => [
      o.metadata!.name!, ((o.spec?.template as { spec?: { containers?: Array<{ name: string }> } }).spec?.containers ?? []).map((c) => c.name),
    ])),
  };
}

/** Options of `playKube`. */
export interface PlayKubeOptions {
  /** The podman network the pods join (created when missing), so they find each other by name. @default 'kube' */
  readonly network?: string;
  /** How long the pods may take to run. @default 180000 */
  readonly timeoutMs?: number;
}

/** What `playKube` saw: kube play's output and how long it took. */
export interface KubePlayResult {
  /** What `podman kube play` printed (standard output and error). */
  readonly output: string;
  /** Seconds from the start of kube play until every workload's containers ran. */
  readonly seconds: number;
}

/** The user service that runs kube play and owns the pods' conmon processes afterwards. */
const PLAY_UNIT = 'qcdk-kube-play.service';

/**
 * `podman kube play` of the set as the site user, then waits until every workload's pod runs
 * every container. Throws a MachineError when kube play exits non-zero or prints a warning,
 * quoting its output, or when a container does not run.
 *
 * kube play runs as a oneshot user service that stays active (`RemainAfterExit=yes`), as a
 * `.kube` unit would on a host: podman leaves each container's conmon in the cgroup of the unit
 * that ran it, so a throw-away `systemd-run --wait` unit would end by killing every pod
 * (SIGTERM, then SIGKILL after 90 s) and report that as exit status 1.
 */
export function playKube(m: Machine, set: KubePlaySet, options: PlayKubeOptions = {}): KubePlayResult {
  const t0 = Date.now();
  const net = options.network ?? 'kube';
  const file = `${m.home}/.cache/quadlet-cdk-e2e/kube-play.yaml`;
  m.writeFile(file, set.yaml);
  m.chownToUser(`${m.home}/.cache`);
  m.user(['/bin/sh', '-c', 'podman network exists "$1" || podman network create "$1" >/dev/null', 'sh', net], { check: true });
  const timeoutMs = options.timeoutMs ?? 180000;
  // Without --wait systemd-run returns once the oneshot's start job is done, i.e. when kube play exited.
  m.root([
    'systemd-run', '-M', `${m.userName}@.host`, '--user', '--quiet', `--unit=${PLAY_UNIT}`, '-p', 'Type=oneshot', '-p', 'RemainAfterExit=yes',
    '-p', `TimeoutStartSec=${Math.ceil(timeoutMs / 1000)}`, '-p', `StandardOutput=truncate:${file}.out`, '-p', 'StandardError=inherit',
    `--working-directory=${m.home}`, '--', 'podman', 'kube', 'play', '--network', net, file,
  ], { timeoutMs: timeoutMs + 10000 });
  const show = m.user(['systemctl', '--user', 'show', '-p', 'ExecMainStatus', '-p', 'Result', PLAY_UNIT]).stdout;
  const status = Number(/ExecMainStatus=(\d+)/.exec(show)?.[1] ?? 255);
  const output = m.user(['cat', `${file}.out`]).stdout;
  const tail = output.trim().split('\n').slice(-15).join('\n');
  if (status !== 0 || !/Result=success/.test(show)) throw new MachineError(`podman kube play exited ${status} (${show.trim().replace(/\n/g, ', ')}): ${tail}`);
  const warnings = output.split('\n').filter((l) => /warn/i.test(l));
  if (warnings.length) throw new MachineError(`podman kube play warned: ${warnings.join(' | ')}`);
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ps = new Map(m.user(['podman', 'ps', '-a', '--format', '{{.Names}} {{.State}}']).stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
    const notRunning = Object.entries(set.workloads).flatMap(([w, cs]) => cs.map((c) => `${w}-pod-${c}`))
      .filter((n) => ps.get(n) !== 'running').map((n) => `${n} ${ps.get(n) ?? 'missing'}`);
    if (!notRunning.length) return { output, seconds: (Date.now() - t0) / 1000 };
    if (Date.now() > end) throw new MachineError(`pods not running after podman kube play: ${notRunning.join(', ')}`);
    sleep(1000);
  }
}

/** Removes every pod kube play made (and their containers), then the service that played them. */
export function downKube(m: Machine): void {
  // Containers first: their conmons then exit, and stopping the service has nothing left to kill.
  m.userSh('podman pod rm -af -t 0 >/dev/null; podman rm -af -t 0 >/dev/null; podman volume rm -af >/dev/null; podman network prune -f >/dev/null', { timeoutMs: 120000 });
  m.userSh(`systemctl --user stop ${PLAY_UNIT} 2>/dev/null; systemctl --user reset-failed ${PLAY_UNIT} 2>/dev/null; true`, { timeoutMs: 120000 });
}
