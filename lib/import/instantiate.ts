import { Construct } from 'constructs';
import { Site } from '../core/site';
import { home, SystemdText } from '../render/systemd-value';
import { Artifact } from '../quadlet/artifact';
import { Build } from '../quadlet/build';
import { Container } from '../quadlet/container';
import { RootFs } from '../quadlet/rootfs';
import { EnvFile } from '../quadlet/env-file';
import { Image } from '../quadlet/image';
import { Kube } from '../quadlet/kube';
import { Network } from '../quadlet/network';
import { Pod } from '../quadlet/pod';
import { Secret } from '../quadlet/secret';
import { QuadletUnit } from '../quadlet/unit';
import { Service } from '../systemd/service';
import { Target } from '../systemd/target';
import { Volume } from '../quadlet/volume';
import { DropIn } from '../quadlet/drop-in';
import { ContainerTemplate, NetworkTemplate, VolumeTemplate } from '../quadlet/template';
import { Call, ConstructClass, Decl, dependencyOrder, propsOf, Ref, Shared, SiteModel, Value } from './model';

type Ctor = new (scope: Construct, id: string, props?: any) => Construct;

const CLASSES: Record<ConstructClass, Ctor> = {
  Container, Network, Volume, Pod, Build, Image, Kube, Artifact, EnvFile, Secret, Service, Target,
  ContainerTemplate, VolumeTemplate, NetworkTemplate, DropIn,
};

const CALLS: Record<Call['fn'], (...args: any[]) => unknown> = {
  'Network.fromName': (n: string) => Network.fromName(n),
  'Volume.fromName': (n: string) => Volume.fromName(n),
  'Container.fromName': (n: string) => Container.fromName(n),
  'QuadletUnit.fromFileName': (n: string) => QuadletUnit.fromFileName(n),
  'RootFs.at': (path: string, options?: { overlay?: boolean }) => RootFs.at(path, options),
  'home': (rest: string) => home(rest),
  'new SystemdText': (t: string) => new SystemdText(t),
};

/**
 * Builds the constructs a model describes into `scope` (an App), exactly as running the
 * generated TypeScript would: the import checks the site through this before it writes it.
 */
export function instantiate(model: SiteModel, scope: Construct): Site {
  const site = new Site(scope, model.siteName, resolve(model.siteProps, new Map()) as object);
  const built = new Map<Decl, Construct>();
  for (const d of dependencyOrder(model.decls)) {
    const c = new CLASSES[d.cls](site, d.id, resolve(propsOf(d), built));
    built.set(d, c);
    for (const [section, key, value] of d.entries) (c as QuadletUnit).addEntry(section, key, value);
    for (const i of d.instances) (c as ContainerTemplate).instance(i, { enabled: true });
  }
  return site;
}

function resolve(v: Value, built: Map<Decl, Construct>): unknown {
  if (v instanceof Ref) {
    const c = built.get(v.decl) as any;
    if (!c) throw new Error(`import model: ${v.decl.id} is used before it is declared`);
    if (!v.member) return c;
    return v.args ? c[v.member](...v.args) : c[v.member];
  }
  if (v instanceof Shared) return v.value;
  if (v instanceof Call) return CALLS[v.fn](...v.args.map((a) => resolve(a, built)));
  if (Array.isArray(v)) return (v as Value[]).map((x) => resolve(x, built));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, resolve(x as Value, built)]));
  }
  return v;
}
