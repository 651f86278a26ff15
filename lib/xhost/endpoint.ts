import { Construct, IConstruct } from 'constructs';
import { isIP } from 'net';
import { Resource, ValidationContext } from '../core/resource';
import { Container, ContainerPort, PortMapping } from '../quadlet/container';
import './codes';
// The site checks (XHOST001, XHOST004) load with the construct that needs them.
import './checks';

/** How other hosts reach one host; `SiteConfig.host('gpu')` returns one from `[hosts.gpu]`. */
export interface HostAddress {
  /** The `[hosts]` key, for messages. @default - none */
  readonly name?: string;
  /** The DNS name or IP other hosts use, e.g. 'gpu.lan'. */
  readonly address: string;
  /** The host's LAN IP that published ports bind to. @default - none */
  readonly bind?: string;
}

export interface EndpointProps {
  /** The container port other hosts reach: `litellm.container.port(4000)`. Must be on the endpoint's site. */
  readonly target: ContainerPort;
  /** How other hosts reach this host: a DNS name or IP, or a HostAddress (`cfg.host('gpu')`). */
  readonly address: string | HostAddress;
  /**
   * The host port the target publishes.
   * @default - the host port of the target's reachable publish mapping for the container port, else the container port
   */
  readonly hostPort?: number;
  /**
   * The host address the published port must be bound to.
   * @default - the HostAddress's bind; else any non-loopback bind, or public: true
   */
  readonly bind?: string;
  /**
   * The URL scheme of the endpoint.
   * @default 'http'
   */
  readonly scheme?: string;
}

/** Options of `Endpoint.connect`. */
export interface EndpointConnectOptions {
  /** The variable that receives the URL. */
  readonly envVar: string;
  /** Appended to the URL, e.g. '/v1'. @default '' */
  readonly path?: string;
}

const BRAND = Symbol.for('quadlet-cdk.Endpoint');
const byRoot = new WeakMap<IConstruct, Endpoint[]>();

/** Every endpoint in the tree of `scope` (kept per root: checks ask often, and endpoints are few). */
export function endpointsIn(scope: IConstruct): readonly Endpoint[] {
  return byRoot.get(scope.node.root) ?? [];
}

/** Loopback binds: published there, a port is unreachable from other hosts. */
export function isLoopback(bind: string): boolean {
  return /^(127\.|localhost$|::1$|\[::1\]$)/.test(bind);
}

/**
 * A container port that other hosts (other sites) reach by a declared address, e.g. the LLM
 * gateway on the GPU host, used by apps on another host. Consumers on other sites take
 * `endpoint.url('/v1')` (`http://gpu.lan:4000/v1`) or `endpoint.connect(consumer, ...)`; no
 * dependency edge is added, since systemd cannot order units across hosts. Checks that the target
 * publishes the port on an address other hosts can reach (XHOST002, XHOST003).
 */
export class Endpoint extends Resource {
  public static isEndpoint(x: unknown): x is Endpoint {
    return typeof x === 'object' && x !== null && (x as any)[BRAND] === true;
  }

  public readonly kind = 'endpoint';
  /** The container behind the endpoint. */
  public readonly container: Container;
  /** The container port. */
  public readonly containerPort: number;
  /** The DNS name or IP other hosts use. */
  public readonly address: string;
  public readonly scheme: string;
  private readonly props: EndpointProps;
  private readonly bind?: string;
  private readonly consumerList: Container[] = [];

  public constructor(scope: Construct, id: string, props: EndpointProps) {
    super(scope, id);
    Object.defineProperty(this, BRAND, { value: true });
    byRoot.set(this.node.root, [...endpointsIn(this), this]);
    this.props = props;
    this.container = props.target.container;
    this.containerPort = props.target.port;
    this.address = typeof props.address === 'string' ? props.address : props.address?.address ?? '';
    this.bind = props.bind ?? (typeof props.address === 'string' ? undefined : props.address?.bind);
    this.scheme = props.scheme ?? 'http';
  }

  /** The target's publish mappings of the container port (and host port, when given). */
  private get mappings(): PortMapping[] {
    return (this.container.props.publish ?? []).filter((m) => m.container === this.containerPort
      && (this.props.hostPort === undefined || (m.host ?? m.container) === this.props.hostPort));
  }

  private reachable(m: PortMapping): boolean {
    if (m.public) return true;
    const bind = m.bind ?? '127.0.0.1';
    return !isLoopback(bind) && (this.bind === undefined || bind === this.bind);
  }

  /** The port other hosts connect to. */
  public get hostPort(): number {
    if (this.props.hostPort !== undefined) return this.props.hostPort;
    const m = this.mappings.find((x) => this.reachable(x)) ?? this.mappings[0];
    return m ? m.host ?? m.container : this.containerPort;
  }

  /** `http://gpu.lan:4000<path>`: the URL consumers on other hosts use. */
  public url(path = ''): string {
    const host = isIP(this.address) === 6 ? `[${this.address}]` : this.address;
    return `${this.scheme}://${host}:${this.hostPort}${path}`;
  }

  /** Set `envVar` of a consumer on another site to `url(path)`. No dependency: other hosts start on their own. */
  public connect(consumer: Container, options: EndpointConnectOptions): void {
    consumer.addEnvironment(options.envVar, this.url(options.path ?? ''));
    this.addConsumer(consumer);
  }

  /** Record a consumer that reached the endpoint some other way (gateway.connectRemote does). */
  public addConsumer(consumer: Container): void {
    if (!this.consumerList.includes(consumer)) this.consumerList.push(consumer);
  }

  /** The containers connected through this endpoint. */
  public get consumers(): readonly Container[] {
    return [...this.consumerList];
  }

  public validate(ctx: ValidationContext): void {
    const r = ctx.report;
    const c = this.container;
    const label = `endpoint ${this.node.id} (${c.name}:${this.containerPort})`;
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(this.address) && isIP(this.address) === 0) {
      r('XHOST006', `${label}: address "${this.address}" is not a DNS name or IP`);
    }
    if (c.site !== this.site) r('XHOST006', `${label}: the target belongs to site ${c.site.name}, not ${this.site.name}`, `create the endpoint on site ${c.site.name}`);
    for (const p of [this.containerPort, this.props.hostPort]) {
      if (p !== undefined && (!Number.isInteger(p) || p < 1 || p > 65535)) r('XHOST006', `${label}: port ${p} is out of range`);
    }
    if (c.props.networkMode === 'host') return; // listens on the host itself; podman publishes nothing
    const mappings = this.mappings;
    if (mappings.length === 0) {
      const hp = this.props.hostPort !== undefined ? ` on host port ${this.props.hostPort}` : '';
      r('XHOST002', `${label}: ${c.name} does not publish container port ${this.containerPort}${hp}`,
        `add publish: [{ container: ${this.containerPort}, host: ${this.props.hostPort ?? this.containerPort}, bind: '${this.bind ?? '<LAN IP>'}' }] to ${c.name}`);
      return;
    }
    if (!mappings.some((m) => this.reachable(m))) {
      const binds = mappings.map((m) => m.bind ?? '127.0.0.1').join(', ');
      const want = this.bind ? `the declared bind ${this.bind}` : 'an address other hosts can reach';
      r('XHOST003', `${label}: ${c.name} publishes port ${this.hostPort} on ${binds}, not on ${want}`,
        `set bind: '${this.bind ?? '<LAN IP>'}' on ${c.name}'s publish mapping for ${this.containerPort} (or public: true)`);
    }
  }
}
