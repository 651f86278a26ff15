import { Site } from '../core/site';
import { Caddy } from '../caddy/caddy';
import { UnitValue } from '../render/systemd-value';
import { Container } from '../quadlet/container';
import { DependencyStrength } from '../quadlet/dependency';
import { Kube } from '../quadlet/kube';
import { Pod } from '../quadlet/pod';
import { ContainerJob, IJob } from '../systemd/job';
import { Service } from '../systemd/service';
import { Timer } from '../systemd/timer';
import {
  commandText, containerNeeds, envText, FileRecord, imageText, mountsText, portsText, secretsText, sourcesOf,
} from './facts';
import { bullet, byText, code, oneLine } from './markdown';
import { RouteHop, routingOf } from './routing';
import { DocUnit, jobEnvFiles } from './units';

/** What every section reads besides its unit. */
export interface SectionContext {
  /** The site being documented. */
  readonly site: Site;
  /** The site's rendered files, docs excluded, sorted by path. */
  readonly files: readonly FileRecord[];
  /** Every route, hostname by hostname. */
  readonly hops: readonly RouteHop[];
  /** The site's Caddy instances. */
  readonly caddies: readonly Caddy[];
  /** The site's units, in document order. */
  readonly units: readonly DocUnit[];
}

/** `### <unit file>` and its bullets, in the chapter's order. */
export function renderUnitSection(u: DocUnit, ctx: SectionContext): string[] {
  const lines = [`### ${u.fileName}`, ''];
  const put = (label: string, value: string) => lines.push(bullet(label, value));
  const c = u.construct;
  const role = u.about.role ?? 'not documented';
  put('Upstream', u.about.upstream ?? 'not documented');

  if (c instanceof Container) {
    put('Image', imageText(c.props.image, c.props));
    put('Role', role);
    if (c.props.entrypoint !== undefined || c.props.command !== undefined) put('Command', containerCommand(c));
    put('Ports', portsText(c));
    put('Routing', routingOf(c, ctx.hops, ctx.caddies));
    put('Env', envText(c.environment, c.envFiles, c.props.notSecret));
    put('Secrets', secretsText(c.envFiles, c.secretMounts, c.composedEnv));
    if (c.props.volumes?.length) put('Mounts', mountsText(c.props.volumes));
    put('Depends on', dependsText(u, containerNeeds(c)));
  } else if (c instanceof Pod || c instanceof Kube) {
    put('Role', role);
    if (c instanceof Pod) {
      const members = ctx.units.filter((m) => m.construct instanceof Container && m.construct.props.pod === c).map((m) => code(m.fileName));
      put('Members', members.length ? members.join(', ') : 'none');
    } else {
      put('YAML', c.yamlFiles.map((y) => code(String(y))).join(', ') || 'none');
    }
    put('Ports', portsText(c));
    put('Routing', routingOf(c, ctx.hops, ctx.caddies));
    if (c instanceof Pod && c.props.volumes?.length) put('Mounts', mountsText(c.props.volumes));
    put('Depends on', dependsText(u, c.networks.map((n) => `network ${code(n.networkName)}`)));
  } else if (c instanceof Timer) {
    const job = c.service.job;
    if (job instanceof ContainerJob) put('Image', imageText(job.props.image, job.props));
    put('Role', role);
    put('Schedule', scheduleText(c));
    put('Dispatch', `${code(c.unitFileName)} → ${code(c.service.serviceName)} → ${job ? commandText(job.commandLine(ctx.site)) : 'nothing (no job)'}`);
    putJob(put, job);
    put('Depends on', dependsText(u, []));
  } else if (c instanceof Service) {
    if (c.job instanceof ContainerJob) put('Image', imageText(c.job.props.image, c.job.props));
    put('Role', role);
    const type = c.props.type ?? 'exec';
    const restart = c.props.restart ?? (type === 'oneshot' ? undefined : 'on-failure');
    put('Runs', `${c.job ? commandText(c.job.commandLine(ctx.site)) : 'nothing (no command)'} (Type=${type}${restart && restart !== 'no' ? `, Restart=${restart}` : ''})`);
    putJob(put, c.job);
    put('Depends on', dependsText(u, []));
  }

  const sources = sourcesOf(u.sources, ctx.files, ctx.site);
  put('Source', sources.length ? sources.map(code).join(' · ') : 'none');
  const notes = u.about.notes ?? [];
  if (notes.length === 1) put('Notes', notes[0]);
  if (notes.length > 1) lines.push('- **Notes**', ...notes.map((n) => `  - ${oneLine(n)}`));
  const deviations = u.about.deviations ?? [];
  if (deviations.length === 1) put('Deviation', deviations[0]);
  if (deviations.length > 1) lines.push('- **Deviations**', ...deviations.map((n) => `  - ${oneLine(n)}`));
  return lines;
}

/** Env, secrets and mounts of a job (timers and services). */
function putJob(put: (label: string, value: string) => void, job: IJob | undefined): void {
  const envFiles = jobEnvFiles(job);
  const environment: Record<string, UnitValue> = job instanceof ContainerJob ? job.props.environment ?? {} : job?.serviceEnvironment ?? {};
  put('Env', envText(environment, envFiles));
  put('Secrets', secretsText(envFiles));
  if (job instanceof ContainerJob && job.props.volumes?.length) put('Mounts', mountsText(job.props.volumes));
}

function scheduleText(t: Timer): string {
  const parts = [`${t.calendars.map((e) => code(`OnCalendar=${e}`)).join(' and ') || 'no OnCalendar'}`];
  if (t.props.persistent ?? true) parts.push('catches up after downtime (Persistent=true)');
  if (t.props.randomizedDelaySec !== undefined) parts.push(`up to ${t.props.randomizedDelaySec} s random delay`);
  if (t.props.timeoutSec !== undefined) parts.push(`stopped after ${t.props.timeoutSec} s`);
  return parts.join('; ');
}

function containerCommand(c: Container): string {
  const ep = c.props.entrypoint;
  const parts: string[] = [];
  if (ep !== undefined) parts.push(`entrypoint ${commandText(typeof ep === 'string' ? [ep] : ep)}`);
  if (c.props.command !== undefined) parts.push(`arguments ${commandText(c.props.command)}`);
  return parts.join(', ');
}

/** Dependencies by strength (required, bound, wanted, order only), then what the unit kind adds (networks, volumes, pod, image). */
function dependsText(u: DocUnit, extra: string[]): string {
  const parts: string[] = [];
  for (const strength of STRENGTH_ORDER) {
    for (const d of u.dependencies.filter((x) => x.strength === strength).sort((a, b) => byText(a.unit.serviceName, b.unit.serviceName))) {
      const notes = [STRENGTH_NOTE[strength], d.ready === 'healthy' ? 'once healthy' : undefined].filter((n) => n !== undefined);
      parts.push(`${code(d.unit.serviceName)}${notes.length ? ` (${notes.join(', ')})` : ''}`);
    }
  }
  parts.push(...extra);
  return parts.length ? parts.join(', ') : 'none';
}

const STRENGTH_ORDER: DependencyStrength[] = ['requires', 'bindsTo', 'wants', 'orderOnly'];
const STRENGTH_NOTE: Record<DependencyStrength, string | undefined> = { requires: undefined, bindsTo: 'bound', wants: 'wanted', orderOnly: 'order only' };
