import { Reporter } from '../core/diagnostics';
import type { DigestPolicy } from '../core/site';
import './codes';

/** A parsed container image reference: `registry/path[:tag][@sha256:digest]`. */
export interface ImageRef {
  /**
   * The registry host, e.g. `docker.io`.
   * @default - none: a short name
   */
  readonly registry?: string;
  /** The repository path, e.g. `library/caddy`. */
  readonly path: string;
  /**
   * The tag, e.g. `2-alpine`.
   * @default - none (podman pulls `latest` unless a digest is given)
   */
  readonly tag?: string;
  /**
   * The digest, e.g. `sha256:...`.
   * @default - none
   */
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

/**
 * Whether a tag names only a major version (`16`, `7-alpine`, `v2`): it is a version, so it is
 * not an IMAGE002 error, but it floats over every minor and patch release of that major line.
 */
export function isMajorOnlyTag(tag: string | undefined): boolean {
  return tag !== undefined && /^v?\d+(?:[-_][A-Za-z][\w.-]*)?$/.test(tag);
}

/** The site settings an image check reads. */
export interface ImagePolicy {
  /** Floating tags such as `:latest` are allowed. */
  readonly allowFloatingTags: boolean;
  /** Whether a missing digest is allowed, a warning or an error. */
  readonly digestPolicy: DigestPolicy;
}

/** What one unit allows of its image reference, each with the reason (it goes into the site docs). */
export interface ImageAllowances {
  /**
   * Let the image use a floating tag such as `:latest` (IMAGE002). Give the reason: it goes into
   * the docs.
   * @default - floating tags are errors
   */
  readonly allowFloatingTag?: string;
  /**
   * Let the image be a short name without a registry (`Image=myapp`, `localhost/` left out): an
   * image built or tagged on the host, or a name the host's short-name aliases
   * (`/etc/containers/registries.conf.d/`) resolve. Give the reason: it goes into the docs.
   * Without it a short name is an error (IMAGE001): podman resolves it through the host's search
   * registries, which a non-interactive pull (start, auto-update) refuses or answers differently
   * on another host.
   * @default - short names are errors
   */
  readonly allowShortName?: string;
}

/**
 * The checks every image reference a unit pulls gets (`.container` and `.image`): it parses
 * (IMAGE004), names its registry (IMAGE001) unless the unit allows a short name, does not float
 * (IMAGE002) unless allowed by the unit or the site, and is pinned by digest when the site asks (IMAGE003).
 */
export function checkImageRef(img: string, site: ImagePolicy, allow: ImageAllowances, report: Reporter): void {
  const ref = parseImageRef(img);
  if (!ref) {
    report('IMAGE004', `"${img}" is not an image reference`);
    return;
  }
  if (!ref.registry && !allow.allowShortName) {
    report('IMAGE001', `"${img}" does not name its registry`, `write it in full, e.g. docker.io/${ref.path.includes('/') ? ref.path : `library/${ref.path}`}:${ref.tag ?? '<tag>'} (an image built on the host: allowShortName with the reason)`);
  }
  if (!ref.digest && isFloatingTag(ref.tag) && !allow.allowFloatingTag && !site.allowFloatingTags) {
    report('IMAGE002', `"${img}" uses the floating tag :${ref.tag ?? 'latest'}`);
  }
  if (!ref.digest && site.digestPolicy !== 'off') {
    const floating = isMajorOnlyTag(ref.tag) ? `; :${ref.tag} is a floating major-version tag that moves with every release of that line` : '';
    report('IMAGE003', `"${img}" is not pinned by digest${floating}`, undefined, site.digestPolicy === 'error' ? 'error' : 'warning');
  }
}
