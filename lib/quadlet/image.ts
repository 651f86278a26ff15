import { Construct } from 'constructs';
import { Reporter } from '../core/diagnostics';
import { ValidationContext } from '../core/resource';
import { EncodableValue } from '../render/encode';
import { literalOf } from '../render/systemd-value';
import { IImageSource } from './container';
import { checkImageRef, ImageAllowances } from './image-ref';
import { ImageKeys } from './keys.generated';
import { QuadletUnit, QuadletUnitProps } from './unit';

export interface ImageProps extends QuadletUnitProps, ImageAllowances, Omit<ImageKeys, 'image' | 'serviceName'> {
  /**
   * The fully qualified reference to pull, e.g. `docker.io/library/caddy:2-alpine`.
   * Required: quadlet refuses an `.image` unit without it.
   */
  readonly image: string;
}

/**
 * An image pulled by its own unit (`.image`), so that containers that run it wait for the pull
 * (`Image=<name>.image` gives them `Requires=`/`After=<name>-image.service`) and share one
 * pull policy and credentials. Containers run `ImageTag=` when set, else `Image=`.
 */
export class Image extends QuadletUnit implements IImageSource {
  public readonly section = 'Image' as const;
  public readonly props: ImageProps;

  public constructor(scope: Construct, id: string, props: ImageProps) {
    // Pulled on demand by the containers that require it: not part of the boot target.
    super(scope, id, { ...props, install: props?.install ?? false }, { ...props, image: undefined });
    this.props = props ?? ({} as ImageProps);
  }

  /** What a container's `Image=` says: `<name>.image`. */
  public get imageRef(): string {
    return this.unitFileName;
  }

  /** The reference containers end up running: `ImageTag=` if set, else `Image=` (A2). */
  public get resolvedImage(): string | undefined {
    const tag = this.props.imageTag;
    return tag === undefined ? this.props.image : literalOf(tag);
  }

  /** A pull runs once and stays "active" (quadlet adds RemainAfterExit=yes): no restarts. */
  protected get longRunning(): boolean {
    return false;
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    const img = this.props.image;
    if (typeof img !== 'string' || img === '') {
      ctx.report('QUADLET005', `image ${this.name} has no image reference (Image=)`, 'set image to the reference to pull, e.g. docker.io/library/caddy:2-alpine');
      return;
    }
    checkImageRef(img, ctx.site, this.props, ctx.report);
  }

  protected quadletEntries(_report: Reporter): Array<[string, EncodableValue | undefined]> {
    return [['Image', this.props.image || undefined]];
  }
}
