import { Site } from '../core/site';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import './codes';
import { compareVersions } from './keys';
import { BUNDLES_SINCE, versionName } from './version-values';

const ID = 'QuadletBundle';

/**
 * A site's `.quadlets` bundle (podman >= 5.8): every quadlet unit of the site in one file,
 * `<site>.quadlets`, one section per unit (`# FileName=<name>`, the unit, `---`), which
 * `podman quadlet install <site>.quadlets` installs as one application. Made by the site's
 * `quadletOutput: 'bundle'`; units add themselves as they render.
 */
export class QuadletBundle extends Resource {
  /** The site's bundle, made on first use. */
  public static of(site: Site): QuadletBundle {
    const existing = site.node.tryFindChild(ID);
    return existing instanceof QuadletBundle ? existing : new QuadletBundle(site, ID);
  }

  public readonly kind = 'bundle';
  public readonly renderAfterOthers = true;
  private readonly units = new Map<string, string>();

  /** The file name: `<site>.quadlets`. */
  public get fileName(): string {
    return `${this.site.name}.quadlets`;
  }

  /** Add one unit file (`web.container`) and its text. */
  public add(unitFileName: string, text: string): void {
    this.units.set(unitFileName, text);
  }

  public validate(ctx: ValidationContext): void {
    if (compareVersions(BUNDLES_SINCE, ctx.site.podmanVersion) > 0) {
      ctx.report('QUADLET034', `.quadlets bundles need podman ${versionName(BUNDLES_SINCE)} (podman quadlet install of a multi-unit file); this site targets ${ctx.site.podmanVersion}`);
    }
  }

  public render(ctx: RenderContext): void {
    if (this.units.size === 0) return;
    // podman reads the first `# FileName=` comment of a section as the unit's name (without its
    // extension) and the first [Container]/[Volume]/... header as its type.
    const sections = [...this.units.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([file, text]) => `# FileName=${file.slice(0, file.lastIndexOf('.'))}\n${text.trimEnd()}\n`);
    ctx.emit('bundle', this.fileName, sections.join('---\n'));
  }
}

/** Splits a `.quadlets` bundle into its unit files, as `podman quadlet install` does (for tests and tools). */
export function unbundle(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const section of text.split(/^---$/m)) {
    const name = /^#\s*FileName=(.+)$/m.exec(section)?.[1].trim();
    const type = /^\[(Container|Volume|Network|Pod|Kube|Image|Build|Artifact)\]$/m.exec(section)?.[1].toLowerCase();
    if (name && type) out[`${name}.${type}`] = section.trim() + '\n';
  }
  return out;
}
