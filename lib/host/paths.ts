import { chezmoiTargetName } from '../core/names';
import { Site } from '../core/site';

/**
 * Where a file of the site's output lands on the host, in unit syntax (`%h/.config/caddy/Caddyfile`,
 * `/etc/cloudflared/config.yml`), or undefined for files that stay in the output (docs).
 * `path` is relative to the app's output folder, as synth reports it.
 */
export function runtimePathOf(site: Site, path: string): string | undefined {
  const prefix = site.outputDir ? `${site.outputDir}/` : '';
  if (!path.startsWith(prefix)) return undefined;
  const rel = path.slice(prefix.length);
  if (rel.startsWith('docs/') || rel.startsWith('.quadlet-cdk')) return undefined;
  if (rel.startsWith('host/')) return `/${rel.slice('host/'.length)}`;
  if (!site.rootless) return `/${rel}`;
  if (site.layout !== 'chezmoi') return `%h/${rel}`;
  return rel.startsWith('home/') ? `%h/${chezmoiTargetName(rel.slice('home/'.length))}` : undefined;
}

/** The runtime paths of every generated file of the site, and every folder above one. */
export function generatedPaths(site: Site, files: Iterable<{ readonly path: string }>): Set<string> {
  const out = new Set<string>();
  for (const f of files) {
    const p = runtimePathOf(site, f.path);
    if (!p) continue;
    const parts = p.split('/');
    for (let i = parts.length; i > 1; i--) out.add(parts.slice(0, i).join('/'));
  }
  return out;
}
