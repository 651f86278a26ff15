import type { Resource } from './resource';

/*
 * Synth order: which resources must render before which (a container after the env files and
 * volumes it names). Internal: it writes nothing into any unit. A site author who wants one unit
 * to start after another uses `unit.dependsOn(other)`, which writes Requires=/Wants=/After=.
 * Not exported from the package index on purpose.
 */

const order = new WeakMap<Resource, Set<Resource>>();

/** Render `resource` after `others`. */
export function orderAfter(resource: Resource, ...others: Resource[]): void {
  let set = order.get(resource);
  if (!set) order.set(resource, (set = new Set()));
  for (const o of others) if (o !== resource) set.add(o);
}

/** What `resource` renders after, in the order it was added. */
export function renderedAfter(resource: Resource): Resource[] {
  return [...(order.get(resource) ?? [])];
}
