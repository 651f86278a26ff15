import { Construct } from 'constructs';
import { ValidationContext } from '../core/resource';
import { UnitFile } from '../render/unit-file';
import { DependencyOptions, dependencySpec, DependsOn, IServiceUnit } from '../quadlet/dependency';
import { parseCalendar } from './calendar';
import { dstConflicts } from './dst';
import { IJob } from './job';
import './checks';
import { PlainUnit, PlainUnitProps, PutFn } from './plain-unit';
import { Service } from './service';

export interface TimerProps extends PlainUnitProps {
  /**
   * When to run, in systemd's calendar syntax with a time zone: `*-*-* 03:00:00 Europe/Paris`.
   * Several expressions run at the union of their times. Checked with systemd's grammar.
   */
  readonly onCalendar: string | string[];
  /** What the oneshot service runs: a ContainerJob (`podman run --rm`) or a HostCommand. */
  readonly job: IJob;
  /**
   * Run at the next start when the host was off (or the user logged out) at the scheduled
   * time, as a nightly ETL should.
   * @default true
   */
  readonly persistent?: boolean;
  /** Spread runs by up to this many seconds (`RandomizedDelaySec=`). @default - none */
  readonly randomizedDelaySec?: number;
  /** `AccuracySec=` in seconds; systemd coalesces wake-ups within it. @default - systemd's (60) */
  readonly accuracySec?: number;
  /** Seconds the job may run before systemd stops it (`TimeoutStartSec=` of the service). @default - no limit (oneshot) */
  readonly timeoutSec?: number;
  /**
   * Units the job runs after, on its service: a unit, or `{ unit, strength, ready }`. The
   * default strength is `orderOnly` (`After=` alone): a timer firing never starts, and never
   * restarts, a unit an admin stopped for maintenance. Give `strength: 'wants'` or
   * `'requires'` when the job should start it.
   * @default - none
   */
  readonly dependsOn?: DependsOn[];
}

/**
 * A plain systemd timer and the oneshot service it starts (`<name>.timer` + `<name>.service`
 * in the user unit folder; the quadlet generator ignores both in its own folder). The timer
 * joins the site target; the service does not (the timer starts it).
 */
export class Timer extends PlainUnit {
  public readonly unitType = 'timer' as const;
  public readonly props: TimerProps;
  /** The oneshot service the timer starts. */
  public readonly service: Service;

  public constructor(scope: Construct, id: string, props: TimerProps) {
    super(scope, id, props);
    this.props = props;
    this.service = new Service(this, 'Service', {
      name: this.name,
      description: props.description ? `${props.description} (job)` : `job ${this.name}`,
      type: 'oneshot',
      job: props.job,
      timeoutStartSec: props.timeoutSec,
      dependsOn: (props.dependsOn ?? []).map((d) => {
        const spec = dependencySpec(d);
        return { ...spec, strength: spec.strength ?? 'orderOnly' };
      }),
      install: false,
    });
  }

  /**
   * Run the job after `unit` (on the job's service). The default strength is `orderOnly`: the
   * timer firing never starts a unit an admin stopped. See DependencyStrength.
   */
  public dependsOn(unit: IServiceUnit, options: DependencyOptions = {}): void {
    this.service.dependsOn(unit, { ...options, strength: options.strength ?? 'orderOnly' });
  }

  /** The expressions as a list. */
  public get calendars(): string[] {
    const c = this.props.onCalendar;
    return Array.isArray(c) ? c : c === undefined ? [] : [c];
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    if (this.calendars.length === 0) ctx.report('TIMER003', `timer ${this.name} has no OnCalendar expression`);
    for (const expr of this.calendars) {
      const res = parseCalendar(expr);
      if (!res.ok) ctx.report('TIMER001', `OnCalendar=${expr}: ${res.error}`);
      else if (!res.timeZone) ctx.report('TIMER002', `OnCalendar=${expr} runs in the host's local time zone`, `e.g. OnCalendar=${res.normalized} Europe/Paris`);
      else this.checkDst(expr, ctx);
    }
  }

  /** TIMER004: the next year's daylight-saving changes that skip or repeat a run. */
  private checkDst(expr: string, ctx: ValidationContext): void {
    const hits = dstConflicts(expr, new Date());
    const gaps = hits.filter((h) => h.kind === 'gap');
    const overlaps = hits.filter((h) => h.kind === 'overlap');
    const parts: string[] = [];
    if (gaps.length) parts.push(`it does not run on ${gaps.map((h) => `${h.date} (clocks skip ${h.span})`).join(', ')}`);
    if (overlaps.length) parts.push(`it runs once, at the first of two ${overlaps[0].span} hours, on ${overlaps.map((h) => h.date).join(', ')}`);
    if (parts.length) ctx.report('TIMER004', `OnCalendar=${expr} falls in a daylight-saving change: ${parts.join('; ')}`);
  }

  protected fill(_file: UnitFile, put: PutFn): void {
    const p = this.props;
    for (const expr of this.calendars) put('Timer', 'OnCalendar', 'text', expr);
    put('Timer', 'Persistent', 'bool', p.persistent ?? true);
    put('Timer', 'RandomizedDelaySec', 'int', p.randomizedDelaySec);
    put('Timer', 'AccuracySec', 'int', p.accuracySec);
    put('Timer', 'Unit', 'text', this.service.serviceName);
  }
}
