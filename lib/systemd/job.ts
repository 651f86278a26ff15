import { Reporter } from '../core/diagnostics';
import { Site } from '../core/site';
import { isAbsolutePath, literalOf, systemdText, UnitValue } from '../render/systemd-value';
import { checkMounts, Mount, mountSpec } from '../quadlet/mounts';
import { EnvFile } from '../quadlet/env-file';
import { checkPodmanName } from '../core/names';
import { credentialFlagIn, CREDENTIALS_HINT, literalSecretIn } from '../quadlet/literal-secrets';
import { Image } from '../quadlet/image';
import { checkImageRef, ImageAllowances } from '../quadlet/image-ref';
import { INetwork } from '../quadlet/network';
import { checkSecretMount, SecretMount } from '../quadlet/container';
import { SiteSecrets } from '../quadlet/site-secrets';
import { IServiceUnit, QuadletUnit } from '../quadlet/unit';
import './codes';

/**
 * What a plain service runs: a host command, or a one-off container. A job does not own files;
 * the Service that runs it turns it into `ExecStart=` and friends.
 */
export interface IJob {
  /** The `ExecStart=` command line, first element an absolute path. */
  commandLine(site: Site): UnitValue[];
  /** Files systemd reads into the service's environment (`EnvironmentFile=`). */
  readonly serviceEnvFiles: EnvFile[];
  /** Variables systemd sets for the command (`Environment=`). */
  readonly serviceEnvironment: Record<string, UnitValue>;
  /** Units the job needs running first (`Requires=` + `After=`): networks, volumes, image pulls. */
  readonly requires: IServiceUnit[];
  /** Check the job's own props. */
  validate(site: Site, report: Reporter): void;
}

export interface HostCommandProps {
  /** The command and its arguments: `[home('.local/bin/sodiwin-etl'), '--since', 'yesterday']`. */
  readonly argv: UnitValue[];
  /** Env files systemd reads for the command. @default - none */
  readonly envFiles?: EnvFile[];
  /** Non-secret variables. Secrets go in `envFiles`. @default - none */
  readonly environment?: Record<string, UnitValue>;
}

/** A command on the host, run directly by systemd (no shell: pipes and globs need `sh -c`). */
export class HostCommand implements IJob {
  public readonly requires: IServiceUnit[] = [];
  public constructor(public readonly props: HostCommandProps) {}

  public get serviceEnvFiles(): EnvFile[] {
    return this.props.envFiles ?? [];
  }

  public get serviceEnvironment(): Record<string, UnitValue> {
    return this.props.environment ?? {};
  }

  public commandLine(): UnitValue[] {
    return this.props.argv;
  }

  public validate(_site: Site, report: Reporter): void {
    checkCommand(this.props.argv, report);
    checkLiteralSecrets(this.serviceEnvironment, report);
  }
}

export interface ContainerJobProps extends ImageAllowances {
  /** A fully qualified reference, or an Image unit (the job then waits for its pull). */
  readonly image: string | Image;
  /** Arguments after the image. @default - the image's command */
  readonly command?: UnitValue[];
  /** Override the image's entrypoint (`--entrypoint`). @default - the image's */
  readonly entrypoint?: string;
  /** Env files podman reads into the container (`--env-file`, as quadlet's EnvironmentFile= does). @default - none */
  readonly envFiles?: EnvFile[];
  /** Non-secret variables (`--env`). @default - none */
  readonly environment?: Record<string, UnitValue>;
  /**
   * Podman secrets the job reads (`--secret`), as a variable or a file, like a Container's: a
   * database password drawn from the one secret its server reads. The job's service then requires
   * the site's secrets unit. @default - none
   */
  readonly secrets?: SecretMount[];
  /** Volumes and bind mounts (`--volume`). @default - none */
  readonly volumes?: Mount[];
  /** Networks to join, to reach containers by name. @default - podman's default network */
  readonly networks?: INetwork[];
  /** `--pull`: `newer` re-checks the registry on every run (a floating tag "pulled at dispatch"). @default - podman's (missing) */
  readonly pull?: 'always' | 'missing' | 'newer' | 'never';
  /** The container name while it runs. @default - the service name without `.service` */
  readonly containerName?: string;
  /** `--user`, e.g. `1000:1000`. @default - the image's */
  readonly user?: string;
  /** Extra podman run arguments, before the image. @default - none */
  readonly podmanArgs?: UnitValue[];
  /** The podman binary. @default '/usr/bin/podman' */
  readonly podmanPath?: string;
}

/**
 * A container run to completion: `podman run --rm --replace --name <unit> ... <image> <command>`.
 * Meant for oneshot services started by a Timer; `--replace` clears a container left behind
 * by a run that was killed.
 */
export class ContainerJob implements IJob {
  public readonly serviceEnvFiles: EnvFile[] = [];
  public readonly serviceEnvironment: Record<string, UnitValue> = {};
  /** Set by the Service that runs the job, for the default container name. */
  public defaultName = 'job';

  public constructor(public readonly props: ContainerJobProps) {}

  public get requires(): IServiceUnit[] {
    const p = this.props;
    const out: IServiceUnit[] = [];
    if (p.image instanceof Image) out.push(p.image);
    for (const n of p.networks ?? []) if (n instanceof QuadletUnit) out.push(n);
    for (const v of p.volumes ?? []) if ('volume' in v && v.volume instanceof QuadletUnit) out.push(v.volume);
    if (p.secrets?.length) out.push(SiteSecrets.of(p.secrets[0].secret.site));
    return out;
  }

  /** The reference `podman run` is given. */
  public get imageReference(): string {
    const img = this.props.image;
    return typeof img === 'string' ? img : img.resolvedImage ?? '';
  }

  public commandLine(): UnitValue[] {
    const p = this.props;
    const args: UnitValue[] = [p.podmanPath ?? '/usr/bin/podman', 'run', '--rm', '--replace', `--name=${p.containerName ?? this.defaultName}`];
    if (p.pull) args.push(`--pull=${p.pull}`);
    if (p.user) args.push(`--user=${p.user}`);
    if (p.entrypoint) args.push(`--entrypoint=${p.entrypoint}`);
    for (const n of p.networks ?? []) args.push(`--network=${n.networkName}`);
    for (const f of p.envFiles ?? []) args.push(systemdText('--env-file=', f.hostPath));
    for (const [k, v] of Object.entries(p.environment ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) args.push(systemdText(`--env=${k}=`, v));
    for (const s of p.secrets ?? []) {
      const how = s.env ? `type=env,target=${s.env}` : `type=mount${s.target ? `,target=${s.target}` : ''}`;
      args.push(`--secret=${s.secret.secretName},${how}`);
    }
    for (const m of p.volumes ?? []) args.push(systemdText('--volume=', mountSpec(m, 'name')));
    args.push(...(p.podmanArgs ?? []), this.imageReference, ...(p.command ?? []));
    return args;
  }

  public validate(site: Site, report: Reporter): void {
    const p = this.props;
    if (typeof p.image === 'string') checkImageRef(p.image, site, p, report);
    if (p.podmanPath !== undefined) checkCommand([p.podmanPath], report);
    checkLiteralSecrets(p.environment ?? {}, report);
    checkMounts(p.volumes ?? [], report);
    // `podman run --replace --name X` has the name rules of a container, the all-hex one too
    // (NAME004); the default name is the unit's, whose own check covers the rest.
    checkPodmanName(report, p.containerName ?? this.defaultName, 'container name', p.containerName === undefined);
    for (const s of p.secrets ?? []) checkSecretMount(s, report);
    const flag = credentialFlagIn((p.podmanArgs ?? []).map((a) => literalOf(a)));
    if (flag) report('SECRET001', `${flag} among the podman arguments of the job puts a credential in the unit`, CREDENTIALS_HINT);
  }
}

/** systemd needs an absolute path (or a specifier that expands to one) as the command. */
export function checkCommand(argv: readonly UnitValue[], report: Reporter): void {
  if (argv.length === 0) {
    report('UNIT006', 'the command is empty');
    return;
  }
  if (!isAbsolutePath(argv[0])) report('UNIT003', `"${literalOf(argv[0])}" is not an absolute path`);
}

function checkLiteralSecrets(env: Record<string, UnitValue>, report: Reporter): void {
  for (const [k, v] of Object.entries(env)) {
    const secret = literalSecretIn(k, literalOf(v));
    if (secret) report('SECRET001', `${secret} but is set as a literal value in the unit`);
  }
}
