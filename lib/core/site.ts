import { Construct, IConstruct } from 'constructs';
import { defineCodes, Diagnostics } from './diagnostics';
import { chezmoiSourceName } from './names';
import type { KubernetesOptions } from '../k8s/options';
import type { OutputArea } from './resource';

const BRAND = Symbol.for('quadlet-cdk.Site');

export const SITE_CODES = defineCodes({
  SITE001: { title: 'invalid site name', hint: 'use lower-case letters, digits and dashes, starting with a letter' },
  SITE002: { title: 'construct outside a site', hint: 'create resources inside a Site: new Container(site, ...)' },
  SITE003: { title: 'unknown podman version', hint: 'give the target podman version as MAJOR.MINOR.PATCH, e.g. 5.4.2' },
  SITE004: { title: 'invalid domain', hint: 'give a DNS name such as example.org' },
  SITE005: { title: 'podman version older than quadlet', hint: 'quadlet came with podman 4.4: give the release the host runs, 4.4.0 or later' },
  SITE007: { title: 'users folder not usable', hint: 'usersDir takes a numeric uid or \'all\', on a rootless site in the home layout (podman reads /etc/containers/systemd/users/ for user units)' },
  SITE006: { title: 'podman version newer than quadlet-cdk knows', hint: 'quadlet-cdk knows the keys of podman 4.4 to 6.0; newer keys and value changes are not checked: give 6.0.x if the host accepts it, or update quadlet-cdk', severity: 'warning' },
});

/** The podman releases whose quadlet generator quadlet-cdk knows: 4.4 (quadlet's first) to 6.0. */
export const PODMAN_VERSIONS = { oldest: '4.4.0', newest: '6.0' } as const;

/** What the site needs to know of its default network (quadlet's `INetwork` has this shape). */
export interface DefaultNetwork {
  /** The network's podman name. */
  readonly networkName: string;
  /** How a unit names it in `Network=` (the `.network` file name). */
  readonly networkRef: string;
}

/** How the site's files are laid out under its output folder. */
export type SiteLayout =
  /** Paths relative to the user's home: `.config/containers/systemd/...` */
  | 'home'
  /** A chezmoi source tree: `home/dot_config/containers/systemd/...` */
  | 'chezmoi';

/**
 * What a site's tree is rendered as: quadlet units for one Podman host, or Kubernetes manifests
 * (`<site>/k8s/`, with a kustomization.yaml) for a cluster such as k3s.
 */
export type SiteBackend = 'quadlet' | 'kubernetes';

/**
 * How a site's quadlet units are written: one file each, or one `.quadlets` bundle per site for
 * `podman quadlet install` (podman >= 5.8).
 */
export type QuadletOutput = 'files' | 'bundle';

/** How strictly image references are pinned. */
export type DigestPolicy = 'off' | 'warn' | 'error';

export interface SiteProps {
  /**
   * The site's name: the default network, the target and the config folder are named after it.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Rootless (user units, `~/.config/...`) or rootful (`/etc/containers/systemd`, `/etc/systemd/system`).
   * @default true
   */
  readonly rootless?: boolean;
  /**
   * The podman release the host runs, 4.4.0 to 6.0.x. Keys newer than it, and values it would
   * read differently (`Notify=healthy` before 5.0, several `ImageTag=` before 5.3, ...), are
   * errors that name the release that changed them.
   * @default '5.4.2'
   */
  readonly podmanVersion?: string;
  /**
   * The DNS domains the site serves; routes must use a hostname under one of them.
   * @default - none
   */
  readonly domains?: string[];
  /**
   * Where files go: a home folder (`.config/...`) or a chezmoi source tree (`home/dot_config/...`).
   * @default 'home'
   */
  readonly layout?: SiteLayout;
  /**
   * The folder, inside the app's output folder, that holds this site's files. '' writes at the top.
   * @default - '' when the app has one site, else the site name
   */
  readonly outputDir?: string;
  /**
   * Digest pinning of images: 'warn' or 'error' when an image has a tag but no `@sha256:` digest.
   * @default 'off'
   */
  readonly digestPolicy?: DigestPolicy;
  /**
   * Let every image use a floating tag (`:latest`, `:main`, ...). Prefer `allowFloatingTag` on the image.
   * @default false
   */
  readonly allowFloatingTags?: boolean;
  /**
   * Render the tree as quadlet units or as Kubernetes manifests (see docs/kubernetes.md).
   * @default - the app's backend (`quadlet-cdk synth --backend`, $QUADLET_CDK_BACKEND), else 'quadlet'
   */
  readonly backend?: SiteBackend;
  /**
   * Cluster settings the Kubernetes backend reads (namespace, storage, placement); ignored by quadlet.
   * @default - namespace = site name, storage class local-path, no node pinning
   */
  readonly kubernetes?: KubernetesOptions;
  /**
   * `'bundle'` writes the site's quadlet units as one `<site>.quadlets` file (beside the site's
   * folders) for `podman quadlet install` instead of one file each (podman >= 5.8; docs/bundles.md).
   * @default 'files'
   */
  readonly quadletOutput?: QuadletOutput;
  /**
   * Rootless sites managed by an admin: write the quadlet units into
   * `etc/containers/systemd/users/<uid>` (that user only) or `etc/containers/systemd/users` (every
   * user), and plain user units into `etc/systemd/user` (podman >= 4.6).
   * @default - the user's own folders (~/.config/containers/systemd)
   */
  readonly usersDir?: number | 'all';
}

/**
 * One host: the root of the tree of units that run there. Holds the defaults its resources
 * read (rootless, podman version, domains, layout).
 */
export class Site extends Construct {
  public static isSite(x: unknown): x is Site {
    return typeof x === 'object' && x !== null && (x as any)[BRAND] === true;
  }

  /** The site that contains `scope`. Records SITE002 and returns a stand-in when there is none. */
  public static of(scope: IConstruct): Site {
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
      if (Site.isSite(c)) return c;
    }
    Diagnostics.report(scope, 'SITE002', `${scope.node.path} is not inside a Site`);
    return orphanSite();
  }

  public readonly name: string;
  public readonly rootless: boolean;
  public readonly podmanVersion: string;
  public readonly domains: string[];
  public readonly layout: SiteLayout;
  private readonly outputDirProp?: string;
  public readonly digestPolicy: DigestPolicy;
  public readonly allowFloatingTags: boolean;
  /** What the tree renders as. */
  public readonly backend: SiteBackend;
  /** The Kubernetes backend's settings, as given. */
  public readonly kubernetes: KubernetesOptions;
  /** One file per unit, or one `.quadlets` bundle. */
  public readonly quadletOutput: QuadletOutput;
  /** The admin-managed users folder (see SiteProps.usersDir), if any. */
  public readonly usersDir?: number | 'all';
  /** The network containers join when they name none. Set it, or create a Network with `default: true`. */
  public defaultNetwork?: DefaultNetwork;
  /** The systemd unit every unit's `[Install]` joins; a Target construct sets it. @default 'default.target' */
  public installTarget = 'default.target';
  /** Set by a Target construct: units also get `PartOf=` it, so stopping the target stops the stack. */
  public partOfTarget?: string;

  /** The props as given (the Kubernetes backend reports those that only shape quadlet output). */
  public readonly givenProps: Readonly<SiteProps>;

  public constructor(scope: Construct, id: string, props: SiteProps = {}) {
    super(scope, id);
    Object.defineProperty(this, BRAND, { value: true });
    this.givenProps = { ...props };
    countSite(this);
    this.name = props.name ?? id;
    this.rootless = props.rootless ?? true;
    this.podmanVersion = props.podmanVersion ?? '5.4.2';
    this.domains = props.domains ?? [];
    this.layout = props.layout ?? 'home';
    this.outputDirProp = props.outputDir;
    this.digestPolicy = props.digestPolicy ?? 'off';
    this.allowFloatingTags = props.allowFloatingTags ?? false;
    this.backend = props.backend ?? appBackend(scope);
    this.kubernetes = props.kubernetes ?? {};
    this.quadletOutput = props.quadletOutput ?? 'files';
    this.usersDir = props.usersDir;
    if (this.usersDir !== undefined) {
      if (!this.rootless || this.layout === 'chezmoi') Diagnostics.report(this, 'SITE007', `usersDir is for rootless sites in the home layout (this one is ${this.rootless ? 'in the chezmoi layout' : 'rootful'})`);
      else if (this.usersDir !== 'all' && !(Number.isSafeInteger(this.usersDir) && this.usersDir >= 0)) Diagnostics.report(this, 'SITE007', `usersDir ${String(this.usersDir)} is not a uid or 'all'`);
    }
    if (!/^[a-z][a-z0-9-]*$/.test(this.name)) Diagnostics.report(this, 'SITE001', `site name "${this.name}" is not a valid unit name part`);
    if (!/^\d+\.\d+\.\d+$/.test(this.podmanVersion)) Diagnostics.report(this, 'SITE003', `podman version "${this.podmanVersion}" is not MAJOR.MINOR.PATCH`);
    else {
      const [major, minor] = this.podmanVersion.split('.').map(Number);
      if (major < 4 || (major === 4 && minor < 4)) Diagnostics.report(this, 'SITE005', `podman ${this.podmanVersion} has no quadlet generator (it came with podman ${PODMAN_VERSIONS.oldest})`);
      else if (major > 6 || (major === 6 && minor > 0)) Diagnostics.report(this, 'SITE006', `podman ${this.podmanVersion} is newer than ${PODMAN_VERSIONS.newest}, the newest release quadlet-cdk knows: its new keys and value changes are not checked`);
    }
    for (const d of this.domains) {
      if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d)) Diagnostics.report(this, 'SITE004', `"${d}" is not a DNS domain`);
    }
  }

  /** This site's folder inside the app's output folder ('' for the top). */
  public get outputDir(): string {
    if (this.outputDirProp !== undefined) return this.outputDirProp;
    return (sitesPerRoot.get(this.node.root) ?? 0) > 1 ? this.name : '';
  }

  /** The folder, relative to the app's output folder, where files of an area go. */
  public dirOf(area: OutputArea): string {
    const home = this.layout === 'chezmoi' ? 'home/dot_config' : '.config';
    const dirs: Record<OutputArea, string> = this.rootless
      ? {
        quadlet: this.usersDir === undefined ? `${home}/containers/systemd` : `etc/containers/systemd/users${this.usersDir === 'all' ? '' : `/${this.usersDir}`}`,
        systemd: this.usersDir === undefined ? `${home}/systemd/user` : 'etc/systemd/user',
        config: `${home}/${this.name}`,
        caddy: `${home}/caddy`,
        host: 'host',
        docs: 'docs',
        'chezmoi-root': this.layout === 'chezmoi' ? 'home' : '',
        bundle: '',
      }
      : {
        quadlet: 'etc/containers/systemd',
        systemd: 'etc/systemd/system',
        config: `etc/${this.name}`,
        caddy: 'etc/caddy',
        host: 'host',
        docs: 'docs',
        'chezmoi-root': '',
        bundle: '',
      };
    return [this.outputDir, dirs[area]].filter((p) => p !== '').join('/');
  }

  /**
   * The output path of a file of `area`: its folder, then `name`. In the chezmoi layout, names
   * under `home/` that start with a chezmoi attribute prefix get `literal_`, so that chezmoi
   * neither runs nor renames them.
   */
  public pathOf(area: OutputArea, name: string): string {
    const inHome = this.layout === 'chezmoi' && this.rootless && !['host', 'docs', 'bundle'].includes(area);
    const file = inHome ? name.split('/').map(chezmoiSourceName).join('/') : name;
    return [this.dirOf(area), file].filter((p) => p !== '').join('/');
  }

  /**
   * Where the host sees a config-area file at run time, in systemd syntax (`%h/.config/<site>/x.env`).
   * Rootful sites use the absolute /etc path.
   */
  public runtimePathOf(area: 'config' | 'caddy' | 'quadlet' | 'systemd', name: string): string {
    if (!this.rootless || (this.usersDir !== undefined && (area === 'quadlet' || area === 'systemd'))) return `/${this.dirOf(area).slice(this.outputDir ? this.outputDir.length + 1 : 0)}/${name}`;
    const rel = { config: `.config/${this.name}`, caddy: '.config/caddy', quadlet: '.config/containers/systemd', systemd: '.config/systemd/user' }[area];
    return `%h/${rel}/${name}`;
  }
}

/** The backend the app asks for (AppProps.backend sets it on the root); 'quadlet' otherwise. */
function appBackend(scope: Construct): SiteBackend {
  const asked = (scope?.node.root as { readonly backend?: unknown } | undefined)?.backend;
  return asked === 'kubernetes' ? 'kubernetes' : 'quadlet';
}

/**
 * How many sites each tree holds (not counting a site inside another site), counted as they are
 * created: every file asks for its site's output folder, so this must not walk the tree.
 */
const sitesPerRoot = new WeakMap<IConstruct, number>();

function countSite(site: Site): void {
  for (let c = site.node.scope; c; c = c.node.scope) if (Site.isSite(c)) return;
  sitesPerRoot.set(site.node.root, (sitesPerRoot.get(site.node.root) ?? 0) + 1);
}

let orphan: Site | undefined;
function orphanSite(): Site {
  // A detached stand-in so that a misplaced construct still gets its diagnostics reported.
  return (orphan ??= new Site(new Construct(undefined as any, ''), 'orphan'));
}
