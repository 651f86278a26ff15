/**
 * One compose service -> the props of one Container (plus its Build, env files and secrets).
 * Every field is either mapped to a typed prop, written through the escape hatch (podmanArgs,
 * addEntry) where podman can say it, or left as a `// TODO(import)` comment and a report entry.
 */
import { isAllHex } from '../core/names';
import { SECRET_NAME } from '../quadlet/literal-secrets';
import { keyValueMap } from './compose-load';
import { Decl, ModelBuilder, Ref, unitOf, Value } from './model';
import { ReportBuilder } from './report';
import { durationSeconds, floats, hostPathValue, IMPORT_SECRET_NAME, keyUsable, looksHarmless, qualifyImage } from './values';
import { shellSplit } from './words';

/** What the service mapper needs from the project mapper. */
export interface ServiceContext {
  /** Where declarations go. */
  readonly model: ModelBuilder;
  /** Where findings go. */
  readonly report: ReportBuilder;
  /** The podman release the site targets: newer keys go through podmanArgs. */
  readonly podmanVersion: string;
  /** Host paths under it become `home('...')`. @default - none */
  readonly homeDir?: string;
  /** The compose project name (resource names keep `<project>_<name>`). */
  readonly composeName: string;
  /** The container declaration of every active service. */
  readonly containers: ReadonlyMap<string, Decl>;
  /** A named volume by its compose key (declared on first use when the file forgot it). */
  readonly volume: (key: string) => Value;
  /** A network by its compose key. */
  readonly network: (key: string) => Value;
  /** A compose secret / config by key. */
  readonly secret: (key: string) => Decl | undefined;
  /** A top-level config by key. */
  readonly config: (key: string) => Record<string, any> | undefined;
  /** Values that came from secret-looking variables. */
  readonly secretValues: ReadonlySet<string>;
  /** The interpolation variables (for `environment: [KEY]` entries that take the shell's value). */
  readonly lookup: (name: string) => string | undefined;
  /** Reads a file the service names (env_file, configs); undefined when it is missing. */
  readonly readFile: (file: string) => string | undefined;
  /** Parses an env file (compose syntax). */
  readonly parseEnv: (text: string) => Map<string, string>;
}

/** Fields handled elsewhere or deliberately not mapped (listed so nothing is dropped unseen). */
const SKIPPED: Record<string, string> = {
  tty: 'an interactive terminal does not apply to a service',
  stdin_open: 'an interactive terminal does not apply to a service',
  attach: 'log attachment is a compose CLI setting; journald has the logs',
  develop: 'compose watch (develop) is a development loop, not part of the running site',
  profiles: 'profiles were applied when the file was loaded',
  version: 'obsolete',
};

/** Maps `svc` into `decl` (a Container declaration made beforehand). */
export function mapService(name: string, svc: Record<string, any>, decl: Decl, ctx: ServiceContext): void {
  const m = new ServiceMapper(name, svc, decl, ctx);
  m.run();
}

class ServiceMapper {
  private readonly props: Record<string, Value> = {};
  private readonly podmanArgs: string[] = [];
  private readonly subject: string;
  private readonly seen = new Set<string>();

  public constructor(private readonly name: string, private readonly svc: Record<string, any>, private readonly decl: Decl, private readonly ctx: ServiceContext) {
    this.subject = `services.${name}`;
  }

  /** Marks a field read and returns it. */
  private take(field: string): any {
    this.seen.add(field);
    return this.svc[field];
  }

  private todo(field: string, why: string): void {
    this.decl.todos.push(`${field}: ${why}`);
    this.ctx.report.add('IMPORT003', this.subject, field, why);
  }

  private hatch(field: string, args: string[], why?: string): void {
    this.podmanArgs.push(...args);
    this.ctx.report.add('IMPORT004', this.subject, field, `written as podmanArgs ${args.join(' ')}${why ? `: ${why}` : ''}`);
  }

  private note(code: string, field: string | undefined, message: string): void {
    this.ctx.report.add(code, this.subject, field, message);
  }

  private set(prop: string, v: Value): void {
    if (v !== undefined) this.props[prop] = v;
  }

  public run(): void {
    this.decl.notes.push(`compose service ${this.name}`);
    this.image();
    this.commandLine();
    this.environment();
    this.ports();
    this.volumes();
    this.networks();
    this.dependencies();
    this.health();
    this.restart();
    this.resources();
    this.runtimeOptions();
    this.secretsAndConfigs();
    for (const [field, why] of Object.entries(SKIPPED)) {
      if (this.svc[field] !== undefined) {
        this.seen.add(field);
        if (field !== 'profiles') this.note('IMPORT012', field, `not imported: ${why}`);
      }
    }
    for (const field of Object.keys(this.svc)) {
      if (this.seen.has(field)) continue;
      if (field.startsWith('x-')) this.note('IMPORT012', field, 'extension field: not mapped');
      else this.todo(field, 'no construct equivalent in quadlet-cdk yet');
    }
    if (this.podmanArgs.length) this.props.podmanArgs = this.podmanArgs;
    this.decl.props = this.props;
  }

  private image(): void {
    const image = this.take('image');
    const build = this.take('build');
    let ref: string | undefined;
    if (typeof image === 'string' && image !== '') {
      const q = qualifyImage(image);
      ref = q.image;
      if (q.changed) this.note('IMPORT011', 'image', `${image} is written in full as ${q.image} (compose pulls short names from Docker Hub)`);
    }
    if (build !== undefined && build !== null) {
      const b = this.build(build, ref);
      this.set('image', new Ref(b));
      this.pullPolicy();
      return;
    }
    if (!ref) {
      this.todo('image', 'the service has neither image nor build; set the image to run');
      this.set('image', 'docker.io/library/busybox:1.37');
      this.set('allowFloatingTag', 'placeholder: the compose service named no image');
      return;
    }
    this.set('image', ref);
    if (floats(ref)) {
      this.set('allowFloatingTag', `imported from compose as ${image}: pin a version`);
      this.note('IMPORT007', 'image', `IMAGE002: ${ref} floats (no version tag); allowed with allowFloatingTag so the site synthesizes, pin a version`);
    }
    this.pullPolicy();
  }

  private pullPolicy(): void {
    const pull = this.take('pull_policy');
    if (pull === 'build') this.note('IMPORT012', 'pull_policy', 'build: the .build unit builds the image before the container starts');
    else if (pull !== undefined) {
      const map: Record<string, string> = { always: 'always', missing: 'missing', if_not_present: 'missing', never: 'never', newer: 'newer', daily: 'always', weekly: 'always' };
      if (map[pull]) this.set('pull', map[pull]);
      else this.todo('pull_policy', `${pull} has no podman pull policy`);
    }
  }

  private build(build: any, image: string | undefined): Decl {
    const b = typeof build === 'string' ? { context: build } : (build as Record<string, any>);
    const tag = image ?? `localhost/${this.ctx.composeName}-${this.name}:latest`;
    const props: Record<string, Value> = { imageTag: tag };
    const decl = this.ctx.model.add('Build', unitOf(this.decl), props);
    decl.notes.push(`build of compose service ${this.name}`);
    const ctxDir = String(b.context ?? '.');
    props.setWorkingDirectory = /^[a-z]+:\/\/|^git@/.test(ctxDir) ? ctxDir : hostPathValue(ctxDir, this.ctx.homeDir);
    if (typeof b.dockerfile === 'string') props.file = b.dockerfile;
    const args: string[] = [];
    for (const [k, v] of Object.entries(keyValueMap(b.args))) {
      if (IMPORT_SECRET_NAME.test(k) || (v !== null && [...this.ctx.secretValues].some((s) => v.includes(s)))) {
        decl.todos.push(`build.args.${k}: looks secret; pass it as a build secret, not a build argument`);
        this.ctx.report.add('IMPORT006', this.subject, `build.args.${k}`, 'the build argument looks secret: its value is left out of the site');
        continue;
      }
      args.push(`--build-arg=${k}${v === null ? '' : `=${v}`}`);
    }
    if (typeof b.target === 'string') props.target = b.target;
    if (b.labels) props.label = Object.fromEntries(Object.entries(keyValueMap(b.labels)).map(([k, v]) => [k, v ?? '']));
    if (b.no_cache === true) args.push('--no-cache');
    if (b.pull === true) props.pull = 'always';
    if (Array.isArray(b.tags)) props.imageTag = [tag, ...b.tags.map(String).map((t: string) => qualifyImage(t).image)];
    if (args.length) {
      props.podmanArgs = args;
      this.ctx.report.add('IMPORT004', this.subject, 'build.args', `build arguments written as podmanArgs ${args.join(' ')} (BuildArg= needs podman 5.7)`);
    }
    for (const k of Object.keys(b)) {
      if (['context', 'dockerfile', 'args', 'target', 'labels', 'no_cache', 'pull', 'tags'].includes(k)) continue;
      decl.todos.push(`build.${k}: no .build key for it`);
      this.ctx.report.add('IMPORT003', this.subject, `build.${k}`, 'no .build key for it');
    }
    this.ctx.report.add('IMPORT011', this.subject, 'build', `built by the ${unitOf(this.decl)}.build unit from ${ctxDir}, tagged ${tag}; containers wait for the build`);
    return decl;
  }

  private commandLine(): void {
    const command = this.take('command');
    if (typeof command === 'string') this.set('command', shellSplit(command));
    else if (Array.isArray(command)) this.set('command', command.map(String));
    const entrypoint = this.take('entrypoint');
    if (typeof entrypoint === 'string') this.set('entrypoint', shellSplit(entrypoint));
    else if (Array.isArray(entrypoint)) this.set('entrypoint', entrypoint.map(String));
    const wd = this.take('working_dir');
    if (typeof wd === 'string') this.set('workingDir', wd);
    const user = this.take('user');
    if (user !== undefined) {
      const [u, g] = String(user).split(':');
      this.set('user', u);
      if (g !== undefined) this.set('group', g);
    }
  }

  private isSecret(key: string, value: string | null): boolean {
    if (value === null || value === '') return false;
    if ([...this.ctx.secretValues].some((s) => value.includes(s))) return true;
    // A URL with a password in it (postgres://user:pass@db/x) is a secret whatever its name.
    if (/:\/\/[^/\s:@]+:[^@\s]+@/.test(value)) return true;
    if (!IMPORT_SECRET_NAME.test(key)) return false;
    return !looksHarmless(key, value);
  }

  private environment(): void {
    const env: Record<string, Value> = {};
    const secrets: Record<string, { description: string }> = {};
    const notSecret: string[] = [];
    const fromEnvironment = keyValueMap(this.take('environment'));
    const fileEnvs: Array<{ file: string; vars: Map<string, string> }> = [];
    const envFile = this.take('env_file');
    for (const e of envFile === undefined ? [] : Array.isArray(envFile) ? envFile : [envFile]) {
      const file = typeof e === 'string' ? e : e && typeof e.path === 'string' ? e.path : undefined;
      if (!file) continue;
      const text = this.ctx.readFile(file);
      if (text === undefined) {
        const required = typeof e === 'string' || e.required !== false;
        this.note(required ? 'IMPORT010' : 'IMPORT012', 'env_file', `${file} cannot be read${required ? '; its variables are missing from the site' : ' (optional)'}`);
        continue;
      }
      this.ctx.report.sources.push(file);
      fileEnvs.push({ file, vars: this.ctx.parseEnv(text) });
    }
    // Compose: environment wins over env_file; later env files win over earlier ones.
    const merged = new Map<string, { value: string | null; from: string }>();
    for (const f of fileEnvs) for (const [k, v] of f.vars) merged.set(k, { value: v, from: f.file });
    for (const [k, v] of Object.entries(fromEnvironment)) merged.set(k, { value: v, from: 'environment' });
    for (const [k, { value, from }] of [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let v = value;
      if (v === null) {
        v = this.ctx.lookup(k) ?? null;
        if (v === null) {
          this.todo(`environment.${k}`, 'takes its value from the shell compose runs in, which is not set here');
          continue;
        }
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
        this.todo(`environment.${k}`, 'not a variable name env files and Environment= can carry');
        continue;
      }
      if (this.isSecret(k, v)) {
        secrets[k] = { description: `${from === 'environment' ? 'set in the compose environment' : `from ${from.split('/').pop()}`} of service ${this.name}` };
        this.note('IMPORT006', `environment.${k}`, `looks secret: declared in ${this.name}.env (a template with an empty value); put the value in ~/.config/<site>/${this.name}.env`);
        continue;
      }
      if (SECRET_NAME.test(k)) notSecret.push(k);
      env[k] = v;
    }
    if (Object.keys(env).length) this.set('environment', env);
    if (notSecret.length) this.set('notSecret', notSecret);
    if (Object.keys(secrets).length) {
      const f = this.ctx.model.add('EnvFile', `${unitOf(this.decl)}-env`, { name: unitOf(this.decl), secrets });
      f.notes.push(`secret variables of ${this.name}: fill in the real file on the host`);
      this.set('envFiles', [new Ref(f)]);
    }
  }

  private ports(): void {
    const publish: Value[] = [];
    const declared = new Set<number>();
    for (const p of list(this.take('ports'))) {
      const parsed = parsePort(p);
      if (!parsed) {
        this.todo('ports', `cannot read port ${JSON.stringify(p)}`);
        continue;
      }
      const { ip, hostRange, containerRange, protocol } = parsed;
      const all = ip === undefined || ip === '' || ip === '0.0.0.0' || ip === '::';
      if (protocol !== 'tcp' && protocol !== 'udp') {
        this.decl.entries.push(['Container', 'PublishPort', portText(p)]);
        this.note('IMPORT004', 'ports', `${portText(p)} (${protocol}) written as a raw PublishPort= line`);
        continue;
      }
      const ok = hostRange === undefined || hostRange[1] - hostRange[0] === containerRange[1] - containerRange[0];
      if (!ok || containerRange[1] - containerRange[0] > 100) {
        this.decl.entries.push(['Container', 'PublishPort', portText(p)]);
        this.note('IMPORT004', 'ports', `${portText(p)} written as a raw PublishPort= line (uneven or very long range)`);
        continue;
      }
      if (hostRange === undefined) {
        // No host port: compose publishes on a random one. Keep that: a raw line says exactly it.
        this.decl.entries.push(['Container', 'PublishPort', portText(p)]);
        this.note('IMPORT004', 'ports', `${portText(p)} publishes on a random host port; kept as a raw PublishPort= line`);
        for (let c = containerRange[0]; c <= containerRange[1]; c++) declared.add(c);
        continue;
      }
      for (let i = 0; i <= containerRange[1] - containerRange[0]; i++) {
        const container = containerRange[0] + i;
        const host = hostRange[0] + i;
        const mapping: Record<string, Value> = { container };
        if (host !== container) mapping.host = host;
        if (protocol === 'udp') mapping.protocol = 'udp';
        if (all) mapping.public = true;
        else mapping.bind = ip;
        publish.push(mapping);
      }
      if (all) this.note('IMPORT005', 'ports', `${portText(p)} is published on every interface, as compose does; the site keeps it public`);
    }
    for (const e of list(this.take('expose'))) {
      const n = parseInt(String(e), 10);
      if (Number.isInteger(n)) declared.add(n);
    }
    if (publish.length) this.set('publish', publish);
    if (declared.size) this.set('ports', [...declared].sort((a, b) => a - b));
  }

  private volumes(): void {
    const mounts: Value[] = [];
    const tmpfs: string[] = [];
    const mount: string[] = [];
    for (const v of list(this.take('volumes'))) {
      const spec = typeof v === 'string' ? parseShortVolume(v) : v;
      if (!spec || typeof spec !== 'object') {
        this.todo('volumes', `cannot read ${JSON.stringify(v)}`);
        continue;
      }
      const type = spec.type ?? 'volume';
      const target = String(spec.target ?? '');
      const opts: string[] = [];
      if (spec.bind?.propagation) opts.push(String(spec.bind.propagation));
      if (spec.bind?.selinux) opts.push(String(spec.bind.selinux));
      if (spec.volume?.nocopy) opts.push('nocopy');
      if (spec.volume?.subpath) this.todo('volumes', `subpath ${spec.volume.subpath} of ${spec.source}: mount the volume and use the subfolder`);
      for (const o of spec.options ?? []) opts.push(o);
      const base: Record<string, Value> = {};
      if (type === 'tmpfs') {
        const t = [spec.tmpfs?.size !== undefined ? `size=${spec.tmpfs.size}` : '', spec.tmpfs?.mode !== undefined ? `mode=${Number(spec.tmpfs.mode).toString(8)}` : ''].filter((x) => x);
        tmpfs.push(t.length ? `${target}:${t.join(',')}` : target);
        continue;
      }
      if (type === 'image') {
        mount.push(`type=image,source=${spec.source},target=${target}`);
        this.note('IMPORT004', 'volumes', `image mount of ${spec.source} written as Mount=`);
        continue;
      }
      if (type !== 'volume' && type !== 'bind') {
        this.todo('volumes', `${type} mounts have no podman equivalent`);
        continue;
      }
      if (!spec.source) {
        // An anonymous volume: podman makes one for a bare target.
        this.decl.entries.push(['Container', 'Volume', target]);
        this.note('IMPORT004', 'volumes', `anonymous volume at ${target} written as a raw Volume= line`);
        continue;
      }
      if (type === 'bind') {
        base.hostPath = hostPathValue(String(spec.source), this.ctx.homeDir);
        if (spec.bind?.create_host_path === false) this.note('IMPORT011', 'volumes', `${spec.source}: podman refuses a missing bind source too`);
      } else base.volume = this.ctx.volume(String(spec.source));
      base.path = target;
      if (spec.read_only) base.readOnly = true;
      if (opts.length) base.options = opts;
      mounts.push(base);
    }
    const tm = this.take('tmpfs');
    for (const t of list(tm)) tmpfs.push(String(t));
    if (mounts.length) this.set('volumes', mounts);
    if (tmpfs.length) this.set('tmpfs', tmpfs);
    if (mount.length) this.set('mount', mount);
    const from = this.take('volumes_from');
    for (const f of list(from)) {
      const [src, mode] = String(f).replace(/^service:/, '').split(':');
      const other = this.ctx.containers.get(src);
      const name = other ? unitOf(other) : src.replace(/^container:/, '');
      this.hatch('volumes_from', [`--volumes-from=${name}${mode ? `:${mode}` : ''}`]);
    }
  }

  private networks(): void {
    const mode = this.take('network_mode');
    const nets = this.take('networks');
    const aliases = new Set<string>();
    if (typeof mode === 'string') {
      if (['host', 'none', 'pasta', 'slirp4netns', 'private'].includes(mode)) this.set('networkMode', mode);
      else if (mode.startsWith('service:')) {
        const other = this.ctx.containers.get(mode.slice(8));
        if (other) this.set('networkOf', new Ref(other));
        else this.todo('network_mode', `${mode} names a service that is not imported`);
      } else if (mode.startsWith('container:')) {
        this.set('networks', []);
        this.decl.entries.push(['Container', 'Network', mode]);
        this.note('IMPORT004', 'network_mode', `${mode} written as a raw Network= line`);
      } else if (mode !== 'bridge' && mode !== 'default') this.todo('network_mode', `${mode} has no podman equivalent`);
      return;
    }
    if (nets === undefined || nets === null) return;
    const refs: Value[] = [];
    const entries: Array<[string, any]> = Array.isArray(nets) ? nets.map((n) => [String(n), null]) : Object.entries(nets);
    const ips: Array<[string, string]> = [];
    for (const [key, cfg] of entries) {
      refs.push(this.ctx.network(key));
      for (const a of list(cfg?.aliases)) aliases.add(String(a));
      if (cfg?.ipv4_address) ips.push(['ip', String(cfg.ipv4_address)]);
      if (cfg?.ipv6_address) ips.push(['ip6', String(cfg.ipv6_address)]);
      for (const k of Object.keys(cfg ?? {})) {
        if (!['aliases', 'ipv4_address', 'ipv6_address'].includes(k)) this.todo(`networks.${key}.${k}`, 'no per-network setting for it');
      }
    }
    this.set('networks', refs);
    if (aliases.size) this.set('networkAlias', [...aliases]);
    if (ips.length && entries.length === 1) for (const [k, ip] of ips) this.set(k, ip);
    else if (ips.length) this.todo('networks', 'fixed addresses on several networks: quadlet sets one IP= for all');
  }

  /**
   * `depends_on` -> `dependsOn` specs: `required: false` is `wants` (compose goes on without it),
   * otherwise `requires`; `service_healthy` is `ready: 'healthy'` (checked against the
   * dependency's health check once every service is mapped, see `checkReadiness`).
   */
  private dependencies(): void {
    const deps = this.take('depends_on');
    if (deps === undefined) return;
    const entries: Array<[string, any]> = Array.isArray(deps) ? deps.map((d) => [String(d), {}]) : Object.entries(deps ?? {});
    const specs: Value[] = [];
    for (const [dep, cfg] of entries) {
      const other = this.ctx.containers.get(dep);
      if (!other) {
        this.note('IMPORT010', `depends_on.${dep}`, `${dep} is not an imported service (inactive profile or undefined): the dependency is left out`);
        continue;
      }
      const condition = cfg?.condition ?? 'service_started';
      const spec: Record<string, Value> = { unit: new Ref(other) };
      if (cfg?.required === false) spec.strength = 'wants';
      if (condition === 'service_healthy') spec.ready = 'healthy';
      else if (condition === 'service_completed_successfully') {
        other.props.service = { ...((other.props.service as object) ?? {}), type: 'oneshot' };
        this.note('IMPORT009', `depends_on.${dep}`, `service_completed_successfully: ${dep} runs as a oneshot unit and ${this.name} starts after it has finished`);
      }
      if (cfg?.required === false && cfg?.restart === true) {
        this.note('IMPORT009', `depends_on.${dep}.restart`, `restart: true with required: false: a Wants= dependency does not restart ${this.name} with ${dep}; make it strength 'requires' if it must`);
      }
      specs.push(Object.keys(spec).length === 1 ? spec.unit : spec);
    }
    if (specs.length) this.set('dependsOn', specs);
  }

  private health(): void {
    const h = this.take('healthcheck');
    if (!h || typeof h !== 'object') return;
    if (h.disable === true) {
      this.set('healthCmd', 'none');
      return;
    }
    const test = h.test;
    if (Array.isArray(test)) {
      const [kind, ...rest] = test.map(String);
      if (kind === 'NONE') this.set('healthCmd', 'none');
      else if (kind === 'CMD-SHELL') this.set('healthCmd', rest.join(' ').trim());
      else if (kind === 'CMD') this.set('healthCmd', JSON.stringify(['CMD', ...rest]));
      else this.set('healthCmd', JSON.stringify(test.map(String)));
    } else if (typeof test === 'string') this.set('healthCmd', test.trim());
    const durations: Array<[string, string]> = [['interval', 'healthInterval'], ['timeout', 'healthTimeout'], ['start_period', 'healthStartPeriod']];
    for (const [field, prop] of durations) if (h[field] !== undefined) this.set(prop, String(h[field]));
    if (h.retries !== undefined) this.set('healthRetries', String(h.retries));
    if (h.start_interval !== undefined) this.todo('healthcheck.start_interval', 'podman has no interval for the start period alone');
  }

  private restart(): void {
    const r = this.take('restart');
    const deployPolicy = this.svc.deploy?.restart_policy?.condition;
    const policy = r ?? (deployPolicy === 'none' ? 'no' : deployPolicy === 'any' ? 'always' : deployPolicy);
    if (policy === undefined) return;
    const [p, max] = String(policy).split(':');
    const map: Record<string, string> = { no: 'no', always: 'always', 'unless-stopped': 'always', 'on-failure': 'on-failure' };
    if (!map[p]) {
      this.todo('restart', `${policy} is not a restart policy`);
      return;
    }
    this.set('service', { ...(this.props.service as object ?? {}), restart: map[p] });
    if (p === 'unless-stopped') this.note('IMPORT011', 'restart', 'unless-stopped is Restart=always: systemd does not restart a unit you stopped by hand either');
    if (max) {
      this.decl.entries.push(['Unit', 'StartLimitBurst', max]);
      this.note('IMPORT004', 'restart', `on-failure:${max} written as StartLimitBurst=${max}`);
    }
  }

  private resources(): void {
    const deploy = this.take('deploy') ?? {};
    const limits = deploy.resources?.limits ?? {};
    const reservations = deploy.resources?.reservations ?? {};
    const memory = this.take('mem_limit') ?? limits.memory;
    if (memory !== undefined) {
      if (keyUsable('Container', 'Memory', this.ctx.podmanVersion)) this.set('memory', String(memory));
      else this.hatch('mem_limit', [`--memory=${memory}`], `Memory= needs podman 5.5`);
    }
    const cpus = this.take('cpus') ?? limits.cpus;
    if (cpus !== undefined) this.hatch('cpus', [`--cpus=${cpus}`]);
    const pids = this.take('pids_limit') ?? limits.pids;
    if (pids !== undefined) this.set('pidsLimit', String(pids));
    const flags: Array<[string, string]> = [['memswap_limit', '--memory-swap'], ['mem_reservation', '--memory-reservation'], ['cpu_shares', '--cpu-shares'], ['cpu_quota', '--cpu-quota'], ['cpu_period', '--cpu-period'], ['cpuset', '--cpuset-cpus'], ['oom_score_adj', '--oom-score-adj'], ['mem_swappiness', '--memory-swappiness'], ['cpu_rt_runtime', '--cpu-rt-runtime'], ['cpu_rt_period', '--cpu-rt-period']];
    for (const [field, flag] of flags) {
      const v = this.take(field);
      if (v !== undefined) this.hatch(field, [`${flag}=${v}`]);
    }
    if (this.take('oom_kill_disable') === true) this.hatch('oom_kill_disable', ['--oom-kill-disable']);
    if (reservations.memory !== undefined) this.hatch('deploy.resources.reservations.memory', [`--memory-reservation=${reservations.memory}`]);
    if (reservations.cpus !== undefined) this.todo('deploy.resources.reservations.cpus', 'podman reserves no CPU share by amount; use cpu_shares');
    const devices: string[] = [];
    const gpus = this.take('gpus');
    const gpuReqs = [...(gpus === 'all' ? [{ driver: 'nvidia', count: 'all' }] : list(gpus)), ...list(reservations.devices).filter((d: any) => list(d?.capabilities).includes('gpu') || d?.driver)];
    for (const d of gpuReqs) {
      const vendor = String(d?.driver ?? 'nvidia') === 'amd' ? 'amd.com/gpu' : 'nvidia.com/gpu';
      const ids = list(d?.device_ids).map(String);
      if (ids.length) ids.forEach((id) => devices.push(`${vendor}=${id}`));
      else if (d?.count === undefined || d?.count === 'all' || d?.count === -1) devices.push(`${vendor}=all`);
      else for (let i = 0; i < Number(d.count); i++) devices.push(`${vendor}=${i}`);
    }
    if (devices.length) this.note('IMPORT011', 'gpus', `GPU reservation mapped to CDI device(s) ${devices.join(', ')}: the host needs a CDI spec (nvidia-ctk cdi generate)`);
    for (const dev of list(this.take('devices'))) {
      if (typeof dev === 'string') devices.push(dev);
      else if (dev && dev.source) devices.push([dev.source, dev.target, dev.permissions].filter((x) => x !== undefined).join(':'));
    }
    if (devices.length) this.set('addDevice', devices);
    const replicas = deploy.replicas ?? this.take('scale');
    this.seen.add('scale');
    if (replicas !== undefined && Number(replicas) !== 1) this.todo('deploy.replicas', `${replicas} replicas: a unit runs one container; copy the construct for more`);
    for (const k of Object.keys(deploy)) {
      if (['resources', 'restart_policy', 'replicas'].includes(k)) continue;
      this.todo(`deploy.${k}`, 'swarm deployment setting with no single-host equivalent');
    }
    for (const k of Object.keys(limits)) if (!['memory', 'cpus', 'pids'].includes(k)) this.todo(`deploy.resources.limits.${k}`, 'no podman limit for it');
    for (const k of Object.keys(reservations)) if (!['memory', 'cpus', 'devices'].includes(k)) this.todo(`deploy.resources.reservations.${k}`, 'no podman reservation for it');
    if (deploy.restart_policy) {
      for (const k of Object.keys(deploy.restart_policy)) if (k !== 'condition') this.todo(`deploy.restart_policy.${k}`, 'set RestartSec / StartLimitBurst by hand');
    }
  }

  private runtimeOptions(): void {
    const s = (field: string, prop: string, conv: (v: any) => Value = String) => {
      const v = this.take(field);
      if (v !== undefined && v !== null) this.set(prop, conv(v));
    };
    s('hostname', 'hostName');
    s('stop_signal', 'stopSignal');
    s('shm_size', 'shmSize');
    s('userns_mode', 'userNS');
    s('init', 'runInit', Boolean);
    s('read_only', 'readOnly', Boolean);
    s('cap_add', 'addCapability', (v) => list(v).map(String));
    s('cap_drop', 'dropCapability', (v) => list(v).map(String));
    s('dns', 'dns', (v) => list(v).map(String));
    s('dns_search', 'dnsSearch', (v) => list(v).map(String));
    s('dns_opt', 'dnsOption', (v) => list(v).map(String));
    s('group_add', 'groupAdd', (v) => list(v).map(String));
    s('labels', 'label', (v) => Object.fromEntries(Object.entries(keyValueMap(v)).map(([k, x]) => [k, x ?? ''])));
    s('annotations', 'annotation', (v) => Object.fromEntries(Object.entries(keyValueMap(v)).map(([k, x]) => [k, x ?? ''])));
    s('sysctls', 'sysctl', (v) => Object.entries(keyValueMap(v)).map(([k, x]) => `${k}=${x ?? ''}`));
    s('extra_hosts', 'addHost', (v) => (Array.isArray(v) ? v.map((h) => String(h).replace('=', ':')) : Object.entries(v).map(([k, x]) => `${k}:${x}`)));
    const name = this.take('container_name');
    if (typeof name === 'string') {
      this.set('containerName', name);
      this.note('IMPORT011', 'container_name', `the container is named ${name}; peers on its networks resolve that name (and the service name through no alias)`);
    } else if (isAllHex(unitOf(this.decl))) {
      // podman --replace reads an all-hex name as a container-ID prefix (NAME004): rename the
      // container and keep the service name as a network alias, so peers still resolve it.
      const renamed = `${this.ctx.composeName}-${unitOf(this.decl)}`;
      this.set('containerName', renamed);
      if (this.props.networkMode === undefined && this.props.networkOf === undefined && !this.decl.entries.some(([, k]) => k === 'Network')) {
        this.set('networkAlias', [...((this.props.networkAlias as string[]) ?? []), unitOf(this.decl)]);
      }
      this.note('IMPORT011', 'container_name', `"${unitOf(this.decl)}" is all hex digits, which podman takes for a container-ID prefix: the container is named ${renamed}, and ${unitOf(this.decl)} stays a network alias peers resolve`);
    }
    const grace = this.take('stop_grace_period');
    if (grace !== undefined) {
      const secs = durationSeconds(grace);
      if (secs === undefined) this.todo('stop_grace_period', `cannot read ${grace}`);
      else this.set('stopTimeout', String(secs));
    }
    const ulimits = this.take('ulimits');
    if (ulimits && typeof ulimits === 'object') {
      this.set('ulimit', Object.entries<any>(ulimits).map(([k, v]) => (typeof v === 'object' ? `${k}=${v.soft}:${v.hard}` : `${k}=${v}`)));
    }
    const logging = this.take('logging');
    if (logging?.driver) this.set('logDriver', String(logging.driver));
    if (logging?.options) this.set('logOpt', Object.entries(logging.options).map(([k, v]) => `${k}=${v}`));
    const secOpts: string[] = [];
    for (const o of list(this.take('security_opt')).map(String)) {
      if (o === 'label=disable' || o === 'label:disable') this.set('securityLabelDisable', true);
      else if (/^no-new-privileges(:true|=true)?$/.test(o)) this.set('noNewPrivileges', true);
      else if (/^seccomp[=:]/.test(o)) this.set('seccompProfile', o.slice(8));
      else secOpts.push(`--security-opt=${o}`);
    }
    if (secOpts.length) this.hatch('security_opt', secOpts);
    if (this.take('privileged') === true) this.hatch('privileged', ['--privileged'], 'review: the container gets every capability and device');
    const flags: Array<[string, string]> = [['pid', '--pid'], ['ipc', '--ipc'], ['uts', '--uts'], ['cgroup', '--cgroupns'], ['cgroup_parent', '--cgroup-parent'], ['mac_address', '--mac-address'], ['runtime', '--runtime'], ['platform', '--platform'], ['domainname', '--domainname']];
    for (const [field, flag] of flags) {
      const v = this.take(field);
      if (v !== undefined) this.hatch(field, [`${flag}=${v}`]);
    }
    const storage = this.take('storage_opt');
    if (storage) this.hatch('storage_opt', Object.entries(storage).map(([k, v]) => `--storage-opt=${k}=${v}`));
    const links = this.take('links');
    if (links !== undefined) this.note('IMPORT011', 'links', 'links are not needed: services on a shared network resolve each other by name');
  }

  private secretsAndConfigs(): void {
    const secrets: Value[] = [];
    for (const s of list(this.take('secrets'))) {
      const src = typeof s === 'string' ? s : s?.source;
      const decl = this.ctx.secret(String(src));
      if (!decl) {
        this.todo('secrets', `${src} is not a top-level secret`);
        continue;
      }
      const mount: Record<string, Value> = { secret: new Ref(decl) };
      if (typeof s === 'object' && s.target) mount.target = String(s.target).startsWith('/') ? String(s.target) : `/run/secrets/${s.target}`;
      if (typeof s === 'object' && (s.uid !== undefined || s.gid !== undefined || s.mode !== undefined)) this.todo('secrets', `uid/gid/mode of ${src}: set them with a Secret= option by hand`);
      secrets.push(mount);
    }
    if (secrets.length) this.set('secrets', secrets);
    const mounts = (this.props.volumes as Value[] | undefined) ?? [];
    for (const c of list(this.take('configs'))) {
      const src = String(typeof c === 'string' ? c : c?.source);
      const cfg = this.ctx.config(src);
      if (!cfg || typeof cfg.file !== 'string') {
        this.todo('configs', `config ${src} is ${cfg?.content !== undefined ? 'inline content' : cfg?.environment ? 'from the environment' : cfg?.external ? 'external' : 'not defined'}: write it to a file and bind-mount it`);
        continue;
      }
      const target = typeof c === 'object' && c.target ? String(c.target) : `/${src}`;
      mounts.push({ hostPath: hostPathValue(cfg.file, this.ctx.homeDir), path: target, readOnly: true });
      this.note('IMPORT011', 'configs', `config ${src} is a read-only bind mount of ${cfg.file} at ${target}`);
    }
    if (mounts.length) this.set('volumes', mounts);
  }
}

function list(v: unknown): any[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}


function portText(p: unknown): string {
  if (typeof p === 'object' && p !== null) {
    const o = p as Record<string, any>;
    return `${o.host_ip ? `${o.host_ip}:` : ''}${o.published !== undefined ? `${o.published}:` : ''}${o.target}${o.protocol && o.protocol !== 'tcp' ? `/${o.protocol}` : ''}`;
  }
  return String(p);
}

function range(s: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) return undefined;
  const a = parseInt(m[1], 10);
  const b = m[2] ? parseInt(m[2], 10) : a;
  return b >= a ? [a, b] : undefined;
}

/** Short (`[ip:][host:]container[/proto]`) or long port syntax. */
export function parsePort(p: unknown): { ip?: string; hostRange?: [number, number]; containerRange: [number, number]; protocol: string } | undefined {
  if (typeof p === 'number') return { containerRange: [p, p], protocol: 'tcp' };
  if (p && typeof p === 'object') {
    const o = p as Record<string, any>;
    const c = range(String(o.target));
    if (!c) return undefined;
    const h = o.published === undefined || o.published === '' ? undefined : range(String(o.published));
    return { ip: o.host_ip, hostRange: h, containerRange: c, protocol: String(o.protocol ?? 'tcp') };
  }
  if (typeof p !== 'string') return undefined;
  let s = p;
  let protocol = 'tcp';
  const slash = s.lastIndexOf('/');
  if (slash >= 0) {
    protocol = s.slice(slash + 1);
    s = s.slice(0, slash);
  }
  let ip: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    ip = s.slice(1, end);
    s = s.slice(end + 2);
  }
  const parts = s.split(':');
  if (parts.length > 3) {
    ip = parts.slice(0, -2).join(':');
    parts.splice(0, parts.length - 2);
  } else if (parts.length === 3) ip = parts.shift();
  const c = range(parts[parts.length - 1]);
  if (!c) return undefined;
  const hostText = parts.length === 2 ? parts[0] : undefined;
  const h = hostText ? range(hostText) : undefined;
  if (hostText && !h) return undefined;
  return { ip, hostRange: h, containerRange: c, protocol };
}

/** `src:dst[:mode]` or `dst` -> the long syntax. */
function parseShortVolume(v: string): Record<string, any> | undefined {
  const parts = v.split(':');
  if (parts.length === 1) return { type: 'volume', target: parts[0] };
  const [source, target, mode] = parts;
  const isPath = /^[./~]/.test(source);
  const modes = (mode ?? '').split(',').filter((x) => x);
  const out: Record<string, any> = { type: isPath ? 'bind' : 'volume', source, target };
  if (modes.includes('ro')) out.read_only = true;
  out.options = modes.filter((x) => x !== 'ro' && x !== 'rw');
  return out;
}
