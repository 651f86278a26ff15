/**
 * One compose service -> the props of one Container (plus its Build, env files and secrets).
 * Every field is either mapped to a typed prop, written through the escape hatch (podmanArgs,
 * addEntry) where podman can say it, or left as a `// TODO(import)` comment and a report entry.
 */
import { SECRET_NAME } from '../quadlet/literal-secrets';
import { keyValueMap } from './compose-load';
import { Decl, ModelBuilder, Ref, unitOf, Value } from './model';
import { ReportBuilder } from './report';
import { floats, hostPathValue, IMPORT_SECRET_NAME, looksHarmless, qualifyImage } from './values';
import { mapDependencies, mapNetworks, mapPorts, mapVolumes } from './compose-service-network';
import { mapHealth, mapResources, mapRestart, mapRuntimeOptions, mapSecretsAndConfigs } from './compose-service-runtime';
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

/**
 * One service's mapping: the props it builds and which fields it read. The sections live in
 * compose-service-network.ts (ports, volumes, networks, depends_on) and
 * compose-service-runtime.ts (health, restart, resources, runtime options, secrets, configs).
 */
export class ServiceMapper {
  public readonly props: Record<string, Value> = {};
  public readonly podmanArgs: string[] = [];
  public readonly subject: string;
  public readonly seen = new Set<string>();

  public constructor(public readonly name: string, public readonly svc: Record<string, any>, public readonly decl: Decl, public readonly ctx: ServiceContext) {
    this.subject = `services.${name}`;
  }

  /** Marks a field read and returns it. */
  public take(field: string): any {
    this.seen.add(field);
    return this.svc[field];
  }

  /** Leaves a field for the user: a `// TODO(import)` comment and a report entry. */
  public todo(field: string, why: string): void {
    this.decl.todos.push(`${field}: ${why}`);
    this.ctx.report.add('IMPORT003', this.subject, field, why);
  }

  /** Writes a field through the escape hatch (podmanArgs). */
  public hatch(field: string, args: string[], why?: string): void {
    this.podmanArgs.push(...args);
    this.ctx.report.add('IMPORT004', this.subject, field, `written as podmanArgs ${args.join(' ')}${why ? `: ${why}` : ''}`);
  }

  /** A report entry about a field. */
  public note(code: string, field: string | undefined, message: string): void {
    this.ctx.report.add(code, this.subject, field, message);
  }

  /** Sets a prop unless the value is undefined. */
  public set(prop: string, v: Value): void {
    if (v !== undefined) this.props[prop] = v;
  }

  public run(): void {
    this.decl.notes.push(`compose service ${this.name}`);
    this.image();
    this.commandLine();
    this.environment();
    mapPorts(this);
    mapVolumes(this);
    mapNetworks(this);
    mapDependencies(this);
    mapHealth(this);
    mapRestart(this);
    mapResources(this);
    mapRuntimeOptions(this);
    mapSecretsAndConfigs(this);
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
}
