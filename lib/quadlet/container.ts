import { Construct } from 'constructs';
import { orderAfter } from '../core/synth-order';
import { Reporter } from '../core/diagnostics';
import { checkPodmanName, controlCharIn, expandUnitSpecifiers } from '../core/names';
import { ValidationContext } from '../core/resource';
import { EncodableValue } from '../render/encode';
import { literalOf, Specifier, SystemdText, systemdText, UnitValue } from '../render/systemd-value';
import { encodeValue } from '../render/encode';
import { EnvFile } from './env-file';
import { literalSecretIn } from './literal-secrets';
import { checkKeepGroupsAlone } from './group-add';
import { checkImageRef, ImageAllowances } from './image-ref';
import { ContainerKeys } from './keys.generated';
import { checkMounts, Mount, mountSpec, podmanSocketUnitOf } from './mounts';
import { INetwork, networksOrDefault } from './network';
import { checkPorts, checkPublish, PortMapping, publishSpec } from './ports';
import { Secret } from './secret';
import { IHealthReporter } from './dependency';
import { HostPrerequisites } from '../host/prerequisites';
import { readSecretCommand, shellQuote, SiteSecrets } from './site-secrets';
import { checkRootFs, RootFs } from './rootfs';
import { IServiceUnit, QuadletUnit, QuadletUnitProps } from './unit';
import '../deploy/codes';

export type { PortMapping } from './ports';

/** Something a container can run: a reference string, or an `.image` / `.build` unit. */
export interface IImageSource {
  /** What `Image=` says: `foo.image`, `foo.build`, or the reference itself. */
  readonly imageRef: string;
}

/** A pod a container can join (see Pod). */
export interface IPod {
  /** What `Pod=` says: `<name>.pod`. */
  readonly podRef: string;
  /** The podman pod name. */
  readonly podName: string;
}

export type { Mount } from './mounts';

/** A podman secret given to the container. */
export interface SecretMount {
  /** The podman secret (created before the container starts by the site's secrets unit). */
  readonly secret: Secret;
  /** Expose it as this environment variable. @default - a file at /run/secrets/<name> */
  readonly env?: string;
  /** The file path inside the container (file secrets). @default - /run/secrets/<name> */
  readonly target?: string;
}

/** A long-running container's default `TimeoutStartSec=`: a first pull of a large image fits in it. */
export const CONTAINER_TIMEOUT_START_SEC = 900;

/**
 * A variable whose value embeds secrets, composed when the container starts: literal text and
 * podman secrets in order, e.g. `['postgresql://wiki:', password, '@wiki-db:5432/wiki']`.
 */
export type ComposedValue = ReadonlyArray<string | Secret>;

/** A container's port, typed, for routes and consumers: `container.port(8080)`. */
export interface ContainerPort {
  /** The container that listens. */
  readonly container: Container;
  /** The port inside the container. */
  readonly port: number;
}

export interface ContainerProps extends QuadletUnitProps, ImageAllowances, Omit<ContainerKeys,
'image' | 'rootfs' | 'containerName' | 'network' | 'volume' | 'publishPort' | 'environment' | 'environmentFile' | 'secret' | 'pod' | 'entrypoint' | 'exec' | 'serviceName' | 'autoUpdate'> {
  /**
   * Let `podman auto-update` update the image (`AutoUpdate=`): `registry` pulls a newer image of the
   * same tag, `local` uses one built or pulled on the host. The site then wants
   * `podman-auto-update.timer` (through its Target), which restarts updated containers and rolls
   * back one whose unit fails to start again; give the container a `healthCmd` so that a broken
   * update counts as a failure (DEPLOY010).
   * @default - never updated by podman
   */
  readonly autoUpdate?: 'registry' | 'local';
  /**
   * What the container runs: a fully qualified reference (`docker.io/library/caddy:2-alpine`), an
   * Image / Build unit, or a root file system folder on the host (`RootFs.at(path)`, `Rootfs=`).
   */
  readonly image: string | IImageSource | RootFs;
  /**
   * The podman container name, which is its DNS name on shared networks. Systemd text keeps
   * specifiers (quadlet's own default is `systemd-%N`).
   * @default - the unit name
   */
  readonly containerName?: UnitValue;
  /** Networks to join. @default - the site's default network (none when in a pod) */
  readonly networks?: INetwork[];
  /** A podman network mode instead of networks. @default - none */
  readonly networkMode?: 'host' | 'none' | 'pasta' | 'slirp4netns' | 'private';
  /** Share another container's network namespace (`Network=<name>.container`). @default - none */
  readonly networkOf?: Container;
  /** Volumes and bind mounts. @default - none */
  readonly volumes?: Mount[];
  /** Ports the container listens on, for routes and peers. Published ports count too. @default - none */
  readonly ports?: number[];
  /** Ports published on the host. @default - none */
  readonly publish?: PortMapping[];
  /** Non-secret variables. Secrets go in `envFiles` or `secrets`. @default - none */
  readonly environment?: Record<string, UnitValue>;
  /** Variables whose names look secret but are not (e.g. `DISABLE_TOKEN_CHECK`). @default - none */
  readonly notSecret?: string[];
  /**
   * Host names the variables use that are not containers of this site (a bucket, a host on the
   * LAN, a name the image resolves itself): the peer check (ENV003) leaves them alone.
   * @default - none
   */
  readonly externalHosts?: string[];
  /** Env files on the host. @default - none */
  readonly envFiles?: EnvFile[];
  /** Podman secrets. @default - none */
  readonly secrets?: SecretMount[];
  /** A pod to join. @default - none */
  readonly pod?: IPod;
  /** Override the image's entrypoint: a list becomes podman's JSON form. @default - the image's */
  readonly entrypoint?: string | string[];
  /** Arguments after the image (the command). @default - the image's */
  readonly command?: UnitValue[];
}

/** The timer of `podman auto-update` (shipped with podman). */
export const AUTO_UPDATE_TIMER = 'podman-auto-update.timer';

/**
 * A container (`.container` unit). Other units start after it with `dependsOn`; with
 * `ready: 'healthy'` they wait for its health check (`healthCmd`) to pass once.
 */
export class Container extends QuadletUnit implements IHealthReporter {
  /** A container defined outside this tree, to depend on or share a network with. */
  public static fromName(name: string): IServiceUnit & { readonly containerName: string } {
    return { serviceName: `${name}.service`, containerName: name };
  }

  public readonly section = 'Container' as const;
  /** The podman container name (`<name>-%i` for a template). */
  public readonly containerName: string;
  private readonly containerBase: string;
  public readonly props: ContainerProps;
  private readonly declaredPorts: Set<number>;
  private readonly extraEnv = new Map<string, UnitValue>();
  private readonly extraEnvFiles: EnvFile[] = [];
  private healthGate = false;
  private readonly extraSecrets: SecretMount[] = [];
  private readonly composed = new Map<string, ComposedValue>();

  public constructor(scope: Construct, id: string, props: ContainerProps) {
    // The key table reads the props as they are, except a RootFs, which is Rootfs=, not Image=.
    super(scope, id, props, RootFs.isRootFs(props.image) ? { ...props, image: undefined } : props);
    this.props = props;
    // A template's instances each need their own container: `<name>-%i`, unless the name given already has the instance (%i).
    this.containerBase = props.containerName === undefined ? this.name : literalOf(props.containerName);
    this.containerName = this.isTemplate && !this.containerBase.includes('%i') ? `${this.containerBase}-%i` : this.containerBase;
    this.declaredPorts = new Set([...(props.ports ?? []), ...(props.publish ?? []).map((p) => p.container)]);
    if (props.image instanceof QuadletUnit) orderAfter(this, props.image);
    for (const n of props.networks ?? []) if (n instanceof QuadletUnit) orderAfter(this, n);
    for (const v of props.volumes ?? []) if ('volume' in v && v.volume instanceof QuadletUnit) orderAfter(this, v.volume);
    if (props.networkOf) orderAfter(this, props.networkOf);
    for (const e of props.envFiles ?? []) orderAfter(this, e);
    for (const s of props.secrets ?? []) this.useSecret(s.secret);
    if (props.pod instanceof QuadletUnit) orderAfter(this, props.pod);
    // A rootless port below 1024 needs a sysctl the site ships (host/etc/sysctl.d/).
    if (this.site.rootless && (props.publish ?? []).some((m) => (m.host ?? m.container) < 1024)) HostPrerequisites.of(this.site);
    // A mounted podman.sock exists only while podman.socket is active: start it first.
    for (const unit of this.hostUnits) {
      this.addEntry('Unit', 'Wants', unit);
      this.addEntry('Unit', 'After', unit);
    }
  }

  /** Units of the host (not of the site) the container needs running: `podman.socket` for a mounted API socket. */
  public get hostUnits(): string[] {
    const units = (this.props.volumes ?? []).map((m) => podmanSocketUnitOf(m, this.site.rootless));
    return [...new Set(units.filter((u): u is string => u !== undefined))].sort();
  }

  /**
   * 15 minutes: the first start pulls the image in ExecStart (no `.image` unit needed), and a
   * health-gated start waits for the first passing check.
   */
  protected get defaultTimeoutStartSec(): number | undefined {
    return this.longRunning ? CONTAINER_TIMEOUT_START_SEC : undefined;
  }

  /** The DNS name peers on a shared network use. */
  public get hostname(): string {
    return this.containerName;
  }

  /** Whether the container has a health check (`healthCmd`) dependents can wait for. */
  public get hasHealthCheck(): boolean {
    return this.props.healthCmd !== undefined;
  }

  /**
   * A dependent waits for this container to be healthy: the unit is started only once the
   * health check passed (`Notify=healthy`, over any `notify` prop). Called by `dependsOn`.
   */
  public notifyWhenHealthy(): void {
    this.healthGate = true;
  }

  /** Whether the unit reports ready only once healthy (`Notify=healthy`). */
  public get readyWhenHealthy(): boolean {
    return this.healthGate && this.hasHealthCheck;
  }

  /** A declared port, for routes and consumers. Undeclared ports are reported at synth. */
  public port(port: number): ContainerPort {
    return { container: this, port };
  }

  /** Whether the container declares (or publishes) `port`. */
  public declaresPort(port: number): boolean {
    return this.declaredPorts.has(port);
  }

  /** The ports the container declares, sorted. */
  public get declaredPortList(): number[] {
    return [...this.declaredPorts].sort((a, b) => a - b);
  }

  /** `http://<name>:<port><path>`, the URL peers on a shared network use. */
  public url(port: number, path = '', scheme = 'http'): string {
    return `${scheme}://${this.hostname}:${port}${path}`;
  }

  /** The networks the container is on (explicit, or the site default). */
  public get networks(): INetwork[] {
    if (!this.props.networks && (this.props.networkMode || this.props.networkOf || this.props.pod)) return [];
    return networksOrDefault(this.site, this.props.networks);
  }

  /** Every environment variable set directly (not through files). */
  public get environment(): Record<string, UnitValue> {
    return { ...(this.props.environment ?? {}), ...Object.fromEntries(this.extraEnv) };
  }

  /** Env files the container reads. */
  public get envFiles(): EnvFile[] {
    return [...(this.props.envFiles ?? []), ...this.extraEnvFiles];
  }

  /** Add a non-secret variable (patterns and consumers use this). */
  public addEnvironment(name: string, value: UnitValue): void {
    this.extraEnv.set(name, value);
  }

  /** Read one more podman secret (as a variable or a file). Patterns use this. */
  public addSecret(mount: SecretMount): void {
    this.extraSecrets.push(mount);
    this.useSecret(mount.secret);
  }

  /** The podman secrets the container reads. */
  public get secretMounts(): SecretMount[] {
    return [...(this.props.secrets ?? []), ...this.extraSecrets];
  }

  /**
   * Set `name` to a value that embeds secrets (a DATABASE_URL with its password), composed when
   * the container starts: `ExecStartPre=` reads the podman secrets and writes
   * `%t/<site>/<name>-composed.env` (mode 0600) for `EnvironmentFile=`, and `ExecStartPost=` deletes it
   * once podman has read it. The value is never written into a unit, a template or a message.
   */
  public composeEnv(name: string, value: ComposedValue): void {
    this.composed.set(name, value);
    for (const part of value) if (typeof part !== 'string') this.useSecret(part);
  }

  /** The composed variables (see composeEnv), by name. */
  public get composedEnv(): ReadonlyMap<string, ComposedValue> {
    return this.composed;
  }

  /** The runtime env file composed values go to: `%t/<site>/<name>-composed.env`. */
  public get composedEnvPath(): SystemdText {
    return systemdText(Specifier.runtimeDir, `/${this.site.name}/${this.composedEnvFile}`);
  }

  private get composedEnvFile(): string {
    return `${this.name}-composed.env`;
  }

  /** Compose the runtime env file before podman reads it; delete it once the container runs. */
  protected serviceEntries(): Array<[string, string]> {
    if (this.composed.size === 0) return [];
    const dir = systemdText(Specifier.runtimeDir, `/${this.site.name}`);
    const pre = encodeValue('exec', ['/bin/sh', '-c', composeScript(this.composedEnvFile, this.composed), 'compose', dir]);
    const post = encodeValue('exec', ['/bin/rm', '-f', this.composedEnvPath]);
    // Literal parts are checked in validate() (ENV002), so both encode.
    return pre.ok && post.ok ? [['ExecStartPre', pre.lines[0]], ['ExecStartPost', `-${post.lines[0]}`]] : [];
  }

  /** An auto-updated container on a site without a Target wants the auto-update timer itself. */
  protected unitEntriesExtra(): Array<[string, string]> {
    return this.props.autoUpdate !== undefined && this.site.partOfTarget === undefined ? [['Wants', AUTO_UPDATE_TIMER]] : [];
  }

  /** Whether podman auto-update updates this container's image. */
  public get autoUpdated(): boolean {
    return this.props.autoUpdate !== undefined;
  }

  /** A secret is created (or checked) by the site's secrets unit before this container starts. */
  private useSecret(secret: Secret): void {
    orderAfter(this, secret);
    this.dependsOn(SiteSecrets.of(this.site), { strength: 'requires' });
  }

  /** Read one more env file. */
  public addEnvFile(file: EnvFile): void {
    this.extraEnvFiles.push(file);
    orderAfter(this, file);
  }

  /** The value of a variable as the container sees it, from `environment` or an env file. */
  public envValue(name: string): string | undefined {
    const direct = this.environment[name];
    if (direct !== undefined) return literalOf(direct);
    for (const f of this.envFiles) {
      const v = f.valueOf(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  public validate(ctx: ValidationContext): void {
    super.validate(ctx);
    const p = this.props;
    // Systemd text names the container per unit (`systemd-%N`): check what it expands to.
    const name = SystemdText.is(p.containerName) ? expandUnitSpecifiers(this.containerBase, this.serviceName) : this.containerBase;
    checkPodmanName(ctx.report, name, 'container name', p.containerName === undefined);
    checkMounts(p.volumes ?? [], ctx.report);
    this.checkTemplateReferences([...(p.volumes ?? []).map((m) => ('volume' in m ? m.volume : undefined)), ...this.networks], ctx.report);
    for (const s of this.secretMounts) checkSecretMount(s, ctx.report);
    const report = ctx.report;
    if (typeof p.image === 'string') checkImageRef(p.image, ctx.site, p, report);
    else if (RootFs.isRootFs(p.image)) checkRootFs(p.image, report);
    if (p.autoUpdate !== undefined) {
      if (p.healthCmd === undefined) report('DEPLOY010', `${this.name} is auto-updated (${p.autoUpdate}) but has no health check: a broken image that keeps running is never rolled back`);
      if (p.autoUpdate === 'registry' && typeof p.image === 'string' && p.image.includes('@sha256:')) {
        report('DEPLOY011', `${this.name} is auto-updated from the registry, but its image ${p.image} is pinned by digest and never changes`);
      }
    }
    checkPorts(p.ports ?? [], report);
    checkPublish(p.publish ?? [], report);
    if (p.pod && (p.publish?.length || p.networks?.length || p.networkMode)) {
      report('QUADLET021', `${this.name} joins pod ${p.pod.podName} but sets ports or networks`);
    }
    checkKeepGroupsAlone(p.groupAdd, this.name, 'podman run (exit 125)', report);
    if (ctx.site.rootless && (p.groupAdd ?? []).some((g) => literalOf(g) === 'keep-groups')) {
      report('QUADLET020', 'GroupAdd=keep-groups does not work on a rootless site');
    }
    const notSecret = new Set(p.notSecret ?? []);
    for (const [k, v] of Object.entries(this.environment)) {
      const secret = notSecret.has(k) ? undefined : literalSecretIn(k, literalOf(v));
      if (secret) report('SECRET001', `${secret} but is set as a literal Environment= value`);
    }
    const seen = new Map<string, string>();
    const note = (k: string, where: string) => {
      const prior = seen.get(k);
      if (prior) report('ENV001', `${k} is set by ${prior} and by ${where}`);
      else seen.set(k, where);
    };
    Object.keys(this.environment).forEach((k) => note(k, 'environment'));
    for (const f of this.envFiles) f.variables.forEach((k) => note(k, `${f.name}.env`));
    for (const s of this.secretMounts) if (s.env) note(s.env, `secret ${s.secret.secretName}`);
    for (const [k, value] of this.composed) {
      note(k, 'a composed value');
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) report('ENV002', `"${k}" is not a valid variable name`);
      if (value.some((part) => typeof part === 'string' && /[\r\n\0]/.test(part))) report('ENV002', `the composed value of ${k} contains a newline`);
    }
  }

  protected quadletEntries(report: Reporter): Array<[string, EncodableValue | undefined]> {
    const p = this.props;
    const rootfs = RootFs.isRootFs(p.image) ? p.image : undefined;
    const image = typeof p.image === 'string' ? p.image : RootFs.isRootFs(p.image) ? undefined : p.image.imageRef;
    const networks: UnitValue[] = [
      ...this.networks.map((n) => n.networkRef),
      ...(p.networkMode ? [p.networkMode] : []),
      ...(p.networkOf ? [p.networkOf.unitFileName] : []),
    ];
    const volumes = (p.volumes ?? []).map((m) => mountSpec(m));
    const publish = (p.publish ?? []).map(publishSpec);
    const env = this.environment;
    const secrets = this.secretMounts.map((s) => {
      const opts = s.env ? `,type=env,target=${s.env}` : s.target ? `,type=mount,target=${s.target}` : '';
      return `${s.secret.secretName}${opts}`;
    });
    if (p.entrypoint !== undefined && typeof p.entrypoint === 'string' && p.entrypoint.endsWith('"')) {
      report('QUADLET003', 'Entrypoint= cannot end with a double quote in podman 5.4');
    }
    return [
      ['Image', image],
      ['Rootfs', rootfs && (rootfs.overlay ? systemdText(rootfs.path, ':O') : rootfs.path)],
      ['ContainerName', this.isTemplate && !this.containerBase.includes('%i') ? systemdText(this.containerBase, '-', Specifier.instance) : p.containerName ?? this.containerName],
      ['Pod', p.pod?.podRef],
      ['Network', networks.length ? networks : undefined],
      ['PublishPort', publish.length ? publish : undefined],
      ['Volume', volumes.length ? volumes : undefined],
      ['EnvironmentFile', this.envFiles.length + this.composed.size ? [...this.envFiles.map((f) => f.hostPath), ...(this.composed.size ? [this.composedEnvPath] : [])] : undefined],
      ['Environment', Object.keys(env).length ? sortedRecord(env) : undefined],
      ['Secret', secrets.length ? secrets : undefined],
      ['Entrypoint', p.entrypoint === undefined ? undefined : typeof p.entrypoint === 'string' ? p.entrypoint : JSON.stringify(p.entrypoint)],
      ['Exec', p.command],
      ['Notify', this.readyWhenHealthy ? 'healthy' : p.notify],
      ['AutoUpdate', p.autoUpdate],
    ];
  }
}

/**
 * `Secret=name,type=env,target=X` is split on commas by podman: a comma in `env` or `target`
 * would add options (`mode=0444`, `type=`), so both are checked (SECRET003). Used by ContainerJob too.
 * @internal
 */
export function checkSecretMount(s: SecretMount, report: Reporter): void {
  const name = s.secret.secretName;
  if (s.env !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.env)) {
    report('SECRET003', `secret ${name}: env "${s.env}" is not a variable name`);
  }
  if (s.target !== undefined && (s.target === '' || /[,\s]/.test(s.target) || controlCharIn(s.target) || s.target.split('/').includes('..'))) {
    report('SECRET003', `secret ${name}: target "${s.target}" is not a plain path (no commas, spaces, control characters or "..")`);
  }
  if (s.env !== undefined && s.target !== undefined) report('SECRET003', `secret ${name}: give env or target, not both`);
}

/**
 * The ExecStartPre= script that writes the composed variables: `umask 077` makes the file 0600,
 * each secret is read once with `podman secret inspect --showsecret`, and every literal part is
 * single-quoted, so no value is ever interpreted by the shell. `$1` is the runtime folder.
 */
function composeScript(file: string, composed: ReadonlyMap<string, ComposedValue>): string {
  const vars = new Map<string, string>();
  const lines = ['set -eu', 'umask 077', 'mkdir -p "$1"'];
  for (const value of composed.values()) {
    for (const part of value) {
      if (typeof part === 'string' || vars.has(part.secretName)) continue;
      const v = `s${vars.size + 1}`;
      vars.set(part.secretName, v);
      lines.push(`${v}=$(${readSecretCommand(part.secretName)})`);
    }
  }
  const prints = [...composed.keys()].sort().map((name) => {
    const value = composed.get(name)!.map((part) => (typeof part === 'string' ? shellQuote(part) : `"$${vars.get(part.secretName)}"`)).join('');
    return `printf '%s=%s\\n' ${name} ${value}`;
  });
  lines.push(`{ ${prints.join('; ')}; } > "$1/${file}"`);
  return lines.join('; ');
}

function sortedRecord(r: Record<string, UnitValue>): Record<string, UnitValue> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1)));
}
