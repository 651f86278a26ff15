import { KEY_TABLE, propNameOf, QuadletSection } from '../quadlet/keys';

/**
 * What happens to one construct prop on the Kubernetes backend: it is mapped to a field, it only
 * feeds checks and docs (neither backend renders it), or it is reported with a code. A prop
 * missing from these tables is K8S020, so nothing is ever dropped in silence; a test walks every
 * prop of every construct (through the TypeScript checker) and holds the tables to that.
 */
export type Disposition =
  /** Mapped: where it goes in the manifests. */
  | { readonly to: string }
  /** An input to checks or docs only (no backend renders it). */
  | { readonly check: string }
  /** Not mapped: reported with this code. */
  | { readonly code: string; readonly why: string };

const to = (where: string): Disposition => ({ to: where });
const check = (what: string): Disposition => ({ check: what });
const code = (c: string, why: string): Disposition => ({ code: c, why });

/** `service: { ... }` of a quadlet unit (ServiceOptions), as `service.<prop>`. */
const SERVICE_OPTIONS: Record<string, Disposition> = {
  'service.restart': to('a Deployment always restarts its containers; another policy is K8S010 (reported by the workload)'),
  'service.restartSec': code('K8S010', 'the kubelet backs off on its own'),
  'service.startLimitIntervalSec': code('K8S010', 'the kubelet backs off (CrashLoopBackOff) instead of giving up'),
  'service.startLimitBurst': code('K8S010', 'the kubelet backs off (CrashLoopBackOff) instead of giving up'),
  'service.timeoutStartSec': code('K8S010', 'use a startup probe (healthStartupCmd)'),
  'service.timeoutStopSec': to('terminationGracePeriodSeconds'),
  'service.type': to('oneshot is K8S010 (reported by the workload): make it a Timer\'s ContainerJob for a CronJob'),
};

/** `install: { ... }` of a quadlet unit (InstallOptions), as `install.<prop>`. */
const INSTALL_OPTIONS: Record<string, Disposition> = {
  'install.wantedBy': to('kustomization resources (everything the site applies starts)'),
  'install.requiredBy': code('K8S010', 'systemd targets do not exist in a cluster'),
  'install.alias': code('K8S010', 'systemd unit aliases do not exist in a cluster'),
  'install.upheldBy': code('K8S010', 'the controller keeps every workload running; nothing upholds another'),
};

/** Props of the Site itself (SiteProps). */
const SITE: Record<string, Disposition> = {
  name: to('namespace (unless kubernetes.namespace) and the part-of label'),
  backend: to('selects this backend'),
  kubernetes: to('namespace, claim sizes and classes, host paths, placement'),
  outputDir: to('the folder that holds k8s/'),
  domains: check('route host check (Ingress hosts come from the routes)'),
  digestPolicy: check('image digest check'),
  allowFloatingTags: check('image tag check'),
  podmanVersion: check('quadlet key version checks of the tree'),
  rootless: code('K8S024', 'how podman runs on the host'),
  layout: code('K8S024', 'where quadlet files go on the host'),
  quadletOutput: code('K8S024', 'how the quadlet units are packaged'),
  usersDir: code('K8S024', 'the admin-managed quadlet folder on the host'),
};

/** Every prop of a template unit: instances are not mapped (K8S027). */
const TEMPLATE_PROP = code('K8S027', 'template units and their instances are not mapped');

/** Props every quadlet unit takes (QuadletUnitProps). */
const UNIT: Record<string, Disposition> = {
  name: to('object names'),
  description: to('annotation quadlet-cdk.io/description'),
  about: to('annotations quadlet-cdk.io/upstream and quadlet-cdk.io/role'),
  dependsOn: to('init containers that wait for the dependency\'s Service'),
  wants: to('init containers that wait for the dependency\'s Service'),
  service: to('restart -> restartPolicy, timeoutStopSec -> terminationGracePeriodSeconds; the rest is K8S010'),
  install: to('kustomization resources; install: false is replicas: 0 (K8S019)'),
  serviceName: code('K8S010', 'systemd service names do not exist in a cluster'),
  defaultDependencies: code('K8S010', 'systemd ordering does not exist in a cluster'),
};

/** Container keys the backend maps; every other quadlet key is K8S010 (see `dispositionOf`). */
const CONTAINER_KEYS: Record<string, Disposition> = {
  addCapability: to('securityContext.capabilities.add'),
  dropCapability: to('securityContext.capabilities.drop'),
  addDevice: to('GPU devices -> resource limits (K8S005, device plugin); other devices are K8S010'),
  annotation: to('pod template annotations'),
  label: to('pod template labels'),
  group: to('securityContext.runAsGroup (numeric ids only)'),
  user: to('securityContext.runAsUser/runAsGroup (numeric ids only)'),
  groupAdd: to('podSecurityContext.supplementalGroups (numeric ids; names are K8S010)'),
  healthCmd: to('readinessProbe and livenessProbe exec'),
  healthInterval: to('probes periodSeconds'),
  healthRetries: to('probes failureThreshold'),
  healthStartPeriod: to('livenessProbe initialDelaySeconds'),
  healthTimeout: to('probes timeoutSeconds'),
  healthOnFailure: to('livenessProbe (a failing liveness probe restarts the container)'),
  healthStartupCmd: to('startupProbe exec'),
  healthStartupInterval: to('startupProbe periodSeconds'),
  healthStartupRetries: to('startupProbe failureThreshold'),
  healthStartupTimeout: to('startupProbe timeoutSeconds'),
  hostName: to('pod hostname'),
  memory: to('resources.limits.memory'),
  noNewPrivileges: to('securityContext.allowPrivilegeEscalation: false'),
  readOnly: to('securityContext.readOnlyRootFilesystem'),
  shmSize: to('emptyDir (medium Memory) at /dev/shm'),
  stopTimeout: to('terminationGracePeriodSeconds'),
  tmpfs: to('emptyDir (medium Memory) volumes'),
  workingDir: to('workingDir'),
  pull: to('imagePullPolicy'),
  dnsSearch: to('dnsConfig.searches'),
  dnsOption: to('dnsConfig.options'),
  sysctl: to('podSecurityContext.sysctls'),
  podmanArgs: code('K8S007', 'podman command-line arguments'),
  globalArgs: code('K8S007', 'podman command-line arguments'),
};

/** Container props written by hand in ContainerProps (not generic quadlet keys). */
const CONTAINER: Record<string, Disposition> = {
  ...UNIT,
  image: to('image (an Image unit gives its reference; a Build is K8S016; a RootFs folder is K8S028)'),
  allowFloatingTag: check('image tag check'),
  allowShortName: check('image name check'),
  containerName: to('Deployment, Service and container name'),
  networks: to('namespace DNS; internal networks -> NetworkPolicy'),
  networkMode: code('K8S002', 'host, none, pasta, slirp4netns and private network modes'),
  networkOf: code('K8S002', 'sharing another container\'s network namespace'),
  volumes: to('PersistentVolumeClaim (named volume), ConfigMap (a generated file), hostPath only with kubernetes.hostPaths (else K8S003)'),
  ports: to('containerPorts and a ClusterIP Service'),
  publish: to('Service ports; public: true -> a LoadBalancer Service (k3s ServiceLB)'),
  environment: to('ConfigMap <name>-env (envFrom)'),
  notSecret: check('secret-name check'),
  externalHosts: check('peer-host check'),
  envFiles: to('ConfigMap of the non-secret values + Secret from secretGenerator reading the same .env (envFrom)'),
  secrets: to('Secret from secretGenerator: secretKeyRef (env) or a secret volume (file)'),
  pod: to('one Deployment with every member container'),
  entrypoint: to('command'),
  command: to('args'),
};

const VOLUME: Record<string, Disposition> = {
  ...UNIT,
  volumeName: to('PersistentVolumeClaim name'),
  label: to('PersistentVolumeClaim labels'),
  user: code('K8S010', 'volume ownership: set fsGroup by hand if the image needs it'),
  group: code('K8S010', 'volume ownership: set fsGroup by hand if the image needs it'),
};

const NETWORK: Record<string, Disposition> = {
  ...UNIT,
  networkName: to('network label quadlet-cdk.io/network-<name> on member pods'),
  default: to('pods without networks join it'),
  internal: to('NetworkPolicy: egress only to pods of the same network and DNS'),
  subnet: code('K8S010', 'the CNI assigns pod addresses'),
  gateway: code('K8S010', 'the CNI assigns pod addresses'),
  label: code('K8S010', 'podman network labels'),
};

const POD: Record<string, Disposition> = {
  ...UNIT,
  podName: to('Deployment name'),
  networks: to('namespace DNS; internal networks -> NetworkPolicy'),
  publish: to('Service ports'),
  volumes: to('volumes of every member container'),
};

/** Props of the other constructs (not quadlet units), by construct kind. */
const OTHERS: Record<string, Record<string, Disposition>> = {
  kube: { ...UNIT, yaml: code('K8S018', 'the YAML lives on the host'), networks: code('K8S018', 'the YAML lives on the host'), publish: code('K8S018', 'the YAML lives on the host') },
  image: { ...UNIT, image: to('the image reference of containers that use it'), allowFloatingTag: check('image tag check'), allowShortName: check('image name check') },
  build: { ...UNIT, imageTag: code('K8S016', 'images built on the host'), file: code('K8S016', 'images built on the host'), setWorkingDirectory: code('K8S016', 'images built on the host'), networks: code('K8S016', 'images built on the host') },
  artifact: { ...UNIT, artifact: code('K8S016', 'OCI artifacts pulled on the host') },
  'env-file': {
    name: to('ConfigMap <name>-env and Secret <name> (secretGenerator reads secrets/<name>.env)'),
    values: to('ConfigMap <name>-env'),
    secrets: to('Secret <name> keys (values from the .env beside the manifests, K8S022)'),
  },
  secret: {
    name: to('Secret <name> (secretGenerator reads secrets/<name>)'),
    description: to('a comment in kustomization.yaml'),
    // No cluster-side generator: the operator writes a random value into secrets/<name> once, as for any other secret.
    generate: to('Secret <name> like any other: write a random value into secrets/<name> once (docs/kubernetes.md)'),
  },
  service: {
    name: code('K8S006', 'host systemd units'), description: code('K8S006', 'host systemd units'), install: code('K8S006', 'host systemd units'),
    exec: code('K8S006', 'host systemd units'), envFiles: code('K8S006', 'host systemd units'), environment: code('K8S006', 'host systemd units'),
    job: code('K8S006', 'host systemd units'), type: code('K8S006', 'host systemd units'), restart: code('K8S006', 'host systemd units'),
    restartSec: code('K8S006', 'host systemd units'), startLimitIntervalSec: code('K8S006', 'host systemd units'), startLimitBurst: code('K8S006', 'host systemd units'), timeoutStartSec: code('K8S006', 'host systemd units'), workingDirectory: code('K8S006', 'host systemd units'),
    dependsOn: code('K8S006', 'host systemd units'), wants: code('K8S006', 'host systemd units'),
  },
  timer: {
    name: to('CronJob name'),
    description: to('annotation quadlet-cdk.io/description'),
    install: to('kustomization resources'),
    onCalendar: to('CronJob schedule + timeZone (K8S008 when cron cannot say it)'),
    job: to('a ContainerJob is the CronJob\'s pod; a HostCommand is K8S006'),
    persistent: to('startingDeadlineSeconds unset: missed runs start when the controller is back'),
    randomizedDelaySec: code('K8S010', 'CronJob has no jitter'),
    accuracySec: code('K8S010', 'CronJob has no accuracy window'),
    timeoutSec: to('activeDeadlineSeconds'),
    dependsOn: to('init containers that wait for the dependency\'s Service'),
  },
  'container-job': {
    image: to('image'), allowFloatingTag: check('image tag check'), allowShortName: check('image name check'), command: to('args'), entrypoint: to('command'),
    envFiles: to('envFrom ConfigMap + Secret'), environment: to('env'), secrets: to('env secretKeyRef / secret volume'), volumes: to('PersistentVolumeClaim / hostPath (K8S003)'),
    networks: to('namespace DNS'), pull: to('imagePullPolicy'), containerName: to('container name'), user: to('securityContext.runAsUser/runAsGroup'),
    podmanArgs: code('K8S007', 'podman command-line arguments'), podmanPath: code('K8S010', 'the podman binary'),
  },
  target: { name: to('the kustomization (one per site)'), description: to('a comment in kustomization.yaml'), wantedBy: to('the kustomization (one per site)') },
  route: {
    host: to('Ingress rule host'), paths: to('Ingress paths (Prefix for /x/*, Exact otherwise)'), name: to('Ingress name'),
    description: to('annotation quadlet-cdk.io/description'), target: to('Ingress backend Service and port'),
    hostPort: code('K8S012', 'services on the host'), upstream: code('K8S012', 'addresses outside the cluster'),
  },
  tunnel: {
    caddy: code('K8S014', 'cloudflared keeps running on a host'), tunnelId: code('K8S014', 'cloudflared keeps running on a host'),
    credentialsFile: code('K8S014', 'cloudflared keeps running on a host'), ingress: code('K8S014', 'cloudflared keeps running on a host'),
    extraRules: code('K8S014', 'cloudflared keeps running on a host'), originRequest: code('K8S014', 'cloudflared keeps running on a host'),
    catchAllStatus: code('K8S014', 'cloudflared keeps running on a host'), configPath: code('K8S014', 'cloudflared keeps running on a host'),
  },
  'drop-in': Object.fromEntries(['to', 'name', 'container', 'pod', 'network', 'volume', 'kube', 'image', 'build', 'artifact', 'reset', 'unit', 'service', 'install']
    .map((k) => [k, code('K8S026', 'drop-ins change the quadlet unit on the host, not its workload')])),
  'site-docs': { title: code('K8S024', 'the site page describes the quadlet units'), intro: code('K8S024', 'the site page describes the quadlet units'), fileName: code('K8S024', 'the site page describes the quadlet units') },
  'host-file': {
    path: check('host preparation (doctor); its mount is K8S003/K8S004'), from: check('host preparation (doctor)'), type: check('host preparation (doctor)'),
  },
  endpoint: {
    target: to('the target\'s Service'), address: code('K8S017', 'consumers keep the old host address'),
    hostPort: code('K8S017', 'consumers keep the old host address'), bind: code('K8S017', 'consumers keep the old host address'), scheme: to('unchanged URL scheme'),
  },
};

const QUADLET_TABLES: Partial<Record<string, { table: Record<string, Disposition>; section: QuadletSection; keys?: Record<string, Disposition> }>> = {
  container: { table: CONTAINER, section: 'Container', keys: CONTAINER_KEYS },
  volume: { table: VOLUME, section: 'Volume' },
  network: { table: NETWORK, section: 'Network' },
  pod: { table: POD, section: 'Pod' },
  kube: { table: OTHERS.kube, section: 'Kube' },
  image: { table: OTHERS.image, section: 'Image' },
  build: { table: OTHERS.build, section: 'Build' },
  artifact: { table: OTHERS.artifact, section: 'Artifact' },
};

/**
 * Composites whose props become a Container and a generated config file (both mapped: the
 * container by its own table, the file as a ConfigMap): every prop is `to` that.
 */
const COMPOSITES: Record<string, string> = {
  'litellm': 'the LiteLLM container and litellm.yaml (a ConfigMap)',
  'llama-swap': 'the llama-swap container and llama-swap.yaml (a ConfigMap)',
  'model': 'an entry of llama-swap.yaml (a ConfigMap)',
  'model-group': 'a group of llama-swap.yaml (a ConfigMap)',
};

/** The kinds the tables cover (construct kinds, plus container-job, site and the template kinds). */
export const MAPPED_KINDS = [
  ...Object.keys(QUADLET_TABLES), ...Object.keys(OTHERS).filter((k) => !QUADLET_TABLES[k]), ...Object.keys(COMPOSITES),
  'caddy', 'site', 'host-command', 'container-template', 'volume-template', 'network-template',
].sort();

/**
 * The construct classes of lib/ (exported classes that extend Resource) by the kind the tables
 * use. A class without user props (made by the library itself) maps to why it has none.
 */
export const CONSTRUCT_KINDS: Record<string, string | { readonly internal: string }> = {
  Container: 'container', Volume: 'volume', Network: 'network', Pod: 'pod', Kube: 'kube', Image: 'image', Build: 'build', Artifact: 'artifact',
  ContainerTemplate: 'container-template', VolumeTemplate: 'volume-template', NetworkTemplate: 'network-template',
  EnvFile: 'env-file', Secret: 'secret', Service: 'service', Timer: 'timer', Target: 'target',
  Route: 'route', Caddy: 'caddy', Tunnel: 'tunnel', Endpoint: 'endpoint', DropIn: 'drop-in',
  LiteLlm: 'litellm', LlamaSwap: 'llama-swap', Model: 'model', ModelGroup: 'model-group',
  HostFile: 'host-file', SiteDocs: 'site-docs',
  QuadletBundle: { internal: 'made by quadletOutput: \'bundle\' (site prop, K8S024)' },
  ChezmoiIgnore: { internal: 'made by the chezmoi layout (site prop, K8S024)' },
  HostPrerequisites: { internal: 'derived from the units for doctor; the settings it reads are reported where they are set' },
};

/**
 * What happens to `prop` of a construct of `kind`: its own table first, then the quadlet key
 * of that name (mapped when listed, else K8S010), else undefined (K8S020 when set).
 */
export function dispositionOf(kind: string, prop: string): Disposition | undefined {
  // Caddy is not emitted at all: its routes become Ingress objects, every prop is K8S013.
  if (kind === 'caddy') return code('K8S013', 'Caddy is not emitted');
  if (kind.endsWith('-template')) return TEMPLATE_PROP;
  // A timer's HostCommand runs on the host: the whole job is K8S006.
  if (kind === 'host-command') return code('K8S006', 'a command run on the host');
  if (COMPOSITES[kind]) return to(COMPOSITES[kind]);
  if (kind === 'site') return SITE[prop];
  if (prop.startsWith('service.')) return SERVICE_OPTIONS[prop];
  if (prop.startsWith('install.')) return INSTALL_OPTIONS[prop];
  const q = QUADLET_TABLES[kind];
  if (q) {
    if (q.table[prop]) return q.table[prop];
    if (q.keys?.[prop]) return q.keys[prop];
    const key = Object.keys(KEY_TABLE[q.section].keys).find((k) => propNameOf(k) === prop);
    if (key) return code('K8S010', `${key}= has no Kubernetes equivalent`);
    return undefined;
  }
  return OTHERS[kind]?.[prop];
}


/**
 * Report every set prop that the backend does not map. `handled` lists props the caller maps
 * partly and reports itself (e.g. `volumes`, `user`), so they are not reported twice.
 */
export function reportUnmapped(kind: string, props: object, report: (code: string, message: string) => void, what: string): void {
  for (const [prop, value] of Object.entries(props)) {
    if (value === undefined) continue;
    // The nested options have a table of their own (`service.restartSec`).
    if ((prop === 'service' || prop === 'install') && typeof value === 'object' && value !== null && QUADLET_TABLES[kind]) {
      reportUnmapped(kind, Object.fromEntries(Object.entries(value).map(([k, v]) => [`${prop}.${k}`, v])), report, what);
      continue;
    }
    const d = dispositionOf(kind, prop);
    if (!d) report('K8S020', `${what}: ${prop} is not classified for Kubernetes and was left out`);
    else if ('code' in d) report(d.code, `${what}: ${prop} is left out (${d.why})`);
  }
}
