/** How one podman volume becomes a PersistentVolumeClaim. */
export interface KubernetesVolumeOptions {
  /** Requested size, e.g. `20Gi`. @default - the site's `defaultVolumeSize` */
  readonly size?: string;
  /** Storage class. @default - the site's `storageClass` */
  readonly storageClass?: string;
  /** The claim's access mode. @default 'ReadWriteOnce' */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadWriteMany';
}

/** What the Kubernetes backend needs to know of the cluster (Site `kubernetes` prop). */
export interface KubernetesOptions {
  /** The namespace every object goes into. @default - the site name */
  readonly namespace?: string;
  /** Storage class of the volumes' claims; k3s ships `local-path`. @default 'local-path' */
  readonly storageClass?: string;
  /** Size of a claim that names none. @default '10Gi' */
  readonly defaultVolumeSize?: string;
  /** Per-volume settings, by podman volume name. @default - none */
  readonly volumes?: Readonly<Record<string, KubernetesVolumeOptions>>;
  /** `spec.ingressClassName` of every Ingress. @default - the cluster's default class (Traefik on k3s) */
  readonly ingressClassName?: string;
  /**
   * Keep the former host's placement: every pod gets a node selector on
   * `kubernetes.io/hostname: <nodeName>`. Multi-host sites set it to keep each host's workloads together.
   * @default false
   */
  readonly keepPlacement?: boolean;
  /** The node this site's workloads pin to when `keepPlacement` is set. @default - the site name */
  readonly nodeName?: string;
  /**
   * Mount host folders as `hostPath` volumes. Only with `keepPlacement` (the folder exists on one node).
   * @default false
   */
  readonly hostPaths?: boolean;
  /** The user's home on that node, to expand `%h` in host paths (e.g. `/home/sodimo`). @default - none: paths under %h are left out */
  readonly hostHome?: string;
  /** The extended resource a GPU device becomes when the device does not name a vendor (`/dev/dri`). @default 'amd.com/gpu' */
  readonly gpuResource?: string;
}
