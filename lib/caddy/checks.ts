import { registerSiteCheck } from '../core/app';
import { Route } from './route';

/** One hostname, one route: Caddy refuses two site blocks for one address ("ambiguous site definition"). */
registerSiteCheck('caddy-hostnames', (_site, resources, reporterOf) => {
  const seen = new Map<string, Route>();
  for (const r of resources) {
    if (!(r instanceof Route)) continue;
    const prior = seen.get(r.host);
    if (prior) reporterOf(r)('CADDY010', `${r.host} is also routed by ${prior.node.path}`);
    else seen.set(r.host, r);
  }
});
