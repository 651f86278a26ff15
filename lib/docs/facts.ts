import { IConstruct } from 'constructs';
import { Site } from '../core/site';
import { literalOf, UnitValue } from '../render/systemd-value';
import { ComposedValue, Container, IImageSource, Mount, SecretMount } from '../quadlet/container';
import { EnvFile } from '../quadlet/env-file';
import { literalSecretIn } from '../quadlet/literal-secrets';
import { Secret } from '../quadlet/secret';
import { publishSpec } from '../quadlet/ports';
import { QuadletUnit } from '../quadlet/unit';
import { ImageAllowances } from '../quadlet/image-ref';
import { RootFs } from '../quadlet/rootfs';
import { byText, code, listOf } from './markdown';
import { publishedOf, RoutableUnit } from './routing';

/** A rendered file as RenderContext.files holds it. */
export interface FileRecord {
  /** The file's path in the output folder. */
  readonly path: string;
  /** The construct that produced it. */
  readonly constructPath: string;
}

/** An image reference, or the `.image` / `.build` unit and what it resolves to; with the floating-tag reason. */
export function imageText(image: string | IImageSource | RootFs, allow: ImageAllowances = {}): string {
  let text: string;
  if (typeof image === 'string') {
    text = code(image);
  } else if (RootFs.isRootFs(image)) {
    text = `root file system ${code(literalOf(image.path))}${image.overlay ? ' (overlay)' : ''}`;
  } else {
    const resolved = (image as { readonly resolvedImage?: string }).resolvedImage;
    text = `${code(image.imageRef)}${resolved ? ` (${code(resolved)})` : ''}`;
  }
  if (allow.allowShortName) text += `; short name allowed: ${allow.allowShortName}`;
  return allow.allowFloatingTag ? `${text}; floating tag allowed: ${allow.allowFloatingTag}` : text;
}

/** Published ports (`127.0.0.1:3000:8080`, public ones marked), then declared-only ports as internal. */
export function portsText(u: RoutableUnit): string {
  const pod = u instanceof Container ? u.props.pod : undefined;
  const published = u instanceof Container && pod ? [] : publishedOf(u);
  const parts = published.map((m) => `${code(publishSpec(m))}${m.public ? ' (public)' : ''}`);
  if (u instanceof Container) {
    const publishedPorts = new Set((u.props.publish ?? []).map((m) => m.container));
    const internal = u.declaredPortList.filter((p) => !publishedPorts.has(p));
    if (internal.length) parts.push(`${listOf(internal.map((p) => code(String(p))))} internal`);
    if (pod) parts.push(`through pod ${code(pod.podRef)}`);
  }
  return parts.length ? parts.join(', ') : 'none';
}

/**
 * Non-secret variables with their values, then each env file with its non-secret values.
 * A variable whose name looks secret is shown without its value (defence in depth: SECRET001
 * already rejects literal secrets), unless the unit lists it as `notSecret`.
 */
export function envText(environment: Record<string, UnitValue>, envFiles: readonly EnvFile[], notSecret: readonly string[] = []): string {
  const shown = (k: string, v: string) => (!notSecret.includes(k) && literalSecretIn(k, v) ? `${k}=(hidden)` : `${k}=${v}`);
  const parts: string[] = [];
  const direct = Object.entries(environment).sort(([a], [b]) => byText(a, b)).map(([k, v]) => code(shown(k, literalOf(v))));
  if (direct.length) parts.push(direct.join(', '));
  for (const f of envFiles) {
    const secrets = new Set(f.secretNames);
    const values = f.variables.filter((k) => !secrets.has(k)).map((k) => code(shown(k, f.valueOf(k) ?? '')));
    parts.push(`${code(`${f.name}.env`)}${values.length ? `: ${values.join(', ')}` : ''}`);
  }
  return parts.length ? parts.join('; ') : 'none';
}

/** Secret names only: env-file secrets by file, podman secrets with how they are mounted, composed values. */
export function secretsText(envFiles: readonly EnvFile[], secrets: readonly SecretMount[] = [], composed: ReadonlyMap<string, ComposedValue> = new Map()): string {
  const parts: string[] = [];
  for (const f of envFiles) {
    if (f.secretNames.length) parts.push(`${f.secretNames.map(code).join(', ')} (in ${code(`${f.name}.env`)})`);
  }
  for (const s of [...secrets].sort((a, b) => byText(a.secret.secretName, b.secret.secretName))) {
    const how = s.env ? `as ${code(s.env)}` : `at ${code(s.target ?? `/run/secrets/${s.secret.secretName}`)}`;
    const what = s.secret.description ? `: ${s.secret.description}` : '';
    parts.push(`podman secret ${code(s.secret.secretName)} ${how}${what}`);
  }
  for (const [name, value] of [...composed].sort(([a], [b]) => byText(a, b))) {
    const from = value.filter((p): p is Secret => typeof p !== 'string').map((p) => code(p.secretName));
    parts.push(`${code(name)} composed at start from podman secret ${[...new Set(from)].join(', ')}`);
  }
  return parts.length ? parts.join('; ') : 'none';
}

/** Mounts as `source` → `path` (options). */
export function mountsText(mounts: readonly Mount[]): string {
  return mounts.map((m) => {
    const source = 'volume' in m ? `volume ${code(m.volume.volumeName)}` : code(literalOf(m.hostPath));
    const opts = [...(m.readOnly ? ['ro'] : []), ...(m.options ?? [])];
    return `${source} → ${code(m.path)}${opts.length ? ` (${opts.join(', ')})` : ''}`;
  }).join('; ');
}

/** Service names, networks, volumes, pod and image unit a container needs. */
export function containerNeeds(c: Container): string[] {
  const p = c.props;
  const parts: string[] = [];
  if (p.pod) parts.push(`pod ${code(p.pod.podName)}`);
  if (p.image instanceof QuadletUnit) parts.push(code(p.image.serviceName));
  if (p.networkOf) parts.push(`the network of ${code(p.networkOf.containerName)}`);
  if (p.networkMode) parts.push(`network mode ${code(p.networkMode)}`);
  for (const n of c.networks) parts.push(`network ${code(n.networkName)}`);
  for (const v of p.volumes ?? []) if ('volume' in v) parts.push(`volume ${code(v.volume.volumeName)}`);
  return parts;
}

/** A command line for reading: arguments with blanks (or none) in single quotes. */
export function commandText(argv: readonly UnitValue[]): string {
  return code(argv.map((a) => literalOf(a)).map((a) => (a === '' || /[\s'"]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' '));
}

/** Every file written under `roots` (by construct path prefix), relative to the site's folder, sorted. */
export function sourcesOf(roots: readonly IConstruct[], files: readonly FileRecord[], site: Site): string[] {
  const prefixes = roots.map((r) => r.node.path);
  const under = (p: string) => prefixes.some((x) => p === x || p.startsWith(`${x}/`));
  return [...new Set(files.filter((f) => under(f.constructPath)).map((f) => relativeToSite(f.path, site)))].sort(byText);
}

/** A path relative to the site's output folder. */
export function relativeToSite(path: string, site: Site): string {
  const dir = site.outputDir;
  return dir && path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}
