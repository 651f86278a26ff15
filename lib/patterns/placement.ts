import { Construct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import './codes';

/*
 * Where a pattern puts its resources. Every generated file starts with the path of the construct
 * that made it, and a hand-written site names its resources `wiki-db`, `wiki-db-data`,
 * `wiki-db-env` side by side. A pattern creates them exactly there, beside itself in the scope it
 * was given, so that moving a site onto a pattern changes no byte of its output. Patterns are
 * therefore plain objects (like ContainerJob), not tree nodes: a node would sit on the id its
 * main container needs.
 */

/**
 * The construct id for one of a pattern's resources: its file base name, or `<base>-<kind>`
 * when that is the pattern's own id (the main container holds it: `piler-mysql` volume ->
 * `piler-mysql-volume`). Never throws: an id already taken in `scope` is PATTERN001, and the
 * resource gets the next free `<id>-<n>` so the tree still builds.
 */
export function resourceId(scope: Construct, patternId: string, base: string, kind: string): string {
  return freeId(scope, base === patternId ? `${base}-${kind}` : base);
}

/** `wanted` if no child of `scope` holds it; else PATTERN001 and the next free `<wanted>-<n>`. */
export function freeId(scope: Construct, wanted: string): string {
  if (!scope.node.tryFindChild(wanted)) return wanted;
  let n = 2;
  while (scope.node.tryFindChild(`${wanted}-${n}`)) n++;
  Diagnostics.report(scope, 'PATTERN001', `construct id "${wanted}" is already used in ${scope.node.path || 'the app'}; the pattern used "${wanted}-${n}"`);
  return `${wanted}-${n}`;
}

/** `wiki-db` -> `wiki`: the part of a sidecar's name that names what it serves. */
export function stripSuffix(name: string, suffixes: readonly string[]): string {
  for (const s of suffixes) if (name.endsWith(`-${s}`) && name.length > s.length + 1) return name.slice(0, -(s.length + 1));
  return name;
}
