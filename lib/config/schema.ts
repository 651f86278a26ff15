/**
 * The shape of a site configuration file (docs/site-config.md), as TypeScript types and as the
 * JSON schema ajv checks the parsed TOML against. Keys are snake_case, as TOML files usually are.
 */

/** `[site.network]`: the site's default podman network. */
export interface NetworkSettings {
  /** The podman network name. @default - the site name */
  readonly name?: string;
  /** One subnet in CIDR form, e.g. "10.89.0.0/24". @default - podman picks one */
  readonly subnet?: string;
  /** The gateway address inside the subnet. @default - podman's (first address) */
  readonly gateway?: string;
}

/** Where a site's secrets come from. */
export type SecretSource =
  /** Declared in `<name>.env.tmpl` templates that the operator fills in on the host. */
  | 'env-file'
  /** Podman secrets, created once with `podman secret create`. */
  | 'podman';

/** `[site.secrets]`. */
export interface SecretSettings {
  /**
   * Where the site's secrets come from: env files beside the units, or podman secrets.
   * @default 'env-file'
   */
  readonly source?: SecretSource;
}

/** `[site]` or `[sites.<name>]`: the settings of one site (one host). */
export interface SiteSettings {
  /** The site name. @default - the key under [sites], or the construct id for [site] */
  readonly name?: string;
  /** DNS domains the site serves. @default - none */
  readonly domains?: string[];
  /** The podman release on the host, MAJOR.MINOR.PATCH. @default '5.4.2' */
  readonly podman_version?: string;
  /**
   * Whether the site runs as a user (rootless podman, `systemctl --user`) or as root.
   * @default true
   */
  readonly rootless?: boolean;
  /**
   * The output layout: a home folder (`.config/...`) or a chezmoi source tree (`home/dot_config/...`).
   * @default 'home'
   */
  readonly layout?: 'home' | 'chezmoi';
  /** The folder inside the app's output folder. @default - see SiteProps.outputDir */
  readonly output_dir?: string;
  /**
   * Whether an image without an `@sha256:` digest is allowed, a warning or an error.
   * @default 'off'
   */
  readonly digest_policy?: 'off' | 'warn' | 'error';
  /**
   * Allow floating image tags (such as `:latest`) on every image of the site.
   * @default false
   */
  readonly allow_floating_tags?: boolean;
  /** The `[hosts]` entry this site runs on (its LAN address and bind address). @default - none */
  readonly host?: string;
  /**
   * The site's default network.
   * @default - no network from the config
   */
  readonly network?: NetworkSettings;
  /**
   * How the site's secrets reach the containers.
   * @default - { source: 'env-file' }
   */
  readonly secrets?: SecretSettings;
  /** The Kubernetes backend's settings (docs/kubernetes.md). @default - none */
  readonly kubernetes?: KubernetesSettings;
}

/** `[site.kubernetes.volumes.<volume>]`: one claim. */
export interface KubernetesVolumeSettings {
  /** e.g. "20Gi". @default - default_volume_size */
  readonly size?: string;
  /** The claim's storage class. @default - storage_class */
  readonly storage_class?: string;
  /** The claim's access mode. @default 'ReadWriteOnce' */
  readonly access_mode?: 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadWriteMany';
}

/** `[site.kubernetes]`: what the Kubernetes backend needs to know of the cluster. */
export interface KubernetesSettings {
  /** The namespace every object goes into. @default - the site name */
  readonly namespace?: string;
  /** The storage class of volume claims. @default 'local-path' */
  readonly storage_class?: string;
  /** The size of a volume claim that names none. @default '10Gi' */
  readonly default_volume_size?: string;
  /** The `ingressClassName` of the site's Ingress. @default - the cluster's default class */
  readonly ingress_class?: string;
  /** Keep the former host's placement: every pod gets a node selector on `node_name`. @default false */
  readonly keep_placement?: boolean;
  /** The node workloads are pinned to when `keep_placement` is set. @default - the site name */
  readonly node_name?: string;
  /** Mount host folders as `hostPath` volumes (only with `keep_placement`). @default false */
  readonly host_paths?: boolean;
  /** The user's home on that node, to expand `%h` in host paths. @default - none: paths under %h are left out */
  readonly host_home?: string;
  /** The extended resource a GPU device becomes when the device names no vendor. @default 'amd.com/gpu' */
  readonly gpu_resource?: string;
  /** Claims by podman volume name. @default - none */
  readonly volumes?: Record<string, KubernetesVolumeSettings>;
}

/** An `[images]` entry as a table, for a tag that moves on purpose. */
export interface ImageSettings {
  /** The fully qualified reference. */
  readonly ref: string;
  /** Why a floating tag is acceptable; goes into the docs. @default - floating tags are errors */
  readonly allow_floating_tag?: string;
  /**
   * Why a short name without a registry is acceptable (an image built or tagged on the host, or
   * one the host's short-name aliases resolve); goes into the docs. @default - short names are errors
   */
  readonly allow_short_name?: string;
}

/** `[hosts.<name>]`: how other hosts reach one host. */
export interface HostSettings {
  /** The DNS name or IP other hosts use to reach this host, e.g. "gpu.lan". */
  readonly address: string;
  /** The host's LAN IP, to bind published ports that other hosts use. @default - none (ports stay on loopback) */
  readonly bind?: string;
  /**
   * What the host is, for the generated docs.
   * @default - none
   */
  readonly description?: string;
}

/** A free-form setting value. */
export type SettingValue = string | number | boolean | string[];

/** The whole file. */
export interface SiteConfigData {
  /** One site. @default - none */
  readonly site?: SiteSettings;
  /** Several sites, by name. @default - none */
  readonly sites?: Record<string, SiteSettings>;
  /** Image pins by name, shared by every site of the file. @default - none */
  readonly images?: Record<string, string | ImageSettings>;
  /** Host addresses by name. @default - none */
  readonly hosts?: Record<string, HostSettings>;
  /** Free-form values the site code reads with `setting()`. @default - none */
  readonly settings?: Record<string, SettingValue>;
}

const NAME = '^[a-z][a-z0-9-]*$';
const DOMAIN = '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$';
const CIDR = '^[0-9a-fA-F.:]+/\\d{1,3}$';
const QUANTITY = '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$';
const ADDRESS = '^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^[0-9a-fA-F:]+$';

const SITE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: NAME },
    domains: { type: 'array', items: { type: 'string', pattern: DOMAIN } },
    podman_version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
    rootless: { type: 'boolean' },
    layout: { enum: ['home', 'chezmoi'] },
    output_dir: { type: 'string', pattern: '^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]*$' },
    digest_policy: { enum: ['off', 'warn', 'error'] },
    allow_floating_tags: { type: 'boolean' },
    host: { type: 'string', pattern: NAME },
    network: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
        subnet: { type: 'string', pattern: CIDR },
        gateway: { type: 'string', pattern: '^[0-9a-fA-F.:]+$' },
      },
    },
    secrets: {
      type: 'object',
      additionalProperties: false,
      properties: { source: { enum: ['env-file', 'podman'] } },
    },
    kubernetes: {
      type: 'object',
      additionalProperties: false,
      properties: {
        namespace: { type: 'string', pattern: NAME },
        storage_class: { type: 'string', minLength: 1 },
        default_volume_size: { type: 'string', pattern: QUANTITY },
        ingress_class: { type: 'string', minLength: 1 },
        keep_placement: { type: 'boolean' },
        node_name: { type: 'string', minLength: 1 },
        host_paths: { type: 'boolean' },
        host_home: { type: 'string', pattern: '^/' },
        gpu_resource: { type: 'string', pattern: '^[a-z0-9.-]+/[a-z0-9.-]+$' },
        volumes: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: {
              size: { type: 'string', pattern: QUANTITY },
              storage_class: { type: 'string', minLength: 1 },
              access_mode: { enum: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany'] },
            },
          },
        },
      },
    },
  },
} as const;

/** The JSON schema of the file (ajv, strict mode). */
export const SITE_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    site: SITE_SCHEMA,
    sites: { type: 'object', propertyNames: { pattern: NAME }, additionalProperties: SITE_SCHEMA },
    images: {
      type: 'object',
      additionalProperties: {
        type: ['string', 'object'],
        additionalProperties: false,
        required: ['ref'],
        properties: { ref: { type: 'string' }, allow_floating_tag: { type: 'string', minLength: 1 }, allow_short_name: { type: 'string', minLength: 1 } },
      },
    },
    hosts: {
      type: 'object',
      propertyNames: { pattern: NAME },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['address'],
        properties: {
          address: { type: 'string', pattern: ADDRESS },
          bind: { type: 'string', pattern: '^[0-9a-fA-F.:]+$' },
          description: { type: 'string' },
        },
      },
    },
    settings: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean', 'array'], items: { type: 'string' } },
    },
  },
} as const;

/** Every key a table may hold, for "did you mean" hints: JSON pointer of the table -> keys. */
export function knownKeys(pointer: string): string[] {
  const parts = pointer.split('/').filter((p) => p !== '');
  let schema: any = SITE_CONFIG_SCHEMA;
  for (const p of parts) {
    if (schema?.properties?.[p]) schema = schema.properties[p];
    else if (typeof schema?.additionalProperties === 'object') schema = schema.additionalProperties;
    else return [];
  }
  return Object.keys(schema?.properties ?? {});
}
