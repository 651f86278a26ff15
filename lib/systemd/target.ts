import { Construct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { resourcesIn, ValidationContext } from '../core/resource';
import { AUTO_UPDATE_TIMER, Container } from '../quadlet/container';
import { checkInstall, renderInstall } from '../quadlet/unit';
import { Site } from '../core/site';
import { UnitFile } from '../render/unit-file';
import './checks';
import { PlainUnit, PlainUnitProps, PutFn } from './plain-unit';

export interface TargetProps extends Omit<PlainUnitProps, 'install' | 'name'> {
  /** The target's base name: `<name>.target`. @default - the site's name */
  readonly name?: string;
  /**
   * Where the target itself is installed.
   * @default ['default.target']
   */
  readonly wantedBy?: string[];
}

/**
 * The site's target (`sodimo.target`), which every unit joins, so that
 * `systemctl --user enable --now sodimo.target` brings the whole stack up and
 * `systemctl --user stop sodimo.target` takes it down.
 *
 * - Quadlet units get `WantedBy=<target>` (the generator links them into `<target>.wants/`)
 *   and `PartOf=<target>`: the Target sets `site.installTarget` and `site.partOfTarget`, which
 *   units read when they render, so the Target may be created before or after them.
 * - Plain units (timers, services) are not enabled by any generator, so the target names
 *   them with `Wants=`; they also carry `WantedBy=` for a manual `systemctl enable`.
 */
export class Target extends PlainUnit {
  public readonly unitType = 'target' as const;
  private readonly wantedBy: string[];

  public constructor(scope: Construct, id: string, props: TargetProps = {}) {
    // Named after the site by default, so the construct id is free (a Network is often named so too).
    super(scope, id, { ...props, name: props.name ?? Site.of(scope).name, install: false });
    this.wantedBy = props.wantedBy ?? ['default.target'];
    const site = this.site;
    if (site.partOfTarget !== undefined && site.partOfTarget !== this.unitFileName) {
      Diagnostics.report(this, 'UNIT005', `site ${site.name} already has the target ${site.partOfTarget}`);
    } else {
      site.installTarget = this.unitFileName;
      site.partOfTarget = this.unitFileName;
    }
  }

  /** Targets join the site target only through their own [Install]. */
  public get joinsTarget(): boolean {
    return false;
  }

  protected unitEntries(put: PutFn): void {
    const members = resourcesIn(this.site)
      .filter((r): r is PlainUnit => PlainUnit.isPlainUnit(r) && r !== this && r.joinsTarget)
      .map((u) => u.unitFileName)
      .sort();
    // podman auto-update runs from its timer: the target wants it when a container asks for it.
    if (resourcesIn(this.site).some((r) => r instanceof Container && r.autoUpdated)) members.push(AUTO_UPDATE_TIMER);
    // Host units the site's containers need (podman.socket): enabling the target enables them too.
    const host = resourcesIn(this.site).flatMap((r) => (r as { readonly hostUnits?: unknown }).hostUnits)
      .filter((u): u is string => typeof u === 'string');
    const wants = [...new Set([...members, ...host])].sort();
    if (wants.length) put('Unit', 'Wants', 'text', wants.join(' '));
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    checkInstall({ wantedBy: this.wantedBy }, ctx.site, ctx.report);
  }

  protected fill(file: UnitFile): void {
    renderInstall(file, { wantedBy: this.wantedBy });
  }
}
