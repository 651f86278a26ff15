import { Construct } from 'constructs';
import { Reporter } from '../core/diagnostics';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import { EncodableValue, encodeValue, ParseMode } from '../render/encode';
import { renderUnitFile, UnitFile } from '../render/unit-file';
import { controlCharIn, escapeControls, encodeUnitList, nameProblem } from '../core/names';
import { checkInstall, describeUnit, headerFor, InstallOptions, renderInstall } from '../quadlet/unit';
import './codes';

const BRAND = Symbol.for('quadlet-cdk.PlainUnit');

/** Props every plain unit takes. */
export interface PlainUnitProps {
  /** The unit's base name: the file is `<name>.<type>`. @default - the construct id */
  readonly name?: string;
  /**
   * `[Unit] Description=`; `false` writes none (what an imported unit without one had).
   * @default - "<kind> <name>"
   */
  readonly description?: string | false;
  /**
   * `[Install]`, used by `systemctl --user enable`; `false` to leave it out. The site target
   * also pulls the unit in with `Wants=` (plain units are not enabled by the quadlet generator).
   * @default - WantedBy= the site target
   */
  readonly install?: InstallOptions | false;
}

/**
 * The base of `.service`, `.timer` and `.target` files that systemd reads directly. The quadlet
 * generator ignores these in its folder (generator rules D2), so they go to the systemd user
 * unit folder (area `systemd`).
 */
export abstract class PlainUnit extends Resource {
  public static isPlainUnit(x: unknown): x is PlainUnit {
    return typeof x === 'object' && x !== null && (x as any)[BRAND] === true;
  }

  /** `service`, `timer` or `target`. */
  public abstract readonly unitType: 'service' | 'timer' | 'target';
  public readonly name: string;
  protected readonly plainProps: PlainUnitProps;
  private readonly raw: Array<{ section: string; key: string; value: string }> = [];

  protected constructor(scope: Construct, id: string, props: PlainUnitProps) {
    super(scope, id);
    Object.defineProperty(this, BRAND, { value: true });
    this.plainProps = props;
    this.name = props.name ?? id;
  }

  public get kind(): string {
    return this.unitType;
  }

  /** The file name, e.g. `sodiwin-etl.timer`. */
  public get unitFileName(): string {
    return `${this.name}.${this.unitType}`;
  }

  /**
   * Escape hatch: write `key=value` into `section` as given, after the typed entries (a key the
   * props do not cover). A value with a line break or control character is refused (UNIT002).
   */
  public addEntry(section: string, key: string, value: string): void {
    this.raw.push({ section, key, value });
  }

  /** Whether the site target should pull this unit in (`Wants=`). */
  public get joinsTarget(): boolean {
    return this.plainProps.install !== false;
  }

  public validate(ctx: ValidationContext): void {
    const own = nameProblem(this.name, 'unit name', `.${this.unitType}`);
    if (own?.code === 'NAME001') ctx.report('UNIT001', `"${escapeControls(this.name)}" is not a valid unit name`);
    else if (own) ctx.report(own.code, own.message);
    checkInstall(this.installOptions(), ctx.site, ctx.report);
    for (const e of this.raw) {
      if (![e.section, e.key, e.value].every((x) => controlCharIn(x) === undefined) || !/^[A-Za-z][A-Za-z0-9-]*$/.test(e.key)) {
        ctx.report('UNIT002', `raw entry [${escapeControls(e.section)}] ${escapeControls(e.key)}= cannot be written: a key is letters, digits and "-", and no part may hold a line break or control character`);
      }
    }
  }

  /** The unit's own sections, in order, after `[Unit]` and before `[Install]`. */
  protected abstract fill(file: UnitFile, put: PutFn): void;

  /** `[Unit]` entries a subclass adds after Description (dependencies). */
  protected unitEntries(_put: PutFn): void {}

  protected installOptions(): InstallOptions | undefined {
    const i = this.plainProps.install;
    if (i === false) return undefined;
    return { wantedBy: i?.wantedBy ?? [this.site.installTarget], requiredBy: i?.requiredBy, alias: i?.alias };
  }

  public render(ctx: RenderContext): void {
    const file = new UnitFile();
    const put = makePut(file, ctx.report);
    if (this.plainProps.description !== false) put('Unit', 'Description', 'text', this.plainProps.description ?? describeUnit(this, this.kind, this.name));
    this.unitEntries(put);
    const partOf = this.site.partOfTarget;
    if (partOf && partOf !== this.unitFileName) file.add('Unit', 'PartOf', encodeUnitList([partOf]));
    this.fill(file, put);
    renderInstall(file, this.installOptions());
    for (const e of this.raw) if (controlCharIn(e.section + e.key + e.value) === undefined) file.add(e.section, e.key, e.value);
    ctx.emit('systemd', this.unitFileName, renderUnitFile(file, headerFor(this.node.path)));
  }
}

/** Encode one value for its parse mode and add it; report what cannot be written (UNIT002). */
export type PutFn = (section: string, key: string, mode: ParseMode, value: EncodableValue | undefined) => void;

function makePut(file: UnitFile, report: Reporter): PutFn {
  return (section, key, mode, value) => {
    if (value === undefined) return;
    const encoded = encodeValue(mode, value);
    if (!encoded.ok) {
      report('UNIT002', `${key}=: ${encoded.error}`);
      return;
    }
    for (const line of encoded.lines) file.add(section, key, line);
  };
}
