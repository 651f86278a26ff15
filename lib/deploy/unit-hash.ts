/**
 * Restart-on-change without quadlet-cdk on the host. Once a site rendered, every unit that reads
 * other files (env files, mounted configs, Caddy's folder) gets `X-QuadletCdk-Hash=sha256:<hex>` in
 * its `[Unit]` section: the hash of those files. systemd ignores `X-` keys, quadlet copies `[Unit]`
 * into the service as it is, and the unit file now changes whenever anything it reads changes,
 * so a tool that restarts on unit-file change (chezmoi, Ansible, our apply) restarts it.
 * In the chezmoi layout the site also gets its deploy script (chezmoi-script.ts).
 */
import { registerSiteFinisher } from '../core/app';
import { GeneratedFile } from '../core/output';
import { chezmoiScript, chezmoiScriptPath } from './chezmoi-script';
import { factsOf, installTree } from './install-tree';
import { dependencyOrder, unitsOf } from './units';

/** The key that holds the hash of a unit's inputs. */
export const HASH_KEY = 'X-QuadletCdk-Hash';

/** `text` with `key=value` as the last entry of its `[Unit]` section (made when there is none). */
export function withUnitKey(text: string, key: string, value: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === '[Unit]');
  const entry = `${key}=${value}`;
  if (start < 0) {
    const first = lines.findIndex((l) => /^\[.+\]$/.test(l.trim()));
    const at = first < 0 ? lines.length : first;
    lines.splice(at, 0, '[Unit]', entry, '');
    return lines.join('\n');
  }
  let end = lines.findIndex((l, i) => i > start && /^\[.+\]$/.test(l.trim()));
  if (end < 0) end = lines.length;
  while (end > start + 1 && lines[end - 1].trim() === '') end--;
  lines.splice(end, 0, entry);
  return lines.join('\n');
}

registerSiteFinisher('deploy-hashes', (site, files) => {
  const facts = factsOf(site);
  const tree = installTree(facts, files.values());
  const units = unitsOf(tree);
  for (const u of units) {
    if (u.inputsHash === undefined) continue;
    const source = tree.sources.get(u.file)!;
    const f = files.get(source)!;
    files.set(source, { ...f, content: withUnitKey(f.content, HASH_KEY, `sha256:${u.inputsHash}`) });
  }
  if (facts.layout === 'chezmoi' && facts.rootless && units.length > 0) {
    // The hashes above changed the unit files: the script's hashes are taken from the final files.
    const final = unitsOf(installTree(facts, files.values()));
    const script: GeneratedFile = { path: chezmoiScriptPath(facts), content: chezmoiScript(facts, dependencyOrder(final)), constructPath: site.node.path };
    files.set(script.path, script);
  }
});
