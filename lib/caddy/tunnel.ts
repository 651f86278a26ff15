import { Construct } from 'constructs';
import { checkName } from '../core/names';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import { Data, renderYaml } from '../render/data-formats';
import { headerFor } from '../quadlet/unit';
import { Caddy } from './caddy';
import './codes';
import { checkIngress, IngressRule, isCatchAll, ORIGIN_REQUEST_KEYS, ruleMatchesHost } from './ingress';

export interface TunnelProps {
  /** The Caddy that cloudflared forwards to, on its loopback port. */
  readonly caddy: Caddy;
  /** The tunnel's UUID (or name). Not a secret; the credentials file is. */
  readonly tunnelId: string;
  /**
   * The credentials JSON on the host (its content is secret and never generated).
   * @default '/etc/cloudflared/<tunnelId>.json'
   */
  readonly credentialsFile?: string;
  /**
   * `per-domain`: one wildcard rule per domain that has routes (plus the bare domain when it is
   * routed), as the site does: `*.sodimo.eu` to Caddy. `per-host`: one rule per route hostname,
   * so unrouted hostnames get the catch-all status at the edge.
   * @default 'per-domain'
   */
  readonly ingress?: 'per-domain' | 'per-host';
  /** Rules placed before the derived ones (e.g. an ssh:// hostname). @default - none */
  readonly extraRules?: IngressRule[];
  /** Defaults for every rule, e.g. `{ connectTimeout: '30s' }`. @default - none */
  readonly originRequest?: Readonly<Record<string, Data>>;
  /**
   * The status of the catch-all rule for hostnames no rule matches.
   * @default 404
   */
  readonly catchAllStatus?: number;
  /**
   * Where the file goes under the output's host area.
   * @default 'etc/cloudflared/config.yml'
   */
  readonly configPath?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * cloudflared's `config.yml` for a locally managed named tunnel. cloudflared itself is a host
 * unit pinned by the host image, so only its config is generated (area `host`,
 * `host/etc/cloudflared/config.yml`). Ingress is derived from the Caddy's routes: every rule
 * goes to Caddy's loopback port (Caddy routes by Host, which cloudflared forwards unchanged),
 * and the catch-all comes last.
 */
export class Tunnel extends Resource {
  public readonly kind = 'tunnel';
  public readonly props: TunnelProps;

  public constructor(scope: Construct, id: string, props: TunnelProps) {
    super(scope, id);
    this.props = props;
    props.caddy.fedBy.push(this);
  }

  /** The credentials file path. */
  public get credentialsFile(): string {
    return this.props.credentialsFile ?? `/etc/cloudflared/${this.props.tunnelId}.json`;
  }

  /** What every derived rule forwards to. */
  public get caddyService(): string {
    const lb = this.props.caddy.loopback;
    const address = lb?.address ?? '127.0.0.1';
    return `http://${address.includes(':') && !address.startsWith('[') ? `[${address}]` : address}:${lb?.port ?? 80}`;
  }

  /** The ingress list written to config.yml: extra rules, derived rules, catch-all. */
  public get ingressRules(): IngressRule[] {
    const hosts = [...new Set(this.props.caddy.routes.map((r) => r.host))].sort();
    let derived: string[];
    if ((this.props.ingress ?? 'per-domain') === 'per-host') {
      derived = hosts;
    } else {
      const domains = this.site.domains;
      derived = [];
      for (const d of domains) {
        const under = hosts.filter((h) => h === d || h.endsWith(`.${d}`));
        if (under.includes(d)) derived.push(d);
        if (under.some((h) => h !== d)) derived.push(`*.${d}`);
      }
      // A hostname outside every domain (CADDY011) still gets its own rule.
      derived.push(...hosts.filter((h) => !domains.some((d) => h === d || h.endsWith(`.${d}`))));
    }
    return [
      ...(this.props.extraRules ?? []),
      ...derived.map((hostname) => ({ hostname, service: this.caddyService })),
      { service: `http_status:${this.props.catchAllStatus ?? 404}` },
    ];
  }

  public validate(ctx: ValidationContext): void {
    const p = this.props;
    const report = ctx.report;
    if (!p.tunnelId || /[\s/]/.test(p.tunnelId) || (/^[0-9a-f-]{36}$/i.test(p.tunnelId) && !UUID.test(p.tunnelId))) {
      report('TUNNEL006', `"${p.tunnelId}" is not a tunnel UUID or name`);
    }
    if (!this.credentialsFile.startsWith('/') || !this.credentialsFile.endsWith('.json')) {
      report('TUNNEL006', `credentials file "${this.credentialsFile}" is not an absolute path to a .json file`);
    }
    if (p.configPath !== undefined) {
      // The path is a file under the output's host area and appears in the file's own header.
      const parts = p.configPath.split('/');
      parts.forEach((part, i) => checkName(report, part, `configPath "${p.configPath}" part ${i + 1}`));
    }
    if (!p.caddy.loopback) report('TUNNEL007', `${p.caddy.container.name} does not publish its port 80 on the host`);
    if (p.caddy.routes.length === 0) report('TUNNEL001', `${p.caddy.node.path} has no routes`);
    for (const k of Object.keys(p.originRequest ?? {})) {
      if (!ORIGIN_REQUEST_KEYS.has(k)) report('TUNNEL008', `originRequest.${k} is not a cloudflared setting`);
    }
    for (const [i, r] of (p.extraRules ?? []).entries()) {
      for (const k of Object.keys(r.originRequest ?? {})) {
        if (!ORIGIN_REQUEST_KEYS.has(k)) report('TUNNEL008', `extra rule #${i + 1}: originRequest.${k} is not a cloudflared setting`);
      }
    }
    const rules = this.ingressRules;
    for (const problem of checkIngress(rules)) report(problem.code, problem.message);
    const extra = p.extraRules ?? [];
    for (const route of p.caddy.routes) {
      const i = extra.findIndex((r) => !isCatchAll(r) && !r.path && ruleMatchesHost(r, route.host));
      if (i >= 0 && extra[i].service !== this.caddyService) {
        report('TUNNEL009', `extra rule #${i + 1} (${extra[i].hostname} -> ${extra[i].service}) takes ${route.host} before its Caddy route`);
      }
    }
  }

  public render(ctx: RenderContext): void {
    const header = [
      ...headerFor(this.node.path),
      'Locally managed named tunnel: cloudflared (a host unit) reads this file. Check it with',
      `cloudflared tunnel --config /${this.props.configPath ?? 'etc/cloudflared/config.yml'} ingress validate`,
    ];
    const doc: Data = {
      'tunnel': this.props.tunnelId,
      'credentials-file': this.credentialsFile,
      'originRequest': this.props.originRequest as Data | undefined,
      'ingress': this.ingressRules as unknown as Data,
    };
    const order = { first: ['tunnel', 'credentials-file', 'originRequest', 'ingress'], nested: { ingress: { nested: { '[]': { first: ['hostname', 'path', 'service', 'originRequest'] } } } } };
    ctx.emit('host', this.props.configPath ?? 'etc/cloudflared/config.yml', renderYaml(doc, header, order));
  }
}
