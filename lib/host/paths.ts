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
  return rel.startsWith('home/') ? `%h/${chezmoiTargetPath(rel.slice('home/'.length))}` : undefined;
}

/** `dot_config/private_x/executable_y` -> `.config/x/y`: chezmoi's source attributes removed (`literal_` ends them). */
export function chezmoiTargetPath(source: string): string {
  return source.split('/').map((part) => {
    let p = part;
    for (let changed = true; changed;) {
      changed = false;
      if (p.startsWith('literal_')) return p.slice('literal_'.length);
      for (const prefix of ['private_', 'readonly_', 'executable_', 'empty_', 'exact_', 'create_', 'modify_', 'encrypted_']) {
        if (p.startsWith(prefix)) {
          p = p.slice(prefix.length);
          changed = true;
        }
      }
    }
    return p.startsWith('dot_') ? `.${p.slice(4)}` : p;
  }).join('/');
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
