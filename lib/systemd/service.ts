import { Construct } from 'constructs';
import { ValidationContext } from '../core/resource';
import { orderAfter } from '../core/synth-order';
import { Dependency, DependencyList, DependencyOptions, dependencySpec, DependsOn } from '../quadlet/dependency';
import { SystemdText, UnitValue } from '../render/systemd-value';
import { UnitFile } from '../render/unit-file';
import { EnvFile } from '../quadlet/env-file';
import { IServiceUnit, restartEntries, RestartPolicy } from '../quadlet/unit';
import { ContainerJob, HostCommand, IJob } from './job';
import './checks';
import { PlainUnit, PlainUnitProps, PutFn } from './plain-unit';

export interface ServiceProps extends PlainUnitProps {
  /**
   * A host command to run: `[home('.local/bin/sodimo-email-drain')]`. Shorthand for
   * `job: new HostCommand({ argv: exec, envFiles, environment })`.
   * @default - none; give `exec` or `job`
   */
  readonly exec?: UnitValue[];
  /** With `exec`: env files systemd reads (`EnvironmentFile=`). @default - none */
  readonly envFiles?: EnvFile[];
  /** With `exec`: non-secret variables (`Environment=`). @default - none */
  readonly environment?: Record<string, UnitValue>;
  /** What to run: a HostCommand or a ContainerJob. @default - none; give `exec` or `job` */
  readonly job?: IJob;
  /**
   * `Type=`. `exec` reports a missing binary as a failed start; `oneshot` is for jobs that run
   * to completion (timers).
   * @default 'exec'
   */
  readonly type?: 'simple' | 'exec' | 'oneshot' | 'notify';
  /**
   * systemd's `Restart=`.
   * @default 'on-failure' for long-running services, none for oneshot ones
   */
  readonly restart?: RestartPolicy;
  /**
   * Seconds between restarts. systemd's 100ms burns through the start limit (5 starts in 10s)
   * within a second when a dependency is down, and then gives up for good.
   * @default 5 when the service restarts (RESTART_DEFAULTS)
   */
  readonly restartSec?: number;
  /** `StartLimitIntervalSec=`: the window starts are counted in (0: no limit). @default 600 when the service restarts (RESTART_DEFAULTS) */
  readonly startLimitIntervalSec?: number;
  /** `StartLimitBurst=`: starts allowed in the window before the service is failed. @default 5 when the service restarts (RESTART_DEFAULTS) */
  readonly startLimitBurst?: number;
  /** Seconds a start may take; a oneshot job's whole run counts as its start. @default - systemd's (90s; infinity for oneshot) */
  readonly timeoutStartSec?: number;
  /** `WorkingDirectory=`. @default - the user's home for user units */
  readonly workingDirectory?: UnitValue;
  /**
   * Units to start after, each a unit (strength `requires`) or `{ unit, strength, ready }`:
   * `Requires=`/`Wants=`/`BindsTo=` + `After=`. See `dependsOn()`.
   * @default - none
   */
  readonly dependsOn?: DependsOn[];
}

/**
 * A plain systemd service (not a quadlet): a host script such as a queue drain, or the oneshot
 * a Timer starts. `sodimo-email-drain.service` in the user unit folder.
 */
export class Service extends PlainUnit implements IServiceUnit {
  public readonly unitType = 'service' as const;
  public readonly props: ServiceProps;
  /** What the service runs (undefined when neither `exec` nor `job` was given). */
  public readonly job?: IJob;
  private readonly deps: DependencyList;

  public constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id, props);
    this.props = props;
    this.job = props.job ?? (props.exec ? new HostCommand({ argv: props.exec, envFiles: props.envFiles, environment: props.environment }) : undefined);
    if (this.job instanceof ContainerJob) this.job.defaultName = this.name;
    this.deps = new DependencyList(this);
    for (const d of props.dependsOn ?? []) {
      const spec = dependencySpec(d);
      this.dependsOn(spec.unit, spec);
    }
    // Networks, volumes and image pulls the job cannot run without.
    for (const u of this.job?.requires ?? []) this.dependsOn(u, { strength: 'requires' });
    for (const f of this.job?.serviceEnvFiles ?? []) orderAfter(this, f);
  }

  /**
   * Start after `unit`, and say how hard this service needs it (see DependencyStrength):
   * `Requires=` (default), `Wants=` or `BindsTo=`, and `After=`, on `unit`'s service.
   */
  public dependsOn(unit: IServiceUnit, options: DependencyOptions = {}): void {
    this.deps.add(unit, options);
  }

  /** What this service starts after, and how, by service name. */
  public get dependencies(): Dependency[] {
    return this.deps.all;
  }

  public get serviceName(): string {
    return this.unitFileName;
  }

  private get oneshot(): boolean {
    return this.props.type === 'oneshot';
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    const p = this.props;
    if ((p.exec !== undefined) === (p.job !== undefined)) {
      ctx.report('UNIT006', p.exec ? `service ${this.name} has both exec and job` : `service ${this.name} has no command`);
    }
    if (p.job && (p.envFiles || p.environment)) {
      ctx.report('UNIT006', `service ${this.name}: envFiles and environment go on the job when job is given`, 'set them on the HostCommand or ContainerJob');
    }
    this.job?.validate(ctx.site, ctx.report);
    this.deps.validate(ctx.site, ctx.report);
  }

  protected unitEntries(put: PutFn): void {
    for (const [key, value] of this.deps.unitEntries()) put('Unit', key, 'text', new SystemdText(value));
  }

  protected fill(file: UnitFile, put: PutFn): void {
    const p = this.props;
    const restart = p.restart ?? (this.oneshot ? undefined : 'on-failure');
    file.add('Service', 'Type', p.type ?? 'exec');
    put('Service', 'WorkingDirectory', 'text', p.workingDirectory);
    // EnvironmentFile= takes specifiers (%h) but no $ expansion: text mode.
    for (const f of this.job?.serviceEnvFiles ?? []) put('Service', 'EnvironmentFile', 'text', f.hostPath);
    const env = this.job?.serviceEnvironment ?? {};
    if (Object.keys(env).length) put('Service', 'Environment', 'env', Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1))));
    if (this.job) put('Service', 'ExecStart', 'exec', this.job.commandLine(this.site));
    if (restart && restart !== 'no') file.add('Service', 'Restart', restart);
    for (const [section, key, value] of restartEntries(restart, p)) put(section, key, 'int', value);
    put('Service', 'TimeoutStartSec', 'int', p.timeoutStartSec);
  }
}
