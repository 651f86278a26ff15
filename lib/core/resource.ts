import { Construct, IConstruct } from 'constructs';
import { defineCodes, Diagnostics, Reporter } from './diagnostics';
import { controlCharIn, escapeControls } from './names';
import { Site } from './site';

const BRAND = Symbol.for('quadlet-cdk.Resource');

export const RESOURCE_CODES = defineCodes({
  CORE006: { title: 'construct id used twice in one scope', hint: 'give each construct in a scope its own id (the id names the construct, e.g. \'wiki-db\' and \'wiki-db-data\')' },
});

/** `id`, or `id-2`, `id-3`, ... when the scope already has a child called `id`. */
function freeId(scope: Construct, id: string): string {
  if (!scope?.node.tryFindChild(id)) return id;
  let n = 2;
  while (scope.node.tryFindChild(`${id}-${n}`)) n++;
  return `${id}-${n}`;
}

/** Where in a site's tree a file goes; the site's layout turns it into a path. */
export type OutputArea =
  /** Quadlet units: ~/.config/containers/systemd/ */
  | 'quadlet'
  /** Plain systemd user units (.service, .timer, .target): ~/.config/systemd/user/ */
  | 'systemd'
  /** The site's own config folder (env templates): ~/.config/<site>/ */
  | 'config'
  /** Caddy's folder: ~/.config/caddy/ */
  | 'caddy'
  /** Files that belong to the host, not the user's home (e.g. /etc/cloudflared) */
  | 'host'
  /** Documentation about the site */
  | 'docs'
  /** The top of the home tree: `.` (home layout) or `home/` (chezmoi source root) */
  | 'chezmoi-root'
  /** Beside the site's folders: the `.quadlets` bundle for `podman quadlet install` */
  | 'bundle';

/** What a resource receives while rendering. */
export interface RenderContext {
  /** The site the resource belongs to. */
  readonly site: Site;
  /** Add a file. `name` is relative to the area's folder, e.g. `web.container`. */
  emit(area: OutputArea, name: string, content: string): void;
  /** Record a problem found while rendering (e.g. a value that cannot be written). */
  readonly report: Reporter;
  /**
   * Files rendered so far, by path, with the construct that wrote each. Complete only for
   * resources with `renderAfterOthers` (docs, indexes), which render once everything else has.
   */
  readonly files: ReadonlyMap<string, { readonly path: string; readonly content: string; readonly constructPath: string }>;
  /**
   * A value computed once per synth under `key` (an index of the site that every unit reads):
   * keeps a per-unit look at the whole site linear in the number of units.
   */
  memo<T>(key: string, make: () => T): T;
}

/** What a resource receives while validating: its reporter and the whole site. */
export interface ValidationContext {
  /** The site the resource belongs to. */
  readonly site: Site;
  /** Records a problem found by the check. */
  readonly report: Reporter;
}

/**
 * The base of everything that ends up in a file. A resource belongs to one site, validates
 * itself, then renders. Units that start after other units say so with `dependsOn` (on
 * Container, Pod, Service, ...), which writes `Requires=`/`Wants=`/`BindsTo=` and `After=`.
 */
export abstract class Resource extends Construct {
  public static isResource(x: unknown): x is Resource {
    return typeof x === 'object' && x !== null && (x as any)[BRAND] === true;
  }

  /** A short kind for messages and docs, e.g. `container`. */
  public abstract readonly kind: string;
  /** The site this resource belongs to. */
  public readonly site: Site;

  public constructor(scope: Construct, id: string) {
    // The constructs library throws on a taken id; a site author's typo must be a diagnostic.
    const free = freeId(scope, id);
    super(scope, free);
    if (free !== id) Diagnostics.report(this, 'CORE006', `id "${id}" is already used by ${scope.node.tryFindChild(id)!.node.path}; this construct was renamed ${free}`);
    Object.defineProperty(this, BRAND, { value: true });
    // `constructs` turns "\n" and "/" into "--" in node ids, but names default to the raw id.
    const control = controlCharIn(id);
    if (control) Diagnostics.report(this, 'NAME005', `construct id "${escapeControls(id)}" holds the control character ${control}`);
    this.site = Site.of(this);
  }

  /** Render after every other resource, seeing their files (for docs and indexes). @default false */
  public readonly renderAfterOthers: boolean = false;

  /** Check this resource against the rest of the site. Record problems; never throw. */
  public validate(_ctx: ValidationContext): void {}

  /** Emit this resource's files. Called in dependency order, after validation passed. */
  public render(_ctx: RenderContext): void {}
}

/** Every resource in a subtree, in tree order. */
export function resourcesIn(scope: IConstruct): Resource[] {
  return scope.node.findAll().filter(Resource.isResource);
}
