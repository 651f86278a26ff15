/**
 * cloudflared's ingress loader rules (`ingress/ingress.go`, cloudflared 2026.8.2), re-implemented
 * so synth rejects a config.yml that `cloudflared tunnel ingress validate` would reject. The
 * messages are cloudflared's own (rule numbers count from 1).
 */

/** One ingress rule as written in config.yml. */
export interface IngressRule {
  /** Exact hostname or one leading wildcard (`*.example.org`). @default - matches every hostname */
  readonly hostname?: string;
  /** A Go regular expression on the request path. @default - matches every path */
  readonly path?: string;
  /** Where matching requests go: `http://127.0.0.1:80`, `ssh://localhost:22`, `http_status:404`, ... */
  readonly service: string;
  /** Per-rule origin settings. @default - the tunnel's */
  readonly originRequest?: Readonly<Record<string, unknown>>;
}

/** A rule that breaks a loader rule, with the diagnostic code and cloudflared's message. */
export interface IngressProblem {
  /** The TUNNEL code of the problem. */
  readonly code: 'TUNNEL002' | 'TUNNEL003' | 'TUNNEL004' | 'TUNNEL005';
  /** What is wrong, naming the hostname or rule. */
  readonly message: string;
}

/** originRequest keys cloudflared reads (config-formats.md section 4). */
export const ORIGIN_REQUEST_KEYS: ReadonlySet<string> = new Set([
  'connectTimeout', 'tlsTimeout', 'tcpKeepAlive', 'noHappyEyeballs', 'keepAliveConnections', 'keepAliveTimeout',
  'httpHostHeader', 'originServerName', 'matchSNItoHost', 'caPool', 'noTLSVerify', 'disableChunkedEncoding',
  'bastionMode', 'proxyAddress', 'proxyPort', 'proxyType', 'ipRules', 'http2Origin', 'access',
]);

const KEYWORD_SERVICES = new Set(['hello_world', 'hello-world', 'bastion', 'socks-proxy']);
const URL_SCHEMES = new Set(['http', 'https', 'ws', 'wss', 'tcp', 'ssh', 'rdp', 'smb']);

/** A rule without hostname and path matches every request. */
export function isCatchAll(r: IngressRule): boolean {
  return (r.hostname === undefined || r.hostname === '' || r.hostname === '*') && (r.path === undefined || r.path === '');
}

/** Does `rule` match `host` (any path)? Wildcards match any depth of subdomain, as cloudflared does. */
export function ruleMatchesHost(rule: IngressRule, host: string): boolean {
  const h = rule.hostname;
  if (h === undefined || h === '' || h === '*') return true;
  if (h.startsWith('*.')) return host.endsWith(h.slice(1));
  return h === host;
}

/** Every loader-rule violation in `rules`, in rule order. */
export function checkIngress(rules: readonly IngressRule[]): IngressProblem[] {
  const out: IngressProblem[] = [];
  if (rules.length === 0) return [{ code: 'TUNNEL002', message: "The config file doesn't contain any ingress rules" }];
  rules.forEach((r, i) => {
    const n = i + 1;
    const last = i === rules.length - 1;
    if (last && !isCatchAll(r)) {
      out.push({ code: 'TUNNEL002', message: 'The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)' });
    }
    if (!last && isCatchAll(r)) {
      out.push({ code: 'TUNNEL002', message: `Rule #${n} is matching the hostname '${r.hostname ?? ''}', but this will match every hostname, meaning the rules which follow it will never be triggered.` });
    }
    const h = r.hostname ?? '';
    if (h.includes(':')) out.push({ code: 'TUNNEL003', message: `Rule #${n}: Hostname cannot contain a port` });
    if (h.lastIndexOf('*') > 0 || (h.startsWith('*') && h !== '*' && !h.startsWith('*.'))) {
      out.push({ code: 'TUNNEL003', message: `Rule #${n}: Hostname patterns can have at most one wildcard character ("*") and it can only be used for subdomains, e.g. "*.example.com"` });
    }
    if (r.path !== undefined && r.path !== '') {
      try {
        new RegExp(r.path);
      } catch {
        out.push({ code: 'TUNNEL005', message: `Rule #${n} has an invalid regex` });
      }
    }
    const bad = checkService(r.service);
    if (bad) out.push({ code: 'TUNNEL004', message: `Rule #${n}: ${bad}` });
  });
  return out;
}

/** cloudflared's service parser: undefined when the service is acceptable. */
function checkService(s: string): string | undefined {
  if (KEYWORD_SERVICES.has(s)) return undefined;
  const status = /^http_status:(.*)$/.exec(s);
  if (status) {
    const code = Number(status[1]);
    return /^\d+$/.test(status[1]) && code >= 100 && code <= 999 ? undefined : `invalid HTTP status code: ${status[1]}`;
  }
  if (s.startsWith('unix:') || s.startsWith('unix+tls:')) {
    return s.slice(s.indexOf(':') + 1).startsWith('/') ? undefined : `${s} is an invalid address, please make sure it has a scheme and a hostname`;
  }
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(s);
  if (!m || m[2] === '' || !URL_SCHEMES.has(m[1].toLowerCase())) return `${s} is an invalid address, please make sure it has a scheme and a hostname`;
  if (m[3] !== '') {
    return `${s} is an invalid address, ingress rules don't support proxying to a different path on the origin service. The path will be the same as the eyeball request's path`;
  }
  return undefined;
}
