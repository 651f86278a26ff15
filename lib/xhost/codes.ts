import { defineCodes } from '../core/diagnostics';

/** Diagnostics about reaching one host (site) from another. Stable: never renumber, only add. */
export const XHOST_CODES = defineCodes({
  XHOST001: { title: 'endpoint used on its own site', hint: 'on the endpoint\'s own host, use the container directly (container.url(port), or gateway.connect(consumer)): it starts in order and stays off the LAN' },
  XHOST002: { title: 'endpoint target is not published', hint: 'publish the port on the host, e.g. publish: [{ container: 4000, host: 4000, bind: \'<LAN IP>\' }]: other hosts can only reach published ports' },
  XHOST003: { title: 'endpoint target is published on loopback only', hint: 'bind the published port to the host\'s LAN address (bind: \'192.168.1.10\', e.g. from SiteConfig.host(...).bind), or mark it public: true; 127.0.0.1 is unreachable from other hosts' },
  XHOST004: { title: 'URL names a container of another site', hint: 'a container name only resolves on its own host\'s podman network: declare an Endpoint on the other site (new Endpoint(siteA, \'id\', { target: c.port(N), address: \'host.lan\' })) and use endpoint.url() or endpoint.connect() (gateway.connectRemote for LiteLLM)' },
  XHOST005: { title: 'endpoint does not lead to this gateway', hint: 'pass an Endpoint whose target is this gateway\'s container port (gateway.container.port(gateway.port))' },
  XHOST006: { title: 'invalid endpoint', hint: 'give a bare DNS name or IP as address (no scheme, port or path), a port from 1 to 65535, and a target container on the endpoint\'s own site' },
});
