import { Site } from '../core/site';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import './codes';
import { compareVersions } from './keys';
import { QuadletUnit } from './unit';
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
    // podman quadlet list and rm ask systemd for the service of every installed unit; systemd
    // refuses a template's (worker@.service has no instance), so both fail while one is installed
    // (seen on 5.8.6; main asks the same way). Installing and running are not affected.
    const templates = this.site.node.findAll()
      .filter((c): c is QuadletUnit => c instanceof QuadletUnit && c.isTemplate)
      .sort((a, b) => (a.unitFileName < b.unitFileName ? -1 : 1));
    if (templates.length) {
      ctx.report('QUADLET037', `the bundle holds template units (${templates.map((t) => t.unitFileName).join(', ')}): once it is installed, podman quadlet list and podman quadlet rm fail ("Unit name ${templates[0].serviceName} is missing the instance name"); the units install and run`);
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

/** The unit types `podman quadlet install` recognizes by their section header. */
const BUNDLE_TYPES = new Set(['container', 'volume', 'network', 'pod', 'kube', 'image', 'build', 'artifact']);

/**
 * Splits a `.quadlets` bundle into the unit files `podman quadlet install` writes, byte for byte
 * (checked on podman 5.8.6): a line that is `---` once trimmed ends a section; each section is
 * trimmed of surrounding white space, so an installed unit has no final newline; its name is the
 * first `# FileName=` comment, its type the first `[Header]` that names a unit type. Sections
 * without either are left out (podman refuses the whole file then). For tests and tools.
 */
export function unbundle(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const sections: string[][] = [[]];
  for (const line of text.split('\n')) {
    if (line.trim() === '---') sections.push([]);
    else sections[sections.length - 1].push(line);
  }
  for (const lines of sections) {
    const trimmed = lines.map((l) => l.trim());
    const name = trimmed.find((l) => /^#\s*FileName=/.test(l))?.replace(/^#\s*FileName=/, '').trim();
    const type = trimmed.map((l) => /^\[(.*)\]$/.exec(l)?.[1].toLowerCase()).find((t) => t !== undefined && BUNDLE_TYPES.has(t));
    if (name && type) out[`${name}.${type}`] = lines.join('\n').trim();
  }
  return out;
}
