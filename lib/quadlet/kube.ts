import { Construct } from 'constructs';
import { orderAfter } from '../core/synth-order';
import { Reporter } from '../core/diagnostics';
import { ValidationContext } from '../core/resource';
import { EncodableValue } from '../render/encode';
import { literalOf, UnitValue } from '../render/systemd-value';
import { KubeKeys } from './keys.generated';
import { INetwork, networksOrDefault } from './network';
import { checkPublish, PortMapping, publishSpec } from './ports';
import { QuadletUnit, QuadletUnitProps } from './unit';

export interface KubeProps extends QuadletUnitProps, Omit<KubeKeys, 'yaml' | 'network' | 'publishPort' | 'serviceName'> {
  /**
   * The Kubernetes YAML file(s) `podman kube play` runs. Relative paths are resolved against the
   * unit file's folder. Several files need podman 5.7 (5.4 silently keeps only the last one).
   * Required: quadlet refuses a `.kube` unit without one.
   */
  readonly yaml: UnitValue | UnitValue[];
  /**
   * Networks the pods of the YAML join.
   * @default - the site's default network (none when the site has none)
   */
  readonly networks?: INetwork[];
  /**
   * Ports published on the host, with the same loopback default as containers.
   * @default - none
   */
  readonly publish?: PortMapping[];
}

/**
 * Pods from Kubernetes YAML (`.kube` unit, `podman kube play`). The generated service is
 * `<name>.service`, the same name a `.container` of that name would get: the two cannot share a
 * name on one site.
 */
export class Kube extends QuadletUnit {
  public readonly section = 'Kube' as const;
  /** The props as given; site checks read `publish` from here (port clashes). */
  public readonly props: KubeProps;

  public constructor(scope: Construct, id: string, props: KubeProps) {
    // Yaml= is written by quadletEntries only, so a missing or empty value is never written raw.
    super(scope, id, props ?? {}, { ...props, yaml: undefined });
    this.props = props ?? ({} as KubeProps);
    for (const n of this.props.networks ?? []) if (n instanceof QuadletUnit) orderAfter(this, n);
  }

  /** The YAML files, in order. */
  public get yamlFiles(): UnitValue[] {
    const y = this.props.yaml;
    if (y === undefined) return [];
    return (Array.isArray(y) ? y : [y]).filter((v) => literalOf(v) !== '');
  }

  /** The networks the pods are on (explicit, or the site default). */
  public get networks(): INetwork[] {
    return networksOrDefault(this.site, this.props.networks);
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    const yaml = this.yamlFiles;
    if (yaml.length === 0) {
      ctx.report('QUADLET005', `kube ${this.name} has no YAML file (Yaml=)`, 'set yaml to the path of the Kubernetes YAML, e.g. %h/kube/app.yaml');
    }
    // Several Yaml= files before 5.7 (only the last is played): QUADLET030, from the rendered unit.
    const wd = this.props.setWorkingDirectory === undefined ? undefined : literalOf(this.props.setWorkingDirectory).toLowerCase();
    if (wd !== undefined && wd !== 'yaml' && wd !== 'unit') {
      ctx.report('QUADLET003', `SetWorkingDirectory=${wd} is not accepted in .kube units`, 'use yaml or unit');
    }
    checkPublish(this.props.publish ?? [], ctx.report);
  }

  protected quadletEntries(_report: Reporter): Array<[string, EncodableValue | undefined]> {
    const networks = this.networks.map((n) => n.networkRef);
    const publish = (this.props.publish ?? []).map(publishSpec);
    return [
      // One Yaml= line per file: the key is single-valued in the table, so each is its own entry.
      ...this.yamlFiles.map((y): [string, EncodableValue] => ['Yaml', y]),
      ['Network', networks.length ? networks : undefined],
      ['PublishPort', publish.length ? publish : undefined],
    ];
  }
}
