import { Construct } from 'constructs';
import { commentLines } from '../core/names';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import { SystemdText } from '../render/systemd-value';
import { Container, ContainerProps, IImageSource, Mount, PortMapping } from '../quadlet/container';
import { headerFor } from '../quadlet/unit';
import './codes';
import type { Route } from './route';

const BRAND = Symbol.for('quadlet-cdk.Caddy');

export interface CaddyProps extends Omit<ContainerProps, 'image'> {
  /**
   * The Caddy image.
   * @default 'docker.io/library/caddy:2.10.0-alpine'
   */
  readonly image?: string | IImageSource;
  /**
   * Ports published on the host. cloudflared dials the host port of container port 80.
   * @default [{ container: 80, host: 80 }] (on 127.0.0.1)
   */
  readonly publish?: PortMapping[];
  /**
   * Answer unknown hosts with 404 instead of Caddy's empty 200 (a matcher-less `http://` site
   * after the routes).
   * @default true
   */
  readonly catchAll?: boolean;
  /**
   * SELinux relabel option for the config mount: `Z` (private to Caddy), `z` (shared) or
   * `false` (no SELinux on the host). Without it an enforcing host denies the read.
   * @default 'Z'
   */
  readonly relabel?: 'Z' | 'z' | false;
}

/** Where the config folder appears inside the container. */
const CONFIG_DIR = '/etc/caddy';

/** Caddy on Alpine, pinned to a full version (`:2-alpine` floats over every 2.x release). */
export const CADDY_IMAGE = 'docker.io/library/caddy:2.10.0-alpine';

/**
 * Caddy, the site's reverse proxy: a Caddy container plus its main Caddyfile. Caddy speaks
 * plain HTTP on :80 behind the tunnel (TLS ends at Cloudflare): the Caddyfile turns off
 * automatic HTTPS and the admin API, then imports one route file per Route
 * (`routes/<name>.caddy`, each a complete `http://<host>` site block). The Caddy folder is
 * bind-mounted read-only at /etc/caddy; restart the container after a route change (the admin
 * API, and so `caddy reload`, is off).
 */
export class Caddy extends Resource {
  public static isCaddy(x: unknown): x is Caddy {
    return typeof x === 'object' && x !== null && (x as any)[BRAND] === true;
  }

  public readonly kind = 'caddy';
  /** The Caddy container (`caddy.container`). */
  public readonly container: Container;
  public readonly props: CaddyProps;
  /** Tunnels that forward to this Caddy (they register themselves), for the Caddyfile's comment. */
  public readonly fedBy: Resource[] = [];

  public constructor(scope: Construct, id: string, props: CaddyProps = {}) {
    super(scope, id);
    Object.defineProperty(this, BRAND, { value: true });
    this.props = props;
    const name = props.name ?? id;
    const relabel = props.relabel ?? 'Z';
    // The folder, not single files: editors and chezmoi replace files, and a file bind mount
    // keeps showing the old inode.
    const folder = this.site.runtimePathOf('caddy', 'Caddyfile').replace(/\/Caddyfile$/, '');
    const config: Mount = { hostPath: new SystemdText(folder), path: CONFIG_DIR, readOnly: true, options: relabel ? [relabel] : [] };
    const { catchAll: _c, relabel: _r, ...containerProps } = props;
    this.container = new Container(this, 'Container', {
      ...containerProps,
      name,
      description: props.description ?? 'Caddy, the reverse proxy (plain HTTP on :80)',
      containerName: props.containerName ?? name,
      image: props.image ?? CADDY_IMAGE,
      publish: props.publish ?? [{ container: 80, host: 80 }],
      volumes: [config, ...(props.volumes ?? [])],
      // Any HTTP answer on :80 (the catch-all's 404 too) means Caddy serves; the admin API may be off.
      healthCmd: props.healthCmd ?? 'wget -q -S -O /dev/null http://127.0.0.1:80/ 2>&1 | grep -q HTTP/',
    });
  }

  /** The routes of this Caddy, sorted by name. */
  public get routes(): Route[] {
    return this.node.children
      .filter((c): c is Route => (c as any).isRoute === true)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Where the host reaches Caddy's :80, for cloudflared; undefined when it is not published. */
  public get loopback(): { readonly address: string; readonly port: number } | undefined {
    const m = (this.container.props.publish ?? []).find((p) => p.container === 80 && (p.protocol ?? 'tcp') === 'tcp');
    if (!m) return undefined;
    const bind = m.bind ?? '127.0.0.1';
    const address = m.public || ['0.0.0.0', '::', '[::]', ''].includes(bind) ? '127.0.0.1' : bind;
    return { address, port: m.host ?? m.container };
  }

  public validate(ctx: ValidationContext): void {
    const c = this.container;
    const where = c.environment.CADDY_ADMIN !== undefined ? 'environment' : c.envFiles.find((f) => f.has('CADDY_ADMIN'))?.name;
    if (where !== undefined) {
      ctx.report('CADDY001', `CADDY_ADMIN is set (${where === 'environment' ? 'Environment=' : `${where}.env`}${c.envValue('CADDY_ADMIN') !== undefined ? `, value "${c.envValue('CADDY_ADMIN')}"` : ''}); it does not disable the admin API and "off" breaks start-up`);
    }
    const publish = c.props.publish ?? [];
    if (!publish.some((p) => p.container === 80)) ctx.report('CADDY002', `${c.name} publishes no host port for its port 80`);
    if (publish.some((p) => p.container === 443)) ctx.report('CADDY003', `${c.name} publishes port 443, where nothing listens (plain HTTP on :80 only)`);
  }

  public render(ctx: RenderContext): void {
    const lines = commentLines(headerFor(this.node.path));
    lines.push(this.fedBy.length > 0
      ? '# Plain HTTP behind the tunnel: TLS ends at Cloudflare, cloudflared forwards to :80.'
      : '# Plain HTTP on :80: automatic HTTPS is off, so TLS (if any) ends in front of Caddy.');
    lines.push('{', '\tauto_https off', '\tadmin off', '}', '');
    for (const r of this.routes) lines.push(`import ${r.fileName}`);
    if (this.props.catchAll ?? true) {
      if (this.routes.length) lines.push('');
      lines.push('# Any other host: 404 rather than an empty 200.', 'http:// {', '\trespond "unknown host" 404', '}');
    }
    ctx.emit('caddy', 'Caddyfile', lines.join('\n') + '\n');
  }
}
