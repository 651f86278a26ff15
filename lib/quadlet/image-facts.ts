import { compareVersions } from './keys';
import { isFloatingTag, parseImageRef } from './image-ref';

/**
 * Facts about images the library knows, kept as data. Add a row when a site trips over an
 * image's behaviour, so every site after it gets the check.
 */

/** A port an image used to serve and no longer does. Routes to it draw a warning (CADDY017). */
export interface DroppedPortFact {
  /** The image path without registry or tag, e.g. `vaultwarden/server`. */
  readonly image: string;
  /** Registries the fact holds for (mirrors carry the same image). */
  readonly registries: readonly string[];
  /** The port that went away. */
  readonly port: number;
  /** The first version without it (or where it stopped being needed). */
  readonly since: string;
  /** Where that traffic goes now. */
  readonly usePort: number;
  /** What changed, for the message. */
  readonly note: string;
  /** Upstream change, for the docs. */
  readonly reference: string;
}

export const DROPPED_PORTS: readonly DroppedPortFact[] = [
  {
    image: 'vaultwarden/server',
    registries: ['docker.io', 'ghcr.io', 'quay.io'],
    port: 3012,
    since: '1.29.0',
    usePort: 80,
    note: 'WebSocket notifications moved to the main port in 1.29.0 and the separate WebSocket server on 3012 was removed in 1.31.0',
    reference: 'vaultwarden 1.29.0 release notes; dani-garcia/vaultwarden#4024 (removal, 1.31.0)',
  },
];

/** The version a tag names (`1.32.7`, `v2.11`, `1.32.7-alpine`), or undefined for floating tags. */
export function tagVersion(tag: string | undefined): string | undefined {
  if (isFloatingTag(tag)) return undefined;
  const m = /^v?(\d+(?:\.\d+){0,2})(?:[-+.].*)?$/.exec(tag!);
  return m ? m[1].split('.').concat(['0', '0']).slice(0, 3).join('.') : undefined;
}

/**
 * The fact about `port` of `image`, when the image is known and its tag is at or past the
 * change. A floating tag (`:latest`, `:alpine`) counts as past it: it follows the newest release.
 */
export function droppedPort(image: string, port: number): DroppedPortFact | undefined {
  const ref = parseImageRef(image);
  if (!ref) return undefined;
  const registry = ref.registry ?? 'docker.io';
  const fact = DROPPED_PORTS.find((f) => f.image === ref.path && f.port === port && f.registries.includes(registry));
  if (!fact) return undefined;
  if (ref.tag === undefined && ref.digest) return undefined; // pinned by digest only: version unknown
  if (isFloatingTag(ref.tag)) return fact;
  const version = tagVersion(ref.tag);
  if (version === undefined) return undefined; // a tag we cannot read: say nothing
  return compareVersions(version, fact.since) >= 0 ? fact : undefined;
}

/** Variables an image needs to find a peer; without them it falls back to localhost and stalls. */
export interface RequiredEnvFact {
  /** The image path without registry or tag, e.g. `sutoj/piler`. */
  readonly image: string;
  /** Each must be set (in `environment` or an env file) to the hostname of a peer container. */
  readonly hostVars: readonly string[];
  /** What happens without it, for the message. */
  readonly symptom: string;
}

export const REQUIRED_ENV: readonly RequiredEnvFact[] = [
  {
    image: 'sutoj/piler',
    hostVars: ['MYSQL_HOSTNAME'],
    symptom: 'piler expects an external MySQL and stalls at boot on "MYSQL localhost not ready" without it',
  },
];

/** The required-env fact for an image reference, if the library knows one. */
export function requiredEnvOf(image: string): RequiredEnvFact | undefined {
  const ref = parseImageRef(image);
  return ref ? REQUIRED_ENV.find((f) => f.image === ref.path) : undefined;
}
