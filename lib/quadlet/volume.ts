import { Construct } from 'constructs';
import { Reporter } from '../core/diagnostics';
import { checkName } from '../core/names';
import { ValidationContext } from '../core/resource';
import { EncodableValue } from '../render/encode';
import { Specifier, systemdText } from '../render/systemd-value';
import { VolumeKeys } from './keys.generated';
import { compareVersions } from './keys';
import { QuadletUnit, QuadletUnitProps } from './unit';
import { VOLUME_OPTIONS_WITHOUT_DEVICE_SINCE, versionName } from './version-values';

/** A named volume a container can mount. */
export interface IVolume {
  /** The podman volume name. */
  readonly volumeName: string;
  /** What a container's `Volume=` source says: `data.volume` for units, the plain name otherwise. */
  readonly volumeRef: string;
}

export interface VolumeProps extends QuadletUnitProps, Omit<VolumeKeys, 'volumeName' | 'user' | 'group' | 'serviceName'> {
  /**
   * The podman volume name (`VolumeName=` needs podman 4.7).
   * @default - the unit name (no `systemd-` prefix); `systemd-<name>` for podman before 4.7, which names it so itself
   */
  readonly volumeName?: string;
  /** Numeric owner uid of the volume's root (quadlet turns names into 0). @default - podman's */
  readonly user?: number;
  /** Numeric owner gid. @default - podman's */
  readonly group?: number;
}

/** A podman named volume (`.volume` unit). */
export class Volume extends QuadletUnit implements IVolume {
  /** A volume that exists on the host but is not defined in this tree. */
  public static fromName(name: string): IVolume {
    return { volumeName: name, volumeRef: name };
  }

  public readonly section = 'Volume' as const;
  /** The podman volume name (`<name>-%i` for a template). */
  public readonly volumeName: string;
  private readonly volumeBase: string;
  private readonly volProps: VolumeProps;

  public constructor(scope: Construct, id: string, props: VolumeProps = {}) {
    super(scope, id, { ...props, install: props.install ?? false }, props);
    this.volProps = props;
    // Before 4.7 there is no VolumeName=: the generator names the volume systemd-<unit name>.
    this.volumeBase = props.volumeName ?? (this.keyAvailable('VolumeName') ? this.name : `systemd-${this.name}`);
    // A template's instances each get their own volume: `<name>-%i`.
    this.volumeName = this.isTemplate ? `${this.volumeBase}-%i` : this.volumeBase;
  }

  public get volumeRef(): string {
    return this.unitFileName;
  }

  protected get longRunning(): boolean {
    return false;
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    if (this.volProps.volumeName !== undefined) checkName(ctx.report, this.volumeBase, 'volume name');
  }

  protected quadletEntries(report: Reporter): Array<[string, EncodableValue | undefined]> {
    const p = this.volProps;
    for (const [k, v] of [['User', p.user], ['Group', p.group]] as const) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0)) report('QUADLET022', `${k}=${v} is not a numeric id`);
    }
    const optionsAlone = compareVersions(this.site.podmanVersion, VOLUME_OPTIONS_WITHOUT_DEVICE_SINCE) >= 0;
    if ((p.type !== undefined || (p.options !== undefined && !optionsAlone)) && p.device === undefined) {
      report('QUADLET006', `${p.type !== undefined ? 'Type=' : 'Options='} needs Device= (Options= alone works from podman ${versionName(VOLUME_OPTIONS_WITHOUT_DEVICE_SINCE)}; this site targets ${this.site.podmanVersion})`, 'set device, or drop type and options');
    }
    if (p.driver === 'image' && p.image === undefined) report('QUADLET005', 'Driver=image needs Image=');
    return [
      ['VolumeName', p.volumeName !== undefined || this.keyAvailable('VolumeName') ? (this.isTemplate ? systemdText(this.volumeBase, '-', Specifier.instance) : this.volumeName) : undefined],
      ['User', p.user],
      ['Group', p.group],
    ];
  }
}
