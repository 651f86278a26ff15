import type { IContainer } from 'kubernetes-models/v1/Container';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import { Reporter } from '../core/diagnostics';
import { literalOf } from '../render/systemd-value';
import { dependencySpec } from '../quadlet/dependency';
import { ContainerJob } from '../systemd/job';
import { Timer } from '../systemd/timer';
import { NAME_LABEL } from './manifests';
import { isDnsLabel, PodBuilder, pullPolicy } from './pod';
import { reportUnmapped } from './props';
import { toCron } from './schedule';
import { SiteState } from './state';
import { waitForDependency } from './workloads';

/**
 * A Timer running a ContainerJob becomes one CronJob per calendar expression, with the same
 * schedule and `timeZone`. Runs never overlap (a oneshot service is not started twice) and a
 * failed run is not retried (systemd does not retry either). A HostCommand has no cluster
 * equivalent (K8S006).
 */
export function renderTimer(state: SiteState, t: Timer, report: Reporter): void {
  const what = `timer ${t.name}`;
  reportUnmapped('timer', t.props, report, what);
  const job = t.props.job;
  if (!(job instanceof ContainerJob)) {
    report('K8S006', `${what} runs a host command, which has no cluster equivalent`);
    return;
  }
  if (!isDnsLabel(t.name) || t.name.length > 52) {
    report('K8S001', `"${t.name}" is not a DNS-1123 label of at most 52 characters (the CronJob name limit)`);
    return;
  }
  reportUnmapped('container-job', job.props, report, `${what} job`);
  const b = new PodBuilder(state, t.name);
  const p = job.props;
  const k: IContainer = { name: p.containerName ?? t.name, image: b.imageOf(p.image, report, what) };
  if (p.entrypoint !== undefined) k.command = [p.entrypoint];
  if (p.command?.length) k.args = p.command.map(literalOf);
  if (p.pull !== undefined) k.imagePullPolicy = pullPolicy(p.pull);
  b.addEnv(k, t.name, t.node.path, p.environment ?? {}, p.envFiles ?? [], p.secrets ?? [], report, what);
  b.addMounts(k, p.volumes ?? [], report, what, t.node.path);
  const sec: ISecurityContext = {};
  if (p.user !== undefined) b.applyUser(sec, p.user, undefined, report, what);
  if (Object.keys(sec).length) k.securityContext = sec;
  b.containers.push(k);
  for (const dep of t.props.dependsOn ?? []) waitForDependency(b, dependencySpec(dep).unit, report, what);
  if (state.opts.keepPlacement) b.pin(state.nodeName);
  if (t.props.description) b.annotations['quadlet-cdk.io/description'] = t.props.description;
  const template = b.template({});
  const spec = template.spec!;
  const calendars = t.calendars;
  if (calendars.length > 1) report('K8S023', `${what} has ${calendars.length} calendar expressions: one CronJob each`);
  calendars.forEach((expr, i) => {
    const cron = toCron(expr);
    if (!cron.ok) {
      report('K8S008', `${what}: OnCalendar=${expr} has no cron equivalent (${cron.error}); no CronJob is written for it`);
      return;
    }
    if (!cron.timeZone) report('K8S009', `${what}: OnCalendar=${expr} names no time zone; the CronJob runs in the controller's zone`);
    const name = i === 0 ? t.name : `${t.name}-${i + 1}`;
    const m = state.manifests;
    m.add({
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: m.meta(name, { [NAME_LABEL]: t.name }),
      spec: {
        schedule: cron.schedule,
        ...(cron.timeZone ? { timeZone: cron.timeZone } : {}),
        concurrencyPolicy: 'Forbid',
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            ...(t.props.timeoutSec !== undefined ? { activeDeadlineSeconds: t.props.timeoutSec } : {}),
            template: { ...template, spec: { ...spec, restartPolicy: 'Never' } },
          },
        },
      },
    }, t.node.path);
  });
}
