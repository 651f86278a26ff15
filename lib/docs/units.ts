import { IConstruct } from 'constructs';
import { About, Docs } from '../core/about';
import { Resource, resourcesIn } from '../core/resource';
import { Site } from '../core/site';
import { Container } from '../quadlet/container';
import { EnvFile } from '../quadlet/env-file';
import { Kube } from '../quadlet/kube';
import { Pod } from '../quadlet/pod';
import { Dependency } from '../quadlet/dependency';
import { ContainerJob, IJob } from '../systemd/job';
import { Service } from '../systemd/service';
import { Target } from '../systemd/target';
import { Timer } from '../systemd/timer';
import { byText } from './markdown';

/** The units the docs give a section (containers, pods, kube units, timers, services) or a box (the target). */
export type DocUnitKind = 'container' | 'pod' | 'kube' | 'timer' | 'service' | 'target';

/** One unit as the docs see it, with everything read from the tree once. */
export interface DocUnit {
  /** What kind of unit it is (container, pod, kube, timer, service, target). */
  readonly kind: DocUnitKind;
  /** The construct: a Container, Pod, Kube, Timer, Service or Target. */
  readonly construct: Resource;
  /** The unit file: `web.container`, `etl.timer`. */
  readonly fileName: string;
  /** The systemd service others depend on (a timer: its oneshot service). */
  readonly serviceName: string;
  /**
   * Constructs whose subtrees wrote this unit's files: the unit, or the construct that wraps it
   * (Caddy, LlamaSwap, LiteLlm), and the env files it reads.
   */
  readonly sources: IConstruct[];
  /** Docs.of(unit), over Docs.of(wrapper); notes of both. */
  readonly about: About;
  /** What it starts after, and how hard it needs each (`Requires=`, `Wants=`, `BindsTo=`, `After=`). */
  readonly dependencies: Dependency[];
  /** Whether the site target starts it. */
  readonly joinsTarget: boolean;
  /** Env files it (or its job) reads. */
  readonly envFiles: EnvFile[];
}

const KIND_ORDER: DocUnitKind[] = ['container', 'pod', 'kube', 'timer', 'service', 'target'];

/** Every documented unit of `site`, by kind (in KIND_ORDER) then by file name. */
export function collectUnits(site: Site): DocUnit[] {
  const out: DocUnit[] = [];
  for (const r of resourcesIn(site)) {
    const unit = docUnitOf(r, site);
    if (unit) out.push(unit);
  }
  return out.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || byText(a.fileName, b.fileName));
}

/** The job's env files: a ContainerJob's go to podman, a HostCommand's to systemd. */
export function jobEnvFiles(job: IJob | undefined): EnvFile[] {
  if (!job) return [];
  return job instanceof ContainerJob ? job.props.envFiles ?? [] : job.serviceEnvFiles;
}

function docUnitOf(r: Resource, site: Site): DocUnit | undefined {
  if (r instanceof Container || r instanceof Pod || r instanceof Kube) {
    const wrapper = wrapperOf(r, site);
    const envFiles = r instanceof Container ? r.envFiles : [];
    return {
      kind: r instanceof Container ? 'container' : r instanceof Pod ? 'pod' : 'kube',
      construct: r,
      fileName: r.unitFileName,
      serviceName: r.serviceName,
      sources: [wrapper ?? r, ...envFiles],
      about: aboutOf(r, wrapper),
      dependencies: r.dependencies,
      joinsTarget: r.props.install !== false,
      envFiles,
    };
  }
  if (r instanceof Timer) {
    const job = r.service.job;
    return {
      kind: 'timer',
      construct: r,
      fileName: r.unitFileName,
      serviceName: r.service.serviceName,
      sources: [r, ...jobEnvFiles(job)],
      about: aboutOf(r, undefined),
      dependencies: r.service.dependencies,
      joinsTarget: r.joinsTarget,
      envFiles: jobEnvFiles(job),
    };
  }
  if (r instanceof Service && !(r.node.scope instanceof Timer)) {
    return {
      kind: 'service',
      construct: r,
      fileName: r.unitFileName,
      serviceName: r.serviceName,
      sources: [r, ...jobEnvFiles(r.job)],
      about: aboutOf(r, undefined),
      dependencies: r.dependencies,
      joinsTarget: r.joinsTarget,
      envFiles: jobEnvFiles(r.job),
    };
  }
  if (r instanceof Target) {
    return {
      kind: 'target', construct: r, fileName: r.unitFileName, serviceName: r.unitFileName, sources: [r],
      about: aboutOf(r, undefined), dependencies: [], joinsTarget: false, envFiles: [],
    };
  }
  return undefined;
}

/** The resource a unit was made inside (Caddy, LlamaSwap, LiteLlm), if any. */
function wrapperOf(r: Resource, site: Site): Resource | undefined {
  const parent = r.node.scope;
  return parent && parent !== site && Resource.isResource(parent) ? parent : undefined;
}

function aboutOf(r: IConstruct, wrapper: IConstruct | undefined): About {
  const outer = wrapper ? Docs.of(wrapper) ?? {} : {};
  const own = Docs.of(r) ?? {};
  const notes = [...(outer.notes ?? []), ...(own.notes ?? [])];
  const deviations = [...(outer.deviations ?? []), ...(own.deviations ?? [])];
  return { upstream: own.upstream ?? outer.upstream, role: own.role ?? outer.role, notes: notes.length ? notes : undefined, deviations: deviations.length ? deviations : undefined };
}
