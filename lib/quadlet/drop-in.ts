import { Construct } from 'constructs';
import { Reporter } from '../core/diagnostics';
import { escapeControls, nameProblem } from '../core/names';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import { EncodableValue, encodeValue } from '../render/encode';
import { renderUnitFile, UnitFile } from '../render/unit-file';
import './codes';
import { compareVersions, KEY_TABLE, keyOfProp, QuadletSection } from './keys';
import { ArtifactKeys, BuildKeys, ContainerKeys, ImageKeys, KubeKeys, NetworkKeys, PodKeys, VolumeKeys } from './keys.generated';
import { TemplateInstance } from './template';
import { checkServiceUser, headerFor, QuadletUnit } from './unit';
import { checkVersionValues, DROP_INS_SINCE, parseModeFor, SHARED_DROP_INS_SINCE, versionName } from './version-values';

/** The quadlet unit types, as their file extension without the dot. */
export type QuadletKind = 'container' | 'pod' | 'network' | 'volume' | 'kube' | 'image' | 'build' | 'artifact';

/**
 * Which units a drop-in changes:
 * - a unit of the tree (`web.container.d/`, podman >= 5.0), or one instance of a template
 *   (`worker@a.container.d/`);
 * - every unit of a type (`{ allOf: 'container' }`: `container.d/`, podman >= 5.2);
 * - every unit of a type whose name starts with `<prefix>-` (`{ kind: 'container', prefix: 'web' }`:
 *   `web-.container.d/`, podman >= 5.2).
 */
export type DropInTarget =
  | QuadletUnit
  | TemplateInstance
  | { readonly allOf: QuadletKind }
  | { readonly kind: QuadletKind; readonly prefix: string };

/** A systemd section of a drop-in: each key to one value or a list; `''` empties the list so far. */
export type SystemdEntries = Readonly<Record<string, string | readonly string[]>>;

export interface DropInProps {
  /** The unit or units it changes. */
  readonly to: DropInTarget;
  /**
   * The file name without `.conf`. The generator reads the drop-ins of a folder in name order, so a
   * number in front orders them (`10-memory`); a more specific folder's file hides a broader one's of
   * the same name.
   * @default - the construct id
   */
  readonly name?: string;
  /** Keys of `[Container]` (a `.container` target), by their prop names. @default - none */
  readonly container?: ContainerKeys;
  /** Keys of `[Pod]`. @default - none */
  readonly pod?: PodKeys;
  /** Keys of `[Network]`. @default - none */
  readonly network?: NetworkKeys;
  /** Keys of `[Volume]`. @default - none */
  readonly volume?: VolumeKeys;
  /** Keys of `[Kube]`. @default - none */
  readonly kube?: KubeKeys;
  /** Keys of `[Image]`. @default - none */
  readonly image?: ImageKeys;
  /** Keys of `[Build]`. @default - none */
  readonly build?: BuildKeys;
  /** Keys of `[Artifact]`. @default - none */
  readonly artifact?: ArtifactKeys;
  /**
   * Keys of the unit's quadlet section to empty before this drop-in's values (`Environment=` alone):
   * the drop-in's list replaces the unit's instead of adding to it.
   * @default - none
   */
  readonly reset?: string[];
  /** `[Unit]` entries, e.g. `{ After: '' }` to clear the unit's After= list. @default - none */
  readonly unit?: SystemdEntries;
  /** `[Service]` entries. @default - none */
  readonly service?: SystemdEntries;
  /** `[Install]` entries. @default - none */
  readonly install?: SystemdEntries;
}

const SECTION_OF: Record<QuadletKind, QuadletSection> = {
  container: 'Container', pod: 'Pod', network: 'Network', volume: 'Volume', kube: 'Kube', image: 'Image', build: 'Build', artifact: 'Artifact',
};

/**
 * A drop-in file (`<unit>.<type>.d/<name>.conf`): the generator merges it into the unit before
 * converting it, so it changes a unit without touching its file: a pattern's container, every
 * container of the site, an instance of a template. Keys are checked against the unit type and the
 * site's podman like a unit's own.
 *
 * @example
 *   new DropIn(site, 'db-memory', { to: wiki.database.container, name: '10-memory', container: { memory: '2g' } });
 *   new DropIn(site, 'no-after', { to: web, unit: { After: '' } });
 */
export class DropIn extends Resource {
  /** The file name without `.conf`. */
  public readonly name: string;
  public readonly props: DropInProps;

  public constructor(scope: Construct, id: string, props: DropInProps) {
    super(scope, id);
    this.props = props ?? ({} as DropInProps);
    this.name = this.props.name ?? id;
  }

  public get kind(): string {
    return 'drop-in';
  }

  /** The unit section the target reads (`Container` for `.container` units). */
  public get section(): QuadletSection {
    const to = this.props.to;
    if (to instanceof QuadletUnit) return to.section;
    if (to instanceof TemplateInstance) return to.template.section;
    return SECTION_OF['allOf' in to ? to.allOf : to.kind];
  }

  /** The folder, relative to the quadlet folder: `web.container.d`, `container.d`, `web-.container.d`. */
  public get folder(): string {
    const to = this.props.to;
    if (to instanceof QuadletUnit || to instanceof TemplateInstance) return `${to.unitFileName}.d`;
    const ext = KEY_TABLE[this.section].extension;
    return 'allOf' in to ? `${ext.slice(1)}.d` : `${to.prefix}-${ext}.d`;
  }

  /** The release that reads this folder: 5.0 for a unit's own, 5.2 for shared folders and a template's instances. */
  private get needs(): string {
    const to = this.props.to;
    if (to instanceof QuadletUnit) return DROP_INS_SINCE;
    return SHARED_DROP_INS_SINCE;
  }

  /** The keys of each quadlet section given, by section. */
  private get sectionKeys(): Array<[QuadletSection, Record<string, unknown>]> {
    const out: Array<[QuadletSection, Record<string, unknown>]> = [];
    for (const kind of Object.keys(SECTION_OF) as QuadletKind[]) {
      const keys = this.props[kind] as Record<string, unknown> | undefined;
      if (keys !== undefined) out.push([SECTION_OF[kind], keys]);
    }
    return out;
  }

  public validate(ctx: ValidationContext): void {
    const target = ctx.site.podmanVersion;
    const own = nameProblem(this.name, 'drop-in name', '.conf');
    if (own) ctx.report(own.code, own.message);
    const to = this.props.to;
    if (!(to instanceof QuadletUnit) && !(to instanceof TemplateInstance) && !('allOf' in to)) {
      const bad = nameProblem(to.prefix, 'drop-in prefix', `-${KEY_TABLE[this.section].extension}.d`);
      if (bad) ctx.report(bad.code, bad.message);
    }
    if (compareVersions(this.needs, target) > 0) {
      ctx.report('QUADLET001', `drop-ins in ${this.folder}/ need podman ${versionName(this.needs)}; this site targets ${target}`);
    }
    for (const [section, keys] of this.sectionKeys) {
      if (section !== this.section) {
        ctx.report('QUADLET031', `the drop-in for ${this.folder} sets [${section}] keys (${Object.keys(keys).join(', ')}), but its units read [${this.section}]`);
      }
    }
    for (const key of this.props.reset ?? []) this.checkKey(key, ctx.report);
    checkServiceUser(Object.keys(this.props.service ?? {}), target, ctx.report);
  }

  /** QUADLET002 for a key the section does not have, QUADLET001 for one newer than the site's podman. */
  private checkKey(key: string, report: Reporter): boolean {
    const info = KEY_TABLE[this.section].keys[key];
    if (!info) {
      report('QUADLET002', `${escapeControls(key)}= is not a key of [${this.section}]`);
      return false;
    }
    if (compareVersions(info.since, this.site.podmanVersion) > 0) {
      report('QUADLET001', `${key}= in [${this.section}] needs podman ${versionName(info.since)}; this site targets ${this.site.podmanVersion}`);
      return false;
    }
    return true;
  }

  public render(ctx: RenderContext): void {
    const report = ctx.report;
    const file = new UnitFile();
    const systemd = (name: string, entries: SystemdEntries | undefined) => {
      for (const [key, value] of Object.entries(entries ?? {})) {
        for (const v of typeof value === 'string' ? [value] : value) {
          const e = encodeValue('text', v);
          if (v === '') file.add(name, key, '');
          else if (!e.ok) report('QUADLET003', `${key}=: ${e.error}`);
          else file.add(name, key, e.lines[0]);
        }
      }
    };
    systemd('Unit', this.props.unit);
    for (const key of this.props.reset ?? []) if (KEY_TABLE[this.section].keys[key]) file.add(this.section, key, '');
    for (const [section, keys] of this.sectionKeys) {
      if (section !== this.section) continue;
      for (const [prop, value] of Object.entries(keys).sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (value === undefined) continue;
        const key = keyOfProp(section, prop);
        if (!key) {
          report('QUADLET002', `${escapeControls(prop)} is not a key of [${section}]`);
          continue;
        }
        if (!this.checkKey(key, report)) continue;
        const { parse, why } = parseModeFor(section, key, this.site.podmanVersion);
        const encoded = encodeValue(parse, value as EncodableValue);
        if (!encoded.ok) report('QUADLET003', `${key}=: ${encoded.error}${why ? ` (${why})` : ''}`);
        else for (const line of encoded.lines) file.add(section, key, line);
      }
    }
    systemd('Service', this.props.service);
    systemd('Install', this.props.install);
    checkVersionValues(file, this.section, this.site.podmanVersion, report);
    ctx.emit('quadlet', `${this.folder}/${this.name}.conf`, renderUnitFile(file, headerFor(this.node.path)));
  }
}
