import { Construct } from 'constructs';
import { Reporter } from '../core/diagnostics';
import { ValidationContext } from '../core/resource';
import { EncodableValue } from '../render/encode';
import { ArtifactKeys } from './keys.generated';
import { QuadletUnit, QuadletUnitProps } from './unit';

export interface ArtifactProps extends QuadletUnitProps, Omit<ArtifactKeys, 'artifact' | 'serviceName'> {
  /**
   * The OCI artifact reference to pull, e.g. `quay.io/example/model:v1`.
   * Required: quadlet refuses an `.artifact` unit without it.
   */
  readonly artifact: string;
}

/**
 * An OCI artifact pulled by its own unit (`.artifact`, podman >= 5.7.0). Older podman does not
 * know the file type and skips it without a word, so the site's podman version gates it
 * (QUADLET001). Containers mount it with `Mount=type=artifact,source=<name>.artifact,...`.
 */
export class Artifact extends QuadletUnit {
  public readonly section = 'Artifact' as const;
  public readonly props: ArtifactProps;

  public constructor(scope: Construct, id: string, props: ArtifactProps) {
    // Pulled on demand by the units that require it: not part of the boot target.
    super(scope, id, { ...props, install: props?.install ?? false }, { ...props, artifact: undefined });
    this.props = props ?? ({} as ArtifactProps);
  }

  /** What another unit's mount source says: `<name>.artifact`. */
  public get artifactRef(): string {
    return this.unitFileName;
  }

  /** A pull runs once: no restarts. */
  protected get longRunning(): boolean {
    return false;
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    if (typeof this.props.artifact !== 'string' || this.props.artifact === '') {
      ctx.report('QUADLET005', `artifact ${this.name} has no artifact reference (Artifact=)`, 'set artifact to the reference to pull');
    }
  }

  protected quadletEntries(_report: Reporter): Array<[string, EncodableValue | undefined]> {
    return [['Artifact', this.props.artifact || undefined]];
  }
}
