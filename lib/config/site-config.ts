import { Construct } from 'constructs';
import * as path from 'path';
import { Diagnostics } from '../core/diagnostics';
import { Site, SiteProps } from '../core/site';
import { renderToml } from '../render/data-formats';
import { Network, NetworkProps } from '../quadlet/network';
import type { HostAddress } from '../xhost/endpoint';
import './codes';
import { SiteConfigProblem, parseSiteConfig, ParsedSiteConfig, readSiteConfig } from './load';
import { SecretSource, SettingValue, SiteConfigData, SiteSettings } from './schema';

export interface SiteConfigOptions {
  /**
   * The construct id, and the path diagnostics show. Must be unique in the app.
   * @default - the file's base name, e.g. 'site.toml'
   */
  readonly id?: string;
}

/** Image props to spread into a Container: `{ ...cfg.imageProps('wiki'), publish: ... }`. */
export interface ConfiguredImage {
  /** The image reference from the config, e.g. `docker.io/library/caddy:2-alpine`. */
  readonly image: string;
  /**
   * Why this image may use a floating tag, when the config allows it.
   * @default - none (floating tags are errors)
   */
  readonly allowFloatingTag?: string;
  /**
   * Why this image may be a short name without a registry, when the config allows it.
   * @default - none (short names are errors)
   */
  readonly allowShortName?: string;
}

/** Stands in for an image the file does not pin: valid, so nothing else fails on it; CONFIG007 says why. */
const MISSING_IMAGE = (name: string) => `config.invalid/missing/${name.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'image'}:0`;

/**
 * A site's settings read from a TOML file (docs/site-config.md). Loading never throws: every
 * problem in the file becomes a CONFIG diagnostic on this construct, naming the file and key, and
 * synth fails listing all of them. Reuse a stack on another host by editing the file, not the code.
 *
 * ```ts
 * const cfg = SiteConfig.load(app, 'site.toml');
 * const site = cfg.createSite(app);                       // Site + its default network
 * new Container(site, 'wiki', { ...cfg.imageProps('wiki') });
 * ```
 */
export class SiteConfig extends Construct {
  /** Read `file` (relative to the working directory) and check it. */
  public static load(scope: Construct, file: string, options: SiteConfigOptions = {}): SiteConfig {
    return new SiteConfig(scope, file, readSiteConfig(file, file), options);
  }

  /** Check TOML text as if it were the file `file` (tests, generated configs). */
  public static fromString(scope: Construct, text: string, file = 'site.toml', options: SiteConfigOptions = {}): SiteConfig {
    return new SiteConfig(scope, file, parseSiteConfig(text, file), options);
  }

  /** The file as given: messages start with it. */
  public readonly file: string;
  /** The values that passed every check (invalid ones are left out, so defaults apply). */
  public readonly data: SiteConfigData;
  /** Whether the file was read and parsed (CONFIG001 and CONFIG002 make it false). */
  public readonly loaded: boolean;
  private readonly problems: readonly SiteConfigProblem[];

  private constructor(scope: Construct, file: string, parsed: ParsedSiteConfig, options: SiteConfigOptions) {
    super(scope, uniqueId(scope, options.id ?? path.basename(file)));
    this.file = file;
    this.data = parsed.data ?? {};
    this.loaded = parsed.data !== undefined;
    this.problems = parsed.problems;
    for (const p of parsed.problems) Diagnostics.report(this, p.code, p.message, p.hint);
  }

  /** The names of the sites the file configures: `[sites.<name>]` keys, or `[site] name`. */
  public get siteNames(): string[] {
    if (this.data.sites) return Object.keys(this.data.sites);
    return this.data.site ? [this.data.site.name ?? 'site'] : [];
  }

  /**
   * Props for `new Site(app, id, cfg.siteProps())`. `name` picks a `[sites.<name>]` entry;
   * it may be left out when the file has one site.
   */
  public siteProps(name?: string): SiteProps {
    const s = this.settings(name);
    if (!s) return {};
    return {
      name: s.name ?? (this.data.sites ? name ?? this.onlySiteKey() : undefined),
      domains: s.domains,
      podmanVersion: s.podman_version,
      rootless: s.rootless,
      layout: s.layout,
      outputDir: s.output_dir,
      digestPolicy: s.digest_policy,
      allowFloatingTags: s.allow_floating_tags,
      kubernetes: s.kubernetes && {
        namespace: s.kubernetes.namespace,
        storageClass: s.kubernetes.storage_class,
        defaultVolumeSize: s.kubernetes.default_volume_size,
        ingressClassName: s.kubernetes.ingress_class,
        keepPlacement: s.kubernetes.keep_placement,
        nodeName: s.kubernetes.node_name,
        hostPaths: s.kubernetes.host_paths,
        hostHome: s.kubernetes.host_home,
        gpuResource: s.kubernetes.gpu_resource,
        volumes: s.kubernetes.volumes && Object.fromEntries(Object.entries(s.kubernetes.volumes).map(([k, v]) => [k, { size: v.size, storageClass: v.storage_class, accessMode: v.access_mode }])),
      },
    };
  }

  /** Props of the site's default network (`[site.network]`), or undefined when the file has none. */
  public networkProps(name?: string): NetworkProps | undefined {
    const n = this.settings(name)?.network;
    if (!n) return undefined;
    return { networkName: n.name, subnet: n.subnet, gateway: n.gateway, default: true };
  }

  /**
   * Create the site, and its default network when the file has `[site.network]`.
   * @param id the construct id; with [sites], also the entry to use. @default - the file's only site
   */
  public createSite(scope: Construct, id?: string): Site {
    const props = this.siteProps(id);
    const site = new Site(scope, id ?? props.name ?? 'site', props);
    const net = this.networkProps(id);
    if (net) new Network(site, net.networkName ?? site.name, net);
    return site;
  }

  /** Where the site's secrets come from (`[site.secrets] source`). @default 'env-file' */
  public secretSource(name?: string): SecretSource {
    return this.settings(name)?.secrets?.source ?? 'env-file';
  }

  /** The pinned reference of `[images] <name>`. A missing entry is CONFIG007 and a placeholder. */
  public image(name: string): string {
    return this.imageProps(name).image;
  }

  /** `{ image, allowFloatingTag, allowShortName }` of `[images] <name>`, to spread into container props. */
  public imageProps(name: string): ConfiguredImage {
    const entry = own(this.data.images, name);
    if (entry === undefined) {
      this.missing(`/images/${name}`, `no image "${name}" in [images]`, `add ${name} = "registry/path:version" under [images]`);
      return { image: MISSING_IMAGE(name) };
    }
    if (typeof entry === 'string') return { image: entry };
    return { image: entry.ref, allowFloatingTag: entry.allow_floating_tag, allowShortName: entry.allow_short_name };
  }

  /** `[hosts.<name>]`: the address other hosts use, and the LAN IP to bind. */
  public host(name: string): HostAddress {
    const h = own(this.data.hosts, name);
    if (!h) {
      this.missing(`/hosts/${name}`, `no host "${name}" in [hosts]`, `add [hosts.${name}] with address = "<dns name or IP>" and bind = "<LAN IP>"`);
      return { name, address: `${name}.invalid` };
    }
    return { name, address: h.address, bind: h.bind };
  }

  /** The `[hosts]` entry the site runs on (`host = "..."` in its table), if it names one. */
  public siteHost(name?: string): HostAddress | undefined {
    const h = this.settings(name)?.host;
    return h !== undefined && own(this.data.hosts, h) ? this.host(h) : undefined;
  }

  /**
   * A value from `[settings]`, or `fallback` when absent. A value of another type than the
   * fallback is CONFIG004 and the fallback is used.
   */
  public setting<T extends SettingValue>(key: string, fallback: T): T {
    const v = own(this.data.settings, key);
    if (v === undefined) return fallback;
    const kind = (x: unknown) => (Array.isArray(x) ? 'array' : typeof x);
    if (kind(v) !== kind(fallback)) {
      Diagnostics.report(this, 'CONFIG004', `${this.file}: [settings] ${key}: ${JSON.stringify(v)} is not ${kind(fallback) === 'array' ? 'an array of strings' : `a ${kind(fallback)}`}`);
      return fallback;
    }
    return v as T;
  }

  /** The checked values as TOML (sorted keys): a file that loads back to the same data. */
  public toToml(header: readonly string[] = []): string {
    return renderToml(this.data as any, header);
  }

  private settings(name?: string): SiteSettings | undefined {
    if (!this.loaded) return undefined;
    if (this.data.sites) {
      const key = name ?? this.onlySiteKey();
      if (key === undefined) {
        this.missing('/sites', `${Object.keys(this.data.sites).length} sites are configured; say which one`, `pass the name: cfg.siteProps('${Object.keys(this.data.sites)[0] ?? 'name'}')`);
        return undefined;
      }
      const s = own(this.data.sites, key);
      if (!s) this.missing(`/sites/${key}`, `no site "${key}" in [sites]`, `add [sites.${key}], or use one of: ${Object.keys(this.data.sites).join(', ') || '(none)'}`);
      return s;
    }
    const s = this.data.site;
    if (s && name !== undefined && s.name !== undefined && s.name !== name) {
      this.missing('/site/name', `[site] is "${s.name}", not "${name}"`, 'use the name the file gives, or leave it out');
    }
    return s;
  }

  private onlySiteKey(): string | undefined {
    const keys = Object.keys(this.data.sites ?? {});
    return keys.length === 1 ? keys[0] : undefined;
  }

  /** CONFIG007, unless the file already has a problem at or above that key (no cascades). */
  private missing(pointer: string, text: string, hint: string): void {
    if (!this.loaded) return;
    const within = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
    if (this.problems.some((p) => p.pointer === '' || within(pointer, p.pointer) || within(p.pointer, pointer))) return;
    Diagnostics.report(this, 'CONFIG007', `${this.file}: ${text}`, hint);
  }
}

/** `table[key]` when the table itself has the key: a name objects inherit (`constructor`) is never present. */
function own<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

function uniqueId(scope: Construct, id: string): string {
  const base = id.replace(/\//g, '_') || 'config';
  let candidate = base;
  for (let i = 2; scope.node.tryFindChild(candidate); i++) candidate = `${base}-${i}`;
  return candidate;
}
