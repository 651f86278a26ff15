/**
 * Where a site's synthesized files land on its host. Synth writes an output folder (home or
 * chezmoi layout, rootless or rootful); a deploy installs part of it under a root: the user's home
 * for a rootless site, `/` for a rootful one. This module maps one to the other.
 */
import { chezmoiTargetName } from '../core/names';
import type { Site } from '../core/site';

/** What the mapping needs to know of a site (a Site has all of it). */
export interface SiteFacts {
  /** The site's name (the deploy script and the state file are named after it). */
  readonly name: string;
  /** Rootless (user units under the home) or rootful (system units under `/`). */
  readonly rootless: boolean;
  /** `home` or `chezmoi`. */
  readonly layout: string;
  /** The site's folder inside the app's output folder ('' for the top). */
  readonly outputDir: string;
}

/** The facts of a Site. */
export function factsOf(site: Site): SiteFacts {
  return { name: site.name, rootless: site.rootless, layout: site.layout, outputDir: site.outputDir };
}

/** A site's installed files: path relative to the root -> content, and where each came from. */
export interface InstallTree {
  /** The site the files belong to. */
  readonly facts: SiteFacts;
  /** Path relative to the root (`.config/containers/systemd/web.container`) -> content. */
  readonly files: ReadonlyMap<string, string>;
  /** Path relative to the root -> path in the output folder (for synth to rewrite it). */
  readonly sources: ReadonlyMap<string, string>;
  /** Path relative to the root -> the construct that wrote it (for the manifest under the root). */
  readonly constructs: ReadonlyMap<string, string>;
}

/** The top folders of an output folder that are never installed: host files and docs. */
const NOT_INSTALLED = new Set(['host', 'docs']);

/**
 * The path under the root where the output file `outputPath` is installed, or undefined when the
 * file is not installed by a deploy (docs, host files, chezmoi's own files, another site's files).
 */
export function installPathOf(facts: SiteFacts, outputPath: string): string | undefined {
  let rel = outputPath;
  if (facts.outputDir !== '') {
    if (!rel.startsWith(`${facts.outputDir}/`)) return undefined;
    rel = rel.slice(facts.outputDir.length + 1);
  }
  const top = rel.split('/')[0];
  if (NOT_INSTALLED.has(top) || top.startsWith('.quadlet-cdk')) return undefined;
  if (facts.layout === 'chezmoi' && facts.rootless) {
    if (top !== 'home') return undefined;
    const inner = rel.slice('home/'.length);
    if (inner.split('/').some((p) => p.startsWith('.chezmoi'))) return undefined;
    return chezmoiTargetName(inner);
  }
  return rel;
}

/** The installed files of one site, from the output files of its app. */
export function installTree(facts: SiteFacts, outputFiles: Iterable<{ readonly path: string; readonly content: string; readonly constructPath?: string }>): InstallTree {
  const files = new Map<string, string>();
  const sources = new Map<string, string>();
  const constructs = new Map<string, string>();
  for (const f of outputFiles) {
    const p = installPathOf(facts, f.path);
    if (p === undefined) continue;
    files.set(p, f.content);
    sources.set(p, f.path);
    constructs.set(p, f.constructPath ?? '');
  }
  return { facts, files: sortedMap(files), sources, constructs };
}

/** A tree of files already under the root (their paths are install paths). */
export function treeOfInstalled(facts: SiteFacts, files: ReadonlyMap<string, string>, constructs: ReadonlyMap<string, string> = new Map()): InstallTree {
  return { facts, files: sortedMap(files), sources: new Map([...files.keys()].map((p) => [p, p])), constructs };
}

/** How units name a path under the root: `%h/x` (rootless) or `/x` (rootful). */
export function runtimePath(facts: SiteFacts, installPath: string): string {
  return facts.rootless ? `%h/${installPath}` : `/${installPath}`;
}

/** The folder quadlet reads units from, relative to the root. */
export function quadletDir(facts: SiteFacts): string {
  return facts.rootless ? '.config/containers/systemd' : 'etc/containers/systemd';
}

/** The folder of plain systemd units, relative to the root. */
export function systemdDir(facts: SiteFacts): string {
  return facts.rootless ? '.config/systemd/user' : 'etc/systemd/system';
}

/** A map with its keys sorted, so every walk over it is deterministic. */
export function sortedMap<V>(m: ReadonlyMap<string, V>): Map<string, V> {
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
