import { Construct } from 'constructs';
import { Reporter } from '../core/diagnostics';
import { checkName } from '../core/names';
import { ValidationContext } from '../core/resource';
import { Site } from '../core/site';
import { EncodableValue } from '../render/encode';
import { Specifier, systemdText } from '../render/systemd-value';
import { NetworkKeys } from './keys.generated';
import { QuadletUnit, QuadletUnitProps } from './unit';

/** A network containers can join: a `.network` unit in the tree, or one imported by name. */
export interface INetwork {
  /** The podman network name: other containers resolve names on it. */
  readonly networkName: string;
  /** What a container's `Network=` says: `edge.network` for units, the plain name otherwise. */
  readonly networkRef: string;
}

export interface NetworkProps extends QuadletUnitProps, Omit<NetworkKeys, 'networkName' | 'subnet' | 'gateway' | 'serviceName'> {
  /**
   * The podman network name (`NetworkName=` needs podman 4.7).
   * @default - the unit name (no `systemd-` prefix); `systemd-<name>` for podman before 4.7, which names it so itself
   */
  readonly networkName?: string;
  /** Subnets in CIDR form, e.g. `10.89.0.0/24`. @default - podman picks one */
  readonly subnet?: string | string[];
  /** One gateway per subnet. @default - podman's (first address) */
  readonly gateway?: string | string[];
  /**
   * Make this the network containers join when they name none.
   * @default false
   */
  readonly default?: boolean;
}

/** A podman network (`.network` unit). */
export class Network extends QuadletUnit implements INetwork {
  /** A network that exists on the host but is not defined in this tree. */
  public static fromName(name: string): INetwork {
    return { networkName: name, networkRef: name };
  }

  public readonly section = 'Network' as const;
  /** The podman network name (`<name>-%i` for a template). */
  public readonly networkName: string;
  private readonly networkBase: string;
  private readonly netProps: NetworkProps;

  public constructor(scope: Construct, id: string, props: NetworkProps = {}) {
    super(scope, id, { ...props, install: props.install ?? false }, props);
    this.netProps = props;
    // Before 4.7 there is no NetworkName=: the generator names the network systemd-<unit name>.
    this.networkBase = props.networkName ?? (this.keyAvailable('NetworkName') ? this.name : `systemd-${this.name}`);
    // A template's instances each get their own network: `<name>-%i`.
    this.networkName = this.isTemplate ? `${this.networkBase}-%i` : this.networkBase;
    if (props.default) this.site.defaultNetwork = this;
  }

  public get networkRef(): string {
    return this.unitFileName;
  }

  /** Subnets as a list. */
  public get subnets(): string[] {
    return asList(this.netProps.subnet);
  }

  protected get longRunning(): boolean {
    return false;
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    if (this.netProps.networkName !== undefined) checkName(ctx.report, this.networkBase, 'network name');
  }

  protected quadletEntries(report: Reporter): Array<[string, EncodableValue | undefined]> {
    const subnets = this.subnets;
    const gateways = asList(this.netProps.gateway);
    for (const s of subnets) {
      if (!/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(s)) report('QUADLET003', `Subnet=${s} is not in CIDR form`);
      else if (overlapsIpv4(s, PODMAN_DEFAULT_SUBNET)) {
        report('QUADLET015', `Subnet=${s} overlaps ${PODMAN_DEFAULT_SUBNET}, podman's default network: \`podman network create\` refuses it ("subnet ... is already used on the host or by another config")`);
      }
    }
    if ((gateways.length > 0 || asList(this.netProps.ipRange as string[] | undefined).length > 0) && subnets.length === 0) {
      report('QUADLET006', 'Gateway= and IPRange= need a Subnet=', 'set subnet, or drop gateway and ipRange');
    }
    if (gateways.length > subnets.length) report('QUADLET006', 'more gateways than subnets', 'give at most one gateway per subnet');
    return [
      ['NetworkName', this.netProps.networkName !== undefined || this.keyAvailable('NetworkName') ? (this.isTemplate ? systemdText(this.networkBase, '-', Specifier.instance) : this.networkName) : undefined],
      ['Subnet', subnets.length ? subnets : undefined],
      ['Gateway', gateways.length ? gateways : undefined],
    ];
  }
}

/** The networks a unit joins: the ones it names, else the site's default network (if any). */
export function networksOrDefault(site: Site, explicit: INetwork[] | undefined): INetwork[] {
  if (explicit) return explicit;
  return site.defaultNetwork ? [site.defaultNetwork] : [];
}

/** The subnet of podman's default network `podman` (netavark's default), which no other network may overlap. */
const PODMAN_DEFAULT_SUBNET = '10.88.0.0/16';

/** Whether two IPv4 CIDR ranges share an address; false when either is not IPv4. */
function overlapsIpv4(a: string, b: string): boolean {
  const ra = ipv4Range(a);
  const rb = ipv4Range(b);
  return !!ra && !!rb && ra[0] <= rb[1] && rb[0] <= ra[1];
}

function ipv4Range(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) return undefined;
  const addr = m.slice(1, 5).reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(m[5]));
  const start = addr - (addr % size);
  return [start, start + size - 1];
}

function asList(v: string | readonly unknown[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}
