import { Reporter } from '../core/diagnostics';
import './codes';

/** A port published on the host. */
export interface PortMapping {
  /** The port inside the container. */
  readonly container: number;
  /** The host port. @default - the container port */
  readonly host?: number;
  /**
   * The transport protocol.
   * @default 'tcp'
   */
  readonly protocol?: 'tcp' | 'udp';
  /**
   * The host address to bind. Ignored when `public` is true.
   * @default '127.0.0.1'
   */
  readonly bind?: string;
  /**
   * Publish on every interface (mail, for example). Anything else should stay on loopback behind the proxy.
   * @default false
   */
  readonly public?: boolean;
}

/** Addresses that mean "every interface": only allowed with `public: true`. */
const ALL_INTERFACES = ['0.0.0.0', '::', '[::]', ''];

/** PORT003 for every port outside 1..65535. */
export function checkPorts(ports: readonly number[], report: Reporter): void {
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) report('PORT003', `port ${port} is out of range`);
  }
}

/**
 * Checks published ports: both ends in range (PORT003), and no binding on all interfaces
 * unless the mapping says `public` (PORT002). Shared by containers, pods and kube units.
 */
export function checkPublish(publish: readonly PortMapping[], report: Reporter): void {
  checkPorts(publish.flatMap((m) => [m.container, m.host ?? m.container]), report);
  for (const m of publish) {
    const bind = m.bind ?? '127.0.0.1';
    if (!m.public && ALL_INTERFACES.includes(bind)) {
      report('PORT002', `port ${m.host ?? m.container} is published on all interfaces (${bind || 'no address'})`);
    }
  }
}

/**
 * The `PublishPort=` value of a mapping: `127.0.0.1:8080:80` by default, `8080:80` when public,
 * IPv6 binds in brackets, `/udp` when not tcp.
 */
export function publishSpec(m: PortMapping): string {
  const host = m.host ?? m.container;
  const proto = m.protocol && m.protocol !== 'tcp' ? `/${m.protocol}` : '';
  const addr = m.bind ?? '127.0.0.1';
  const bind = m.public ? '' : `${addr.includes(':') ? `[${addr}]` : addr}:`;
  return `${bind}${host}:${m.container}${proto}`;
}
