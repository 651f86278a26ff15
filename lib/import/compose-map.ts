/**
 * A loaded compose project -> a site model: networks, volumes, secrets, then one Container per
 * active service (compose-service.ts), with values two services share named once.
 */
import * as path from 'path';
import { ComposeProject, keyValueMap } from './compose-load';
import { mapService } from './compose-service';
import { parseEnvFile } from './interpolate';
import { Call, Decl, ModelBuilder, Ref, Shared, SiteModel, unitOf, Value } from './model';
import { ReportBuilder } from './report';
import { composeProjectName, databasePattern, siteNameOf, unitNameOf } from './values';

/** How a compose project becomes a site. */
export interface ComposeMapOptions {
  /** The compose project name (resource names keep compose's `<project>_<name>`). @default - `name:`, else the folder name */
  readonly projectName?: string;
  /** The podman release the site targets: newer keys go through podmanArgs. @default '5.4.2' */
  readonly podmanVersion?: string;
  /** Paths under this folder are written as `home('...')`. @default - none */
  readonly homeDir?: string;
  /** Reads a file the project names (env files, config files); undefined when it is missing. */
  readonly readFile: (file: string) => string | undefined;
  /**
   * A `podman run` line rather than a project: services that name no network stay on podman's
   * default one, and the site gets no target of its own (lines are appended to a site).
   * @default false
   */
  readonly runLine?: boolean;
}

export function mapCompose(project: ComposeProject, options: ComposeMapOptions, report: ReportBuilder): SiteModel {
  const composeName = composeProjectName(options.projectName ?? project.name ?? path.basename(project.dir)) || 'site';
  const siteName = siteNameOf(composeName);
  const podmanVersion = options.podmanVersion ?? '5.4.2';
  const model = new ModelBuilder();
  const networks = new Map<string, Value>();
  const volumes = new Map<string, Value>();
  const secrets = new Map<string, Decl>();
  const services = project.services;

  // The default network compose gives services that name none.
  const needsDefault = !options.runLine && Object.values(services).some((s) => s.networks === undefined && (s.network_mode === undefined || s.network_mode === 'bridge'));
  const networkDecl = (key: string): Value => {
    const known = networks.get(key);
    if (known) return known;
    const cfg = project.networks[key] ?? {};
    const name = typeof cfg?.name === 'string' ? cfg.name : `${composeName}_${key}`;
    if (cfg?.external) {
      const v = new Call('Network.fromName', [typeof cfg.name === 'string' ? cfg.name : key]);
      networks.set(key, v);
      return v;
    }
    if (project.networks[key] === undefined && key !== 'default') report.add('IMPORT010', `networks.${key}`, undefined, `network ${key} is used but not declared; compose would refuse the file, the import declares it`);
    const props: Record<string, Value> = { networkName: name };
    const c = cfg ?? {};
    if (c.driver && c.driver !== 'bridge') props.driver = String(c.driver);
    if (c.internal) props.internal = true;
    if (c.enable_ipv6) props.ipv6 = true;
    const ipam = Array.isArray(c.ipam?.config) ? c.ipam.config : [];
    const subnets = ipam.map((x: any) => x?.subnet).filter((x: unknown) => typeof x === 'string');
    const gateways = ipam.map((x: any) => x?.gateway).filter((x: unknown) => typeof x === 'string');
    const ranges = ipam.map((x: any) => x?.ip_range).filter((x: unknown) => typeof x === 'string');
    if (subnets.length) props.subnet = subnets.length === 1 ? subnets[0] : subnets;
    if (gateways.length) props.gateway = gateways.length === 1 ? gateways[0] : gateways;
    if (ranges.length) props.ipRange = ranges;
    if (c.labels) props.label = Object.fromEntries(Object.entries(keyValueMap(c.labels)).map(([k, v]) => [k, v ?? '']));
    if (c.driver_opts) props.options = Object.fromEntries(Object.entries(c.driver_opts).map(([k, v]) => [k, String(v)]));
    if (key === 'default' && needsDefault) props.default = true;
    const id = key === 'default' ? siteName : unitNameOf(key);
    const decl = model.add('Network', id, props);
    decl.notes.push(`compose network ${key}`);
    for (const k of Object.keys(c)) {
      if (!['name', 'external', 'driver', 'internal', 'enable_ipv6', 'ipam', 'labels', 'driver_opts', 'attachable'].includes(k)) {
        decl.todos.push(`${k}: no .network key for it`);
        report.add('IMPORT003', `networks.${key}`, k, 'no .network key for it');
      }
    }
    const ref = new Ref(decl);
    networks.set(key, ref);
    return ref;
  };
  const volumeDecl = (key: string): Value => {
    const known = volumes.get(key);
    if (known) return known;
    const declared = key in project.volumes;
    const cfg = project.volumes[key] ?? {};
    const c = cfg ?? {};
    if (c.external) {
      const v = new Call('Volume.fromName', [typeof c.name === 'string' ? c.name : key]);
      volumes.set(key, v);
      return v;
    }
    if (!declared) report.add('IMPORT010', `volumes.${key}`, undefined, `volume ${key} is used but not declared; compose would refuse the file, the import declares it`);
    const props: Record<string, Value> = { volumeName: typeof c.name === 'string' ? c.name : `${composeName}_${key}` };
    if (c.driver && c.driver !== 'local') props.driver = String(c.driver);
    const opts = c.driver_opts ?? {};
    if (opts.device !== undefined) props.device = String(opts.device);
    if (opts.type !== undefined) props.type = String(opts.type);
    if (opts.o !== undefined) props.options = String(opts.o);
    if (c.labels) props.label = Object.fromEntries(Object.entries(keyValueMap(c.labels)).map(([k, v]) => [k, v ?? '']));
    const decl = model.add('Volume', unitNameOf(key), props);
    decl.notes.push(`compose volume ${key}: the podman volume keeps compose's name, so existing data is reused`);
    for (const k of Object.keys(opts)) if (!['device', 'type', 'o'].includes(k)) decl.todos.push(`driver_opts.${k}: no .volume key for it`);
    const ref = new Ref(decl);
    volumes.set(key, ref);
    return ref;
  };
  const secretDecl = (key: string): Decl | undefined => {
    const known = secrets.get(key);
    if (known) return known;
    const cfg = project.secrets[key];
    if (!cfg) return undefined;
    const name = typeof cfg.name === 'string' ? cfg.name : key;
    let description: string;
    if (cfg.external) description = 'an existing podman secret';
    else if (typeof cfg.file === 'string') description = `podman secret create ${name} ${cfg.file}`;
    else if (typeof cfg.environment === 'string') description = `podman secret create --env ${name} ${cfg.environment}`;
    else description = 'create it with podman secret create';
    const decl = model.add('Secret', unitNameOf(key), { name, description });
    decl.notes.push(`compose secret ${key}`);
    report.add('IMPORT006', `secrets.${key}`, undefined, `a podman secret named ${name}; its value is never read: ${description}`);
    secrets.set(key, decl);
    return decl;
  };

  // Containers get their ids first (they are what a reader looks for); networks and volumes then
  // in file order, and the emitter puts every construct after the ones it uses.
  const containers = new Map<string, Decl>();
  for (const name of Object.keys(services)) containers.set(name, model.add('Container', unitNameOf(name), {}));
  if (needsDefault) networkDecl('default');
  for (const key of Object.keys(project.networks)) if (key !== 'default' || needsDefault) networkDecl(key);
  for (const key of Object.keys(project.volumes)) volumeDecl(key);
  const parseEnv = (text: string) => parseEnvFile(text, project.lookup, { onMissingRequired: () => undefined, onUnset: () => undefined, secretValues: project.secretValues });
  for (const [name, svc] of Object.entries(services)) {
    mapService(name, svc, containers.get(name)!, {
      model, report, podmanVersion, homeDir: options.homeDir, composeName, containers,
      volume: volumeDecl, network: networkDecl, secret: secretDecl,
      config: (k) => project.configs[k],
      secretValues: project.secretValues, lookup: project.lookup, readFile: options.readFile, parseEnv,
    });
    const image = containers.get(name)!.props.image;
    const pattern = typeof image === 'string' ? databasePattern(image) : undefined;
    if (pattern) report.add('IMPORT008', `services.${name}`, 'image', `${image} is a database: the ${pattern} pattern can replace this container and wire its consumers' settings`);
  }
  const noRestart = Object.entries(services).filter(([, s]) => s.restart === undefined && s.deploy?.restart_policy === undefined).map(([n]) => n);
  if (noRestart.length) {
    report.add('IMPORT011', 'services', 'restart', `${noRestart.join(', ')} set no restart policy: compose would leave them stopped after a crash or reboot; the site restarts them (Restart=always) and starts them at boot`);
  }
  for (const key of Object.keys(project.configs)) {
    const used = Object.values(services).some((s) => (s.configs ?? []).some((c: any) => (typeof c === 'string' ? c : c?.source) === key));
    if (!used) report.add('IMPORT012', `configs.${key}`, undefined, 'no imported service uses this config');
  }
  // The project as one unit, as `docker compose up` / `down` treat it.
  if (!options.runLine) model.add('Target', 'target').notes.push(`systemctl --user start ${siteName}.target starts the project (docker compose up); stop takes it down`);
  checkReadiness(containers, report);
  hostnameRefs(containers);
  shareValues(model);
  return {
    siteName,
    siteProps: podmanVersion === '5.4.2' ? {} : { podmanVersion },
    decls: model.decls,
    shared: model.shared,
    header: [
      `Imported by quadlet-cdk import compose (project ${composeName}).`,
      'Review every TODO(import) comment and the import report before you deploy it.',
    ],
  };
}

/** The units a container's `dependsOn` names (plain references and `{ unit }` specs). */
function dependencyRefs(d: Decl): Ref[] {
  return ((d.props.dependsOn as Value[]) ?? []).map((x) => (x instanceof Ref ? x : (x as Record<string, Value>)?.unit)).filter((r): r is Ref => r instanceof Ref);
}

/**
 * `service_healthy` on a dependency without a health check in the compose file (compose would
 * use the image's own HEALTHCHECK, which the import cannot see): waiting for healthy would be
 * DEP003, so it waits for started, with a TODO to add the check.
 */
function checkReadiness(containers: Map<string, Decl>, report: ReportBuilder): void {
  const service = new Map([...containers].map(([name, d]) => [d, name]));
  for (const [name, d] of containers) {
    const specs = (d.props.dependsOn as Value[] | undefined) ?? [];
    d.props.dependsOn = specs.length ? specs.map((x) => {
      if (x instanceof Ref || (x as Record<string, Value>).ready !== 'healthy') return x;
      const spec = x as Record<string, Value>;
      const other = (spec.unit as Ref).decl;
      const dep = service.get(other) ?? unitOf(other);
      const health = other.props.healthCmd;
      if (health !== undefined && health !== 'none') {
        report.add('IMPORT009', `services.${name}`, `depends_on.${dep}`, `service_healthy: ready: 'healthy' (${dep} gets Notify=healthy, so systemd counts it started once its health check passes; podman >= 5.0)`);
        return x;
      }
      const { ready: _ready, ...rest } = spec;
      d.todos.push(`depends_on.${dep}: service_healthy, but ${dep} has no healthcheck in the compose file (its image may have one): add healthCmd to ${dep} and ready: 'healthy' here`);
      report.add('IMPORT003', `services.${name}`, `depends_on.${dep}`, `service_healthy on ${dep}, which has no healthcheck in the compose file: it waits for ${dep} to be started`);
      return Object.keys(rest).length === 1 ? rest.unit : rest;
    }) : undefined;
  }
}

/**
 * `DB_HOST: db` where db is a service this one depends on becomes `db.hostname`: a typed
 * reference that follows a rename. Only for dependencies, which are declared before.
 */
function hostnameRefs(containers: Map<string, Decl>): void {
  for (const d of containers.values()) {
    const env = d.props.environment as Record<string, Value> | undefined;
    if (!env) continue;
    const deps = dependencyRefs(d);
    for (const [k, v] of Object.entries(env)) {
      const dep = deps.find((r) => unitOf(r.decl) === v);
      if (dep) env[k] = new Ref(dep.decl, 'hostname');
    }
  }
}

/** A value worth a name: used by two or more constructs, not a bare number or switch. */
function shareable(v: string): boolean {
  return v.length >= 3 && !/^(\d+|true|false|yes|no|on|off)$/i.test(v);
}

/**
 * Names the values two or more constructs share once (an image, a user name two services must
 * agree on): `const postgresUser = 'wiki'`, then both use the constant.
 */
export function shareValues(model: ModelBuilder): void {
  const uses = new Map<string, { key: string; decls: Set<Decl> }>();
  const note = (key: string, v: Value, d: Decl) => {
    if (typeof v !== 'string' || !shareable(v)) return;
    const u = uses.get(v) ?? { key, decls: new Set() };
    u.decls.add(d);
    uses.set(v, u);
  };
  for (const d of model.decls) {
    if (d.cls !== 'Container') continue;
    note('image', d.props.image, d);
    for (const [k, v] of Object.entries((d.props.environment ?? {}) as Record<string, Value>)) note(k, v, d);
  }
  const shared = new Map<string, Shared>();
  const get = (v: Value): Value => {
    if (typeof v !== 'string') return v;
    const u = uses.get(v);
    if (!u || u.decls.size < 2) return v;
    let s = shared.get(v);
    if (!s) {
      s = model.share(u.key === 'image' ? `${imageBase(v)}-image` : u.key.toLowerCase(), v);
      shared.set(v, s);
    }
    return s;
  };
  for (const d of model.decls) {
    if (d.cls !== 'Container') continue;
    if (d.props.image !== undefined) d.props.image = get(d.props.image);
    const env = d.props.environment as Record<string, Value> | undefined;
    if (env) d.props.environment = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, get(v)]));
  }
}

function imageBase(ref: string): string {
  const last = ref.split('@')[0].split('/').pop() ?? 'image';
  return last.split(':')[0];
}
