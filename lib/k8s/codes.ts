import { defineCodes } from '../core/diagnostics';

/**
 * Diagnostics of the Kubernetes backend. What does not map is reported here, never dropped in
 * silence: a warning names what the manifests leave out and what to decide instead.
 */
export const K8S_CODES = defineCodes({
  K8S001: { title: 'name is not a Kubernetes name', hint: 'use lower-case letters, digits and dashes (a DNS-1123 label, at most 63 characters): services keep the names containers used' },
  K8S002: { title: 'host or shared network namespace', severity: 'warning', hint: 'the pod gets cluster networking; reach host services through a Service, or decide on hostNetwork by hand' },
  K8S003: { title: 'host path mount left out', severity: 'warning', hint: 'move the data into a volume (PVC), or set kubernetes.hostPaths and kubernetes.keepPlacement to mount it as hostPath on a pinned node' },
  K8S004: { title: 'host path mounted on a pinned node', severity: 'warning', hint: 'the pod only runs on the node that has this folder; prefer a volume' },
  K8S005: { title: 'device needs a device plugin', severity: 'warning', hint: 'install the vendor device plugin on the node (AMD: amd-gpu device plugin, NVIDIA: nvidia-device-plugin) so the resource request can be scheduled' },
  K8S006: { title: 'host systemd unit has no cluster equivalent', severity: 'warning', hint: 'keep this unit on a host, or package the command as an image and run it as a ContainerJob' },
  K8S007: { title: 'raw podman arguments not carried over', severity: 'warning', hint: 'express them with typed props (capabilities, user, devices), which the backend maps' },
  K8S008: { title: 'calendar expression has no cron equivalent', severity: 'warning', hint: 'use whole minutes, no years, no ~ (end of month): cron has five fields' },
  K8S009: { title: 'schedule without a time zone', severity: 'info', hint: 'add a zone to OnCalendar (e.g. Europe/Paris); the CronJob then sets spec.timeZone' },
  K8S010: { title: 'setting has no Kubernetes equivalent', severity: 'warning', hint: 'decide by hand whether the cluster needs it (docs/kubernetes.md lists each setting)' },
  K8S011: { title: 'volume size not given', severity: 'info', hint: 'set kubernetes.volumes.<name>.size in the site (or [kubernetes.volumes] in site.toml)' },
  K8S012: { title: 'route to a target outside the cluster', severity: 'warning', hint: 'run the service in the cluster, or add a Service with an EndpointSlice for the outside address by hand' },
  K8S013: { title: 'Caddy replaced by the Ingress controller', severity: 'info', hint: 'routes become Ingress objects; the cluster\'s controller (Traefik on k3s) serves them' },
  K8S014: { title: 'tunnel stays outside the cluster', severity: 'warning', hint: 'point the tunnel at the Ingress controller\'s address instead of Caddy' },
  K8S015: { title: 'dependency without a Service', severity: 'info', hint: 'declare a port on the dependency so the pod can wait for its Service; otherwise Kubernetes starts both at once' },
  K8S016: { title: 'image is built or pulled on the host', severity: 'warning', hint: 'push the image to a registry the cluster can pull from, and use its reference' },
  K8S017: { title: 'cross-host address inside one cluster', severity: 'warning', hint: 'consumers in the cluster can use the Service name instead of the old host address' },
  K8S018: { title: 'Kubernetes YAML of a .kube unit not included', severity: 'warning', hint: 'add the YAML files to kustomization.yaml resources by hand' },
  K8S019: { title: 'unit not started at boot', severity: 'info', hint: 'the workload is written with replicas: 0; scale it up with kubectl scale when needed' },
  K8S020: { title: 'setting not classified for Kubernetes', severity: 'warning', hint: 'this is a gap in quadlet-cdk\'s mapping table: please report it' },
  K8S021: { title: 'systemd specifier in a value', severity: 'warning', hint: 'give a literal value: %h and friends have no meaning inside a pod' },
  K8S022: { title: 'secret values come from files beside the manifests', severity: 'info', hint: 'copy the host\'s file into k8s/secrets/ before kubectl apply -k (never commit it)' },
  K8S023: { title: 'several schedules become several CronJobs', severity: 'info', hint: 'one CronJob is written per calendar expression (<name>, <name>-2, ...)' },
  K8S024: { title: 'setting or construct of the quadlet output only', severity: 'info', hint: 'nothing to do for the cluster: it still applies when the site is synthesized for quadlet' },
  K8S025: { title: 'raw unit entry not carried over', severity: 'warning', hint: 'express the entry with a typed prop the backend maps, or add it to the manifests by hand (a kustomize patch)' },
  K8S026: { title: 'drop-in not applied to the workload', severity: 'warning', hint: 'set the drop-in\'s settings as props of the unit (the backend maps those), or patch the manifests with kustomize' },
  K8S027: { title: 'template unit not mapped', severity: 'warning', hint: 'declare one Container (Volume, Network) per instance: each becomes a workload (claim, NetworkPolicy) of its own' },
  K8S028: { title: 'container runs a root file system folder', severity: 'error', hint: 'make an image of the folder (podman import, or a Containerfile FROM scratch), push it to a registry the cluster pulls from, and give the Kubernetes site that reference' },
});
