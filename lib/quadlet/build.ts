import { Construct } from 'constructs';
import { orderAfter } from '../core/synth-order';
import { Reporter } from '../core/diagnostics';
import { ValidationContext } from '../core/resource';
import { EncodableValue } from '../render/encode';
import { literalOf, UnitValue } from '../render/systemd-value';
import { IImageSource } from './container';
import { checkKeepGroupsAlone } from './group-add';
import { BuildKeys } from './keys.generated';
import { INetwork } from './network';
import { compareVersions } from './keys';
import { QuadletUnit, QuadletUnitProps } from './unit';
import { FILE_SPECIFIER_ABSOLUTE_SINCE, versionName } from './version-values';

export interface BuildProps extends QuadletUnitProps, Omit<BuildKeys, 'imageTag' | 'file' | 'setWorkingDirectory' | 'network' | 'serviceName'> {
  /**
   * The name(s) the built image is tagged with, e.g. `localhost/paperclip:v1`. The first one is
   * what containers with `Image=<name>.build` run. Required: quadlet refuses a `.build` without it.
   */
  readonly imageTag: string | string[];
  /**
   * The Containerfile: an absolute path or a URL, or a path relative to `setWorkingDirectory`.
   * `%h/...` counts as relative for quadlet. One of `file` and `setWorkingDirectory` is required.
   * @default - none: the context's own Containerfile
   */
  readonly file?: UnitValue;
  /**
   * The build context: `unit` (the unit file's folder), `file` (the Containerfile's folder), an
   * absolute path or a URL (git repository, archive).
   * @default - none
   */
  readonly setWorkingDirectory?: UnitValue;
  /**
   * Networks for `RUN` steps during the build.
   * @default - podman's default network
   */
  readonly networks?: INetwork[];
}

/** What quadlet's isURL accepts as a remote Containerfile or context (`https://`, `git://`). */
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * An image built on the host (`.build`): containers run it with `image: theBuild`, which gives
 * them `Requires=`/`After=<name>-build.service`, so the build finishes before they start.
 */
export class Build extends QuadletUnit implements IImageSource {
  public readonly section = 'Build' as const;
  public readonly props: BuildProps;

  public constructor(scope: Construct, id: string, props: BuildProps) {
    // Built on demand by the containers that require it: not part of the boot target.
    super(scope, id, { ...props, install: props?.install ?? false }, { ...props, imageTag: undefined, file: undefined, setWorkingDirectory: undefined });
    this.props = props ?? ({} as BuildProps);
    for (const n of this.props.networks ?? []) if (n instanceof QuadletUnit) orderAfter(this, n);
  }

  /** What a container's `Image=` says: `<name>.build`. */
  public get imageRef(): string {
    return this.unitFileName;
  }

  /** Every tag, in order. */
  public get imageTags(): string[] {
    const t = this.props.imageTag;
    return t === undefined ? [] : (Array.isArray(t) ? t : [t]).filter((x) => x !== '');
  }

  /** The reference containers end up running: the first tag (A2). */
  public get resolvedImage(): string | undefined {
    return this.imageTags[0];
  }

  /** A build runs once and exits (no RemainAfterExit for builds): no restarts. */
  protected get longRunning(): boolean {
    return false;
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    const p = this.props;
    checkKeepGroupsAlone(p.groupAdd, `build ${this.name}`, 'every RUN step of podman build', ctx.report);
    // B3: the generator's three refusals, in its own order.
    if (this.imageTags.length === 0) {
      ctx.report('QUADLET005', `build ${this.name} has no image tag (ImageTag=)`, 'set imageTag, e.g. localhost/<name>:<version>; containers run the first tag');
    }
    const file = p.file === undefined ? '' : literalOf(p.file);
    const wd = p.setWorkingDirectory === undefined ? '' : literalOf(p.setWorkingDirectory);
    if (file === '' && wd === '') {
      ctx.report('QUADLET005', `build ${this.name} has neither a Containerfile (File=) nor a context (SetWorkingDirectory=)`, 'set file to an absolute path or URL, or setWorkingDirectory to the build context');
    } else if (file !== '' && wd === '' && !file.startsWith('/') && !URL_LIKE.test(file) && !(file.startsWith('%') && compareVersions(this.site.podmanVersion, FILE_SPECIFIER_ABSOLUTE_SINCE) >= 0)) {
      const specifier = file.startsWith('%') ? ` (a path starting with a specifier counts as absolute from podman ${versionName(FILE_SPECIFIER_ABSOLUTE_SINCE)}; this site targets ${this.site.podmanVersion})` : '';
      ctx.report('QUADLET005', `build ${this.name}: File=${file} is relative, which needs SetWorkingDirectory=${specifier}`, 'give an absolute path, or set setWorkingDirectory (e.g. \'unit\')');
    }
    if (wd.toLowerCase() === 'file' && file === '') {
      ctx.report('QUADLET005', `build ${this.name}: SetWorkingDirectory=file needs File=`);
    }
    if (wd.toLowerCase() === 'yaml') ctx.report('QUADLET003', 'SetWorkingDirectory=yaml is only accepted in .kube units', 'use unit, file, an absolute path or a URL');
  }

  protected quadletEntries(_report: Reporter): Array<[string, EncodableValue | undefined]> {
    const networks = (this.props.networks ?? []).map((n) => n.networkRef);
    const tags = this.imageTags;
    return [
      ['ImageTag', tags.length ? tags : undefined],
      ['File', this.props.file === undefined || literalOf(this.props.file) === '' ? undefined : this.props.file],
      ['SetWorkingDirectory', this.props.setWorkingDirectory === undefined || literalOf(this.props.setWorkingDirectory) === '' ? undefined : this.props.setWorkingDirectory],
      ['Network', networks.length ? networks : undefined],
    ];
  }
}
