/** A parsed container image reference: `registry/path[:tag][@sha256:digest]`. */
export interface ImageRef {
  readonly registry?: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

const REF = /^(?:(?<registry>[a-zA-Z0-9.-]+(?::\d+)?)\/)?(?<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Tags that move: an image pinned to one of these changes under you. */
export const FLOATING_TAGS = new Set(['latest', 'main', 'master', 'stable', 'edge', 'nightly', 'dev', 'develop', 'rolling', 'main-stable', 'vulkan', 'cuda', 'rocm', 'cpu']);

/** Parse a reference; undefined when it is not one. */
export function parseImageRef(ref: string): ImageRef | undefined {
  const m = REF.exec(ref);
  if (!m?.groups) return undefined;
  let registry: string | undefined = m.groups.registry;
  let path = m.groups.path;
  // "caddy/caddy:2" has no registry: the first component is a registry only with a dot, a port or "localhost".
  if (registry !== undefined && !/[.:]/.test(registry) && registry !== 'localhost') {
    path = `${registry}/${path}`;
    registry = undefined;
  }
  if (registry !== undefined && registry !== registry.toLowerCase()) return undefined;
  return { registry, path, tag: m.groups.tag, digest: m.groups.digest };
}

/** Whether a tag moves: a known floating name, or one without any digit (`alpine`, `stable-slim`). */
export function isFloatingTag(tag: string | undefined): boolean {
  if (tag === undefined) return true; // no tag means :latest
  return FLOATING_TAGS.has(tag) || !/\d/.test(tag);
}
