import { Construct } from 'constructs';
import { ValidationContext } from '../core/resource';
import { UnitFile } from '../render/unit-file';
import { IServiceUnit } from '../quadlet/unit';
import { parseCalendar } from './calendar';
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
  /** Units the job needs running: `Requires=` + `After=` on the service. @default - none */
  readonly dependsOn?: IServiceUnit[];
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
      dependsOn: props.dependsOn,
      install: false,
    });
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
    }
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
