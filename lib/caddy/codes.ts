import { defineCodes } from '../core/diagnostics';

/** Diagnostics about Caddy routes and the cloudflared tunnel. Stable: never renumber, only add. */
export const EDGE_CODES = defineCodes({
  CADDY001: { title: 'CADDY_ADMIN set on the Caddy container', hint: 'remove CADDY_ADMIN: it only replaces the admin address ("off" becomes a host name and start-up fails on Caddy >= 2.6.3); the generated Caddyfile already says admin off' },
  CADDY002: { title: 'Caddy does not publish port 80', hint: 'publish container port 80 on loopback, e.g. publish: [{ container: 80, host: 80 }], so cloudflared can reach it' },
  CADDY003: { title: 'Caddy publishes port 443', hint: 'drop the 443 mapping: TLS ends at Cloudflare and Caddy serves plain HTTP on :80 only', severity: 'warning' },
  CADDY010: { title: 'hostname routed twice', hint: 'each hostname gets one Route; Caddy refuses the config ("ambiguous site definition")' },
  CADDY011: { title: 'hostname outside the site\'s domains', hint: 'use a hostname under one of the site\'s domains, or add the domain to the Site\'s domains' },
  CADDY012: { title: 'invalid hostname', hint: 'give a DNS name such as chat.example.org (lower case, no scheme, no port, no path; one leading "*." allowed)' },
  CADDY013: { title: 'route target not on a network Caddy joins', hint: 'put the target container on one of Caddy\'s networks (or Caddy on one of the target\'s): Caddy dials it by container name' },
  CADDY014: { title: 'route without exactly one upstream', hint: 'give one of target (container.port(n)), hostPort, or upstream' },
  CADDY015: { title: 'invalid upstream address', hint: 'give host:port (optionally http:// or https://) with no path: Caddy\'s reverse_proxy cannot proxy to a different path' },
  CADDY016: { title: 'invalid path matcher', hint: 'give a path starting with "/" made of URL path characters (a trailing * matches a prefix), each once per route' },
  CADDY017: { title: 'upstream port the image no longer serves', hint: 'route that traffic to the main port: reverse_proxy passes WebSocket upgrades through on any route', severity: 'warning' },
  CADDY018: { title: 'invalid route name', hint: 'route names become file names under routes/: use letters, digits, "-" and "_", not starting with "." (Caddy\'s import glob skips dot files)' },
  CADDY019: { title: 'route targets a port the container does not declare', hint: 'declare the port in the container\'s ports (or publish) list, or route to one it declares' },
  CADDY020: { title: 'route upstream not reachable from inside the Caddy container', hint: 'route to the container itself on a network Caddy joins (target: container.port(n)): host.containers.internal is the host\'s own address, not its loopback, so a port published on 127.0.0.1 does not answer there (podman >= 5.3 with pasta maps it with --map-guest-addr; reaching the host\'s loopback needs --map-host-loopback, which podman does not set); 127.0.0.1 inside Caddy is Caddy itself' },
  TUNNEL001: { title: 'tunnel has no routes', hint: 'add Routes to the tunnel\'s Caddy; until then every request gets the catch-all status', severity: 'warning' },
  TUNNEL002: { title: 'catch-all ingress rule misplaced', hint: 'cloudflared needs exactly one rule without hostname or path, and it must be the last one' },
  TUNNEL003: { title: 'invalid ingress hostname', hint: 'give an exact hostname or one leading wildcard ("*.example.org"), without a port' },
  TUNNEL004: { title: 'invalid ingress service', hint: 'give scheme://host[:port] without a path, http_status:NNN, hello_world, bastion, socks-proxy or unix:/path' },
  TUNNEL005: { title: 'invalid ingress path regex', hint: 'the path filter is a Go regular expression; fix its syntax' },
  TUNNEL006: { title: 'invalid tunnel id or credentials file', hint: 'give the tunnel UUID (or name) and the absolute path of its credentials JSON, e.g. /etc/cloudflared/<uuid>.json' },
  TUNNEL007: { title: 'Caddy is not reachable on loopback', hint: 'publish Caddy\'s port 80 on the host (127.0.0.1 by default): cloudflared runs on the host and dials it there' },
  TUNNEL008: { title: 'unknown originRequest key', hint: 'cloudflared ignores unknown keys silently; check the spelling against its originRequest settings' },
  TUNNEL009: { title: 'route shadowed by an extra ingress rule', hint: 'an earlier extra rule sends this hostname elsewhere, so the Caddy route is never reached; remove one of them', severity: 'warning' },
});
