/** Value conversions shared by the compose, quadlet and `podman run` importers. */
import * as path from 'path';
import { isFloatingTag, parseImageRef } from '../quadlet/image-ref';
import { compareVersions, KEY_TABLE, QuadletSection } from '../quadlet/keys';
import { Call, Value } from './model';

/** Whether `key` of `section` exists in podman `version`. */
export function keyUsable(section: QuadletSection, key: string, version: string): boolean {
  const info = KEY_TABLE[section].keys[key];
  return !!info && compareVersions(info.since, version) <= 0;
}

/**
 * A host path as the site should write it: `~/x` and paths under `homeDir` become `home('x')`
 * (so the site works for whichever user runs it), others stay absolute.
 */
export function hostPathValue(p: string, homeDir: string | undefined): Value {
  if (p === '~' || p.startsWith('~/')) return new Call('home', [p.slice(2)]);
  if (homeDir && (p === homeDir || p.startsWith(`${homeDir.replace(/\/+$/, '')}/`))) {
    return new Call('home', [path.relative(homeDir, p)]);
  }
  return systemdSafe(p);
}

/** A literal from a unit file: kept as systemd text when it uses `%` specifiers or `$`. */
export function systemdSafe(s: string): Value {
  if (/^%h(\/[^%$]*)?$/.test(s)) return new Call('home', [s.slice(3)]);
  return /[%$]/.test(s) ? new Call('new SystemdText', [s]) : s;
}

/** `nginx:1.27` -> `docker.io/library/nginx:1.27`: what compose (Docker Hub) means by a short name. */
export function qualifyImage(img: string): { image: string; changed: boolean } {
  const ref = parseImageRef(img);
  if (!ref || ref.registry) return { image: img, changed: false };
  const repo = ref.path.includes('/') ? ref.path : `library/${ref.path}`;
  const image = `docker.io/${repo}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
  return { image, changed: true };
}

/** Whether an image reference would be refused for its floating tag. */
export function floats(img: string): boolean {
  const ref = parseImageRef(img);
  return !!ref && !ref.digest && isFloatingTag(ref.tag);
}

/** Compose / Go durations (`1m30s`, `500ms`, `10`) in whole seconds, rounded up; undefined if unreadable. */
export function durationSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Math.ceil(v);
  if (typeof v !== 'string') return undefined;
  if (/^\d+$/.test(v)) return parseInt(v, 10);
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    const n = parseFloat(m[1]);
    total += n * ({ h: 3600, m: 60, s: 1, ms: 0.001, us: 1e-6, 'µs': 1e-6, ns: 1e-9 } as Record<string, number>)[m[2]];
    consumed += m[0].length;
  }
  return consumed === v.length && consumed > 0 ? Math.ceil(total) : undefined;
}

/** Image paths of databases a library pattern replaces, with the pattern's name. */
const DATABASE_PATTERNS: Array<[RegExp, string]> = [
  [/(^|\/)(postgres|postgis|pgvector|timescaledb[-\w]*)$/, 'PostgresDatabase'],
  [/(^|\/)(mariadb|mysql)$/, 'MariaDb'],
  [/(^|\/)(redis|valkey|redis-stack-server|keydb)$/, 'RedisCache'],
];

/** The pattern that could replace a container running `image`, if any. */
export function databasePattern(image: string): string | undefined {
  const ref = parseImageRef(image);
  if (!ref) return undefined;
  return DATABASE_PATTERNS.find(([re]) => re.test(ref.path))?.[1];
}

/** Lowercased `[a-z0-9_-]` as compose normalizes a project name. */
export function composeProjectName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

/** A valid site name: lower-case letters, digits and dashes, starting with a letter. */
export function siteNameOf(s: string): string {
  let n = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').replace(/-{2,}/g, '-');
  if (!/^[a-z]/.test(n)) n = `site-${n}`.replace(/-$/, '');
  return n;
}

/** A valid unit name from a compose key (letters, digits, `_ . -`). */
export function unitNameOf(s: string): string {
  const n = s.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return n === '' ? 'unit' : n;
}

/**
 * Names whose values the import keeps out of the source: the library's secret names, and more
 * (`*_KEY`, `SALT`, `PRIVATE`): an import would rather ask for one value too many than leak one.
 */
export const IMPORT_SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|SECRETS|TOKEN|KEY|KEYS|SALT|PRIVATE|CREDENTIALS?|APIKEY)($|_)/i;

/** Secret-looking names with harmless values: switches, numbers, `*_FILE` paths. */
export function looksHarmless(key: string, value: string): boolean {
  if (/^(true|false|yes|no|on|off|\d{1,6})$/i.test(value)) return true;
  if (/_FILE$/i.test(key) && value.startsWith('/')) return true;
  return false;
}

/** A compose field that takes one value or a list, as a list. */
export function list(v: unknown): any[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}
