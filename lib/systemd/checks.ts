import { registerSiteCheck } from '../core/app';
import { QuadletUnit } from '../quadlet/unit';
import { PlainUnit } from './plain-unit';

/**
 * Plain units share the user unit folder with the services the quadlet generator writes: a
 * `caddy.service` next to `caddy.container` would shadow (or be shadowed by) the generated one.
 */
registerSiteCheck('systemd-names', (_site, resources, reporterOf) => {
  const taken = new Map<string, string>();
  for (const r of resources) {
    if (r instanceof QuadletUnit) taken.set(r.serviceName, r.node.path);
  }
  for (const r of resources) {
    if (!PlainUnit.isPlainUnit(r)) continue;
    const prior = taken.get(r.unitFileName);
    if (prior) reporterOf(r)('UNIT004', `${r.unitFileName} is also produced by ${prior}`);
    else taken.set(r.unitFileName, r.node.path);
  }
});
