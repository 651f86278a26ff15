import { Construct } from 'constructs';
import { orderAfter } from '../core/synth-order';
import { Diagnostics, Reporter } from '../core/diagnostics';
import { checkPodmanName } from '../core/names';
import { ValidationContext } from '../core/resource';
import { Site } from '../core/site';
import { EncodableValue } from '../render/encode';
import { IPod } from './container';
import { checkMounts, Mount, mountSpec } from './mounts';
import { PodKeys } from './keys.generated';
import { INetwork, networksOrDefault } from './network';
import { checkPublish, PortMapping, publishSpec } from './ports';
import { compareVersions } from './keys';
import { QuadletUnit, QuadletUnitProps } from './unit';
import { POD_RESTART_KEPT_SINCE, versionName } from './version-values';

export interface PodProps extends QuadletUnitProps, Omit<PodKeys, 'podName' | 'network' | 'publishPort' | 'volume' | 'serviceName'> {
  /**
   * The podman pod name. The infra container is `<podName>-infra`.
   * @default - the unit name (no `systemd-` prefix)
   */
  readonly podName?: string;
  /**
   * Networks the pod joins. Members share them: a container in a pod sets no networks of its own.
   * @default - the site's default network (none when the site has none)
   */
  readonly networks?: INetwork[];
  /**
   * Ports published on the host for the whole pod (members cannot publish their own).
   * @default - none
   */
  readonly publish?: PortMapping[];
  /**
   * Volumes and bind mounts every member of the pod gets.
   * @default - none
   */
  readonly volumes?: Mount[];
}

/**
 * A podman pod (`.pod` unit): containers join it with `pod: thePod` and share its network
 * namespace, its ports and its volumes. The generated service is `<name>-pod.service`; it
 * starts the member containers itself (quadlet adds `Wants=`/`Before=` on them).
 */
export class Pod extends QuadletUnit implements IPod {
  public readonly section = 'Pod' as const;
  public readonly podName: string;
  /** The props as given; site checks read `publish` from here (port clashes). */
  public readonly props: PodProps;

  public constructor(scope: Construct, id: string, props: PodProps = {}) {
    // A5: quadlet up to 5.8 forces Restart=on-failure on pods and drops the user's Restart=, so
    // the library does not write one either (a warning says so); 6.0 keeps the user's.
    const { restart, ...service } = props.service ?? {};
    const keepsRestart = compareVersions(Site.of(scope).podmanVersion, POD_RESTART_KEPT_SINCE) >= 0;
    super(scope, id, { ...props, service: keepsRestart ? props.service : service }, props);
    if (restart !== undefined && !keepsRestart) {
      Diagnostics.report(this, 'QUADLET029', `restart: '${restart}' on pod ${this.name} is replaced by Restart=on-failure by podman ${this.site.podmanVersion}'s quadlet (podman ${versionName(POD_RESTART_KEPT_SINCE)} keeps it)`);
    }
    this.props = props;
    this.podName = props.podName ?? this.name;
    for (const n of props.networks ?? []) if (n instanceof QuadletUnit) orderAfter(this, n);
    for (const v of props.volumes ?? []) if ('volume' in v && v.volume instanceof QuadletUnit) orderAfter(this, v.volume);
  }

  /** What a member container's `Pod=` says: `<name>.pod`. */
  public get podRef(): string {
    return this.unitFileName;
  }

  /** The networks the pod is on (explicit, or the site default). */
  public get networks(): INetwork[] {
    return networksOrDefault(this.site, this.props.networks);
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    checkPodmanName(ctx.report, this.podName, 'pod name', this.props.podName === undefined);
    checkPublish(this.props.publish ?? [], ctx.report);
    checkMounts(this.props.volumes ?? [], ctx.report);
  }

  protected quadletEntries(_report: Reporter): Array<[string, EncodableValue | undefined]> {
    const networks = this.networks.map((n) => n.networkRef);
    const publish = (this.props.publish ?? []).map(publishSpec);
    const volumes = (this.props.volumes ?? []).map((m) => mountSpec(m));
    return [
      ['PodName', this.podName],
      ['Network', networks.length ? networks : undefined],
      ['PublishPort', publish.length ? publish : undefined],
      ['Volume', volumes.length ? volumes : undefined],
    ];
  }
}
