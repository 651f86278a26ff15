import { Reporter } from '../core/diagnostics';
import { checkUnitList, encodeUnitList, escapeControls } from '../core/names';
import { Resource } from '../core/resource';
import type { Site } from '../core/site';
import { orderAfter } from '../core/synth-order';
import './codes';
import { UNIT_DEPENDENCY_TRANSLATION_SINCE } from './generator-rules';
import { compareVersions } from './keys';

/** Anything that runs as a systemd service and can be depended on. */
export interface IServiceUnit {
  /** The generated or written systemd unit, e.g. `litellm.service`. */
  readonly serviceName: string;
}

/**
 * A quadlet unit managed outside the site (`QuadletUnit.fromFileName`): quadlet units of the site
 * name it by its file (`Requires=db.container`), which the generator translates into its service.
 */
export interface IQuadletUnitRef extends IServiceUnit {
  /** The quadlet file name, e.g. `db.container` or `edge.network`. */
  readonly quadletFileName: string;
}

/** The file name extensions of quadlet units, which the generator translates in `[Unit]` lists. */
export const QUADLET_UNIT_FILE = /^(?<base>.+)\.(?<kind>container|volume|network|pod|image|build|kube|artifact)$/;

function isQuadletRef(u: IServiceUnit): u is IQuadletUnitRef {
  return typeof (u as Partial<IQuadletUnitRef>).quadletFileName === 'string';
}

/**
 * How hard a unit needs another one. Every strength also orders the unit after the other
 * (`After=`); they differ in what a start, stop or restart of the other unit does to this one.
 *
 * | strength | written | the other unit is restarted or stopped | the other unit fails to start |
 * |---|---|---|---|
 * | `requires` | `Requires=` + `After=` | this unit is restarted or stopped too | this unit does not start |
 * | `bindsTo` | `BindsTo=` + `After=` | as `requires`, and this unit also stops when the other one stops by itself (crash, exit) | this unit does not start |
 * | `wants` | `Wants=` + `After=` | nothing happens to this unit | this unit starts anyway |
 * | `orderOnly` | `After=` | nothing; starting this unit does not start the other one either | this unit starts anyway |
 */
export type DependencyStrength = 'requires' | 'wants' | 'bindsTo' | 'orderOnly';

/**
 * When the other unit counts as up: `started` (its process runs) or `healthy` (its health check
 * passed once: `Notify=healthy` on the other container, podman >= 5.0).
 */
export type Readiness = 'started' | 'healthy';

/** How a unit depends on another. */
export interface DependencyOptions {
  /**
   * How hard the need is (see DependencyStrength).
   * @default 'requires' (a Timer's dependsOn: 'orderOnly', so a timer firing never starts a unit an admin stopped)
   */
  readonly strength?: DependencyStrength;
  /**
   * Wait until the other unit is started, or until its health check passed. `healthy` needs a
   * Container with a health check (`healthCmd`) and podman >= 5.0.
   * @default 'started'
   */
  readonly ready?: Readiness;
}

/** A dependency written in props: the unit and how this one depends on it. */
export interface DependencySpec extends DependencyOptions {
  /** The unit to start after. */
  readonly unit: IServiceUnit;
}

/** What `dependsOn` props take: a unit (with the default strength) or a unit with options. */
export type DependsOn = IServiceUnit | DependencySpec;

/** One edge, as written into the unit. */
export interface Dependency {
  /** The unit depended on. */
  readonly unit: IServiceUnit;
  /** How hard the need is. */
  readonly strength: DependencyStrength;
  /** What the dependent waits for: started, or healthy. */
  readonly ready: Readiness;
}

/** A unit that can report health: a Container. */
export interface IHealthReporter extends IServiceUnit {
  /** Whether it has a health check to wait for. */
  readonly hasHealthCheck: boolean;
  /** A dependent waits for it to be healthy: it writes `Notify=healthy` (podman >= 5.0). */
  notifyWhenHealthy(): void;
}

/** The podman release that added `Notify=healthy`. */
export const NOTIFY_HEALTHY_SINCE = '5.0.0';

/** From the weakest to the strongest: adding a unit twice keeps the stronger strength. */
const RANK: Record<DependencyStrength, number> = { orderOnly: 0, wants: 1, requires: 2, bindsTo: 3 };
/** The order the keys are written in, and the order of the `After=` list. */
const KEY_ORDER: DependencyStrength[] = ['requires', 'bindsTo', 'wants', 'orderOnly'];
const KEY: Record<DependencyStrength, string | undefined> = { requires: 'Requires', bindsTo: 'BindsTo', wants: 'Wants', orderOnly: undefined };

function isHealthReporter(u: IServiceUnit): u is IHealthReporter {
  return typeof (u as Partial<IHealthReporter>).notifyWhenHealthy === 'function';
}

function isSpec(d: DependsOn): d is DependencySpec {
  return typeof d === 'object' && d !== null && !('serviceName' in d) && 'unit' in d;
}

/** A `dependsOn` entry as unit and options. */
export function dependencySpec(d: DependsOn): DependencySpec {
  return isSpec(d) ? d : { unit: d };
}

/**
 * The dependencies of one unit (Container, Pod, Service, ...): what it starts after and how
 * hard it needs each. Adding a unit twice keeps the stronger strength and the stricter readiness.
 */
export class DependencyList {
  private readonly byService = new Map<string, Dependency>();

  /**
   * @param owner the unit that depends; also rendered after each dependency that is a resource
   * @param defaultStrength the strength when the options give none
   * @param quadletNames the owner is a quadlet unit: a unit outside the site referenced by its
   *   quadlet file (`IQuadletUnitRef`) is written by that name, which the generator translates
   */
  public constructor(private readonly owner: Resource, private readonly defaultStrength: DependencyStrength = 'requires', private readonly quadletNames = false) {}

  /**
   * The name written for `unit`: its service; for an outside quadlet unit, its file name when the
   * owner is a quadlet unit and the generator translates such names (podman 5.5).
   */
  private nameOf(unit: IServiceUnit): string {
    const translated = this.quadletNames && compareVersions(this.owner.site.podmanVersion, UNIT_DEPENDENCY_TRANSLATION_SINCE) >= 0;
    return translated && isQuadletRef(unit) ? unit.quadletFileName : unit.serviceName;
  }

  /** The quadlet files named in the unit (outside quadlet units written by file name). */
  public get quadletFilesNamed(): string[] {
    return [...this.byService.keys()].filter((k) => QUADLET_UNIT_FILE.test(k));
  }

  public add(unit: IServiceUnit, options: DependencyOptions = {}): void {
    const strength = options.strength ?? this.defaultStrength;
    const ready = options.ready ?? 'started';
    const prior = this.byService.get(this.nameOf(unit));
    this.byService.set(this.nameOf(unit), {
      unit,
      strength: prior && RANK[prior.strength] > RANK[strength] ? prior.strength : strength,
      ready: prior?.ready === 'healthy' ? 'healthy' : ready,
    });
    if (ready === 'healthy' && isHealthReporter(unit) && compareVersions(this.owner.site.podmanVersion, NOTIFY_HEALTHY_SINCE) >= 0) unit.notifyWhenHealthy();
    if (Resource.isResource(unit)) orderAfter(this.owner, unit);
  }

  /** Every dependency, by the name written (the service name, or an outside quadlet unit's file name). */
  public get all(): Dependency[] {
    return [...this.byService.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
  }

  /** `[Unit]` entries: `Requires=`, `BindsTo=`, `Wants=` (one line each), then `After=` over all. */
  public unitEntries(): Array<[string, string]> {
    const all = this.all;
    const out: Array<[string, string]> = [];
    const after: string[] = [];
    for (const strength of KEY_ORDER) {
      const names = all.filter((d) => d.strength === strength).map((d) => this.nameOf(d.unit));
      const key = KEY[strength];
      if (key && names.length) out.push([key, encodeUnitList(names)]);
      after.push(...names);
    }
    if (after.length) out.push(['After', encodeUnitList(after)]);
    return out;
  }

  /** DEP002 (podman too old for `healthy`), DEP003 (nothing to wait for). */
  public validate(site: Site, report: Reporter): void {
    checkUnitList(report, this.all.filter((d) => !isQuadletRef(d.unit)).map((d) => d.unit.serviceName), 'dependency');
    for (const d of this.all.filter((x) => isQuadletRef(x.unit))) {
      const file = (d.unit as IQuadletUnitRef).quadletFileName;
      // The service name is checked as any; the file needs a quadlet extension.
      if (!QUADLET_UNIT_FILE.test(file)) report('NAME001', `dependency "${escapeControls(file)}" is not a quadlet unit file name (name.container, name.kube, name.network, ...)`);
      else checkUnitList(report, [d.unit.serviceName], 'dependency');
    }
    for (const d of this.all) {
      if (d.ready !== 'healthy') continue;
      const name = d.unit.serviceName;
      if (!isHealthReporter(d.unit)) {
        report('DEP003', `${this.ownerName} waits for ${name} to be healthy, but ${name} is not a container of this site and has no health check quadlet-cdk knows of`);
      } else if (!d.unit.hasHealthCheck) {
        report('DEP003', `${this.ownerName} waits for ${name} to be healthy, but ${name} has no health check`);
      } else if (compareVersions(site.podmanVersion, NOTIFY_HEALTHY_SINCE) < 0) {
        report('DEP002', `${this.ownerName} waits for ${name} to be healthy: Notify=healthy needs podman ${NOTIFY_HEALTHY_SINCE}, this site targets ${site.podmanVersion}; it waits for ${name} to be started instead`);
      }
    }
  }

  private get ownerName(): string {
    return (this.owner as unknown as { name?: string }).name ?? this.owner.node.id;
  }
}
