/**
 * Imports the verified quadlet key facts (shared/reference/quadlet-keys.json: podman's supported
 * key tables v4.4..v5.8 + main, each 5.4.2 key checked against the real generator) into the
 * trimmed table the library reads, lib/quadlet/key-table.json. Run: ts-node scripts/import-quadlet-keys.ts <facts.json>
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

const src = process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'reference', 'quadlet-keys.json');
const facts = JSON.parse(readFileSync(src, 'utf8'));
const out: Record<string, unknown> = {};
for (const [section, info] of Object.entries<any>(facts.sections)) {
  const keys: Record<string, unknown> = {};
  for (const name of Object.keys(info.keys ?? {}).sort()) {
    const k = info.keys[name];
    const repeatable = k.repeatable === true;
    const repeatableSince = typeof k.repeatable === 'string' ? /since ([0-9.]+)/.exec(k.repeatable)?.[1] : undefined;
    keys[name] = {
      since: String(k.since).split(' ')[0],
      parse: k.parse,
      repeatable,
      ...(repeatableSince ? { repeatableSince } : {}),
      type: k.type,
      ...(k.podmanFlag ? { flag: k.podmanFlag } : {}),
      ...(k.notes ? { notes: k.notes } : {}),
    };
  }
  out[section] = {
    extension: info.unitExtension,
    since: info.unitTypeSince,
    ...(info.generatedService ? { service: info.generatedService } : {}),
    keys,
  };
}
writeFileSync(join(__dirname, '..', 'lib', 'quadlet', 'key-table.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`wrote lib/quadlet/key-table.json (${Object.keys(out).length} sections)`);
