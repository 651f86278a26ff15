import { Construct } from 'constructs';
import { reporterFor } from '../core/diagnostics';
import { isAbsolutePath, literalOf, UnitValue } from '../render/systemd-value';
import { Mount } from '../quadlet/container';
import { EnvFile } from '../quadlet/env-file';
import { IVolume } from '../quadlet/volume';
import { ContainerJob } from '../systemd/job';
import { Timer } from '../systemd/timer';
import './codes';
import { freeId, resourceId } from './placement';
import { databaseOfVolume } from './sql-database';

/** How the backup is written. */
export type BackupTool =
  /** A dated `<name>-<UTC time>.tar.gz` per run in the target; archives older than keepDays are deleted. */
  | 'tar'
  /** An encrypted, deduplicated restic repository in the target, initialised on the first run. */
  | 'restic';

export interface BackupJobProps {
  /** Named volumes to back up, mounted read-only at /backup/<volume name>. @default - none */
  readonly volumes?: IVolume[];
  /** Host folders to back up, by name, mounted read-only at /backup/<name>. @default - none */
  readonly paths?: Record<string, UnitValue>;
  /** The host folder that receives the backups (must exist; mounted at /target). */
  readonly target: UnitValue;
  /** When to run, with a time zone. @default '*-*-* 04:00:00 UTC' */
  readonly onCalendar?: string | string[];
  /**
   * The program that copies the data.
   * @default 'tar'
   */
  readonly tool?: BackupTool;
  /** The image. @default 'docker.io/library/alpine:3.20' for tar, 'docker.io/restic/restic:0.17.3' for restic */
  readonly image?: string;
  /** Allow a floating image tag, with the reason. @default - floating tags are errors */
  readonly allowFloatingTag?: string;
  /** Days of backups to keep (tar: by file age; restic: --keep-daily). @default 14 */
  readonly keepDays?: number;
  /** The timer and service name (`<name>.timer`, `<name>.service`). @default - the construct id */
  readonly name?: string;
  /**
   * The unit's `Description=`.
   * @default 'backup <name> to <target>'
   */
  readonly description?: string;
  /**
   * Copy the data volume of a running PostgresDatabase or MariaDb anyway, with the reason. Such a
   * copy is only crash-consistent; a dump is safer.
   * @default - PATTERN006 warns
   */
  readonly allowLiveDatabase?: string;
  /** Seconds a run may take before systemd stops it. @default - no limit */
  readonly timeoutSec?: number;
}

const SOURCE_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * A nightly backup: a Timer whose oneshot service runs a container with every source mounted
 * read-only under /backup and the host target folder at /target. With restic, `<name>.env`
 * holds RESTIC_REPOSITORY (=/target) and the RESTIC_PASSWORD secret.
 *
 * ```ts
 * new BackupJob(site, 'backup', { volumes: [wiki.volume!], paths: { dotfiles: home('.config') }, target: '/mnt/nas/backup' });
 * ```
 */
export class BackupJob {
  public readonly timer: Timer;
  public readonly job: ContainerJob;
  /** restic only: the env file with the repository password. */
  public readonly envFile?: EnvFile;

  public constructor(scope: Construct, id: string, props: BackupJobProps) {
    const name = props.name ?? id;
    const tool = props.tool ?? 'tar';
    const keep = props.keepDays ?? 14;
    const volumes = props.volumes ?? [];
    const paths = Object.entries(props.paths ?? {});
    const mounts: Mount[] = [
      ...volumes.map((v): Mount => ({ volume: v, path: `/backup/${v.volumeName}`, readOnly: true })),
      ...paths.map(([n, hostPath]): Mount => ({ hostPath, path: `/backup/${n}`, readOnly: true })),
      { hostPath: props.target, path: '/target' },
    ];
    if (tool === 'restic') {
      this.envFile = new EnvFile(scope, resourceId(scope, id, name, 'env'), {
        name,
        values: { RESTIC_REPOSITORY: '/target' },
        secrets: { RESTIC_PASSWORD: { description: 'restic repository password: openssl rand -hex 32; keep a copy off this host, the backups are useless without it' } },
      });
    }
    this.job = new ContainerJob({
      image: props.image ?? (tool === 'restic' ? 'docker.io/restic/restic:0.17.3' : 'docker.io/library/alpine:3.20'),
      allowFloatingTag: props.allowFloatingTag,
      volumes: mounts,
      envFiles: this.envFile ? [this.envFile] : undefined,
      entrypoint: '/bin/sh',
      command: ['-c', tool === 'restic' ? resticScript(name, keep) : tarScript(name, keep)],
    });
    this.timer = new Timer(scope, freeId(scope, id), {
      name,
      description: props.description ?? `backup ${name} to ${literalOf(props.target)}`,
      onCalendar: props.onCalendar ?? '*-*-* 04:00:00 UTC',
      persistent: true,
      job: this.job,
      timeoutSec: props.timeoutSec,
    });
    this.check(props, name);
  }

  private check(props: BackupJobProps, name: string): void {
    const report = reporterFor(this.timer);
    const volumes = props.volumes ?? [];
    const paths = Object.keys(props.paths ?? {});
    if (volumes.length + paths.length === 0) report('PATTERN007', `backup ${name} lists no volume and no path`);
    const target = literalOf(props.target);
    if (!isAbsolutePath(props.target)) report('PATTERN008', `backup ${name}: target "${target}" is not an absolute host folder`);
    const names = new Set<string>();
    for (const n of [...volumes.map((v) => v.volumeName), ...paths]) {
      if (!SOURCE_NAME.test(n)) report('PATTERN008', `backup ${name}: source name "${n}" cannot be a folder under /backup`);
      else if (names.has(n)) report('PATTERN008', `backup ${name}: two sources are called "${n}"`);
      names.add(n);
    }
    if (!props.allowLiveDatabase) {
      for (const v of volumes) {
        const db = databaseOfVolume(v);
        if (db) report('PATTERN006', `backup ${name} copies ${v.volumeName}, the data directory of the running ${db.container.name}`);
      }
    }
  }
}

/** Write to a temporary name first, so a cut-off run never leaves a truncated archive that looks complete. */
function tarScript(name: string, keep: number): string {
  return [
    'set -eu',
    `f=/target/${name}-$(date -u +%Y%m%dT%H%M%SZ).tar.gz`,
    'tar -czf "$f.partial" -C /backup .',
    'mv "$f.partial" "$f"',
    `find /target -maxdepth 1 -name '${name}-*.tar.gz' -mtime +${keep} -delete`,
  ].join('; ');
}

/** Initialise the repository on first use; `forget --prune` keeps the target from growing forever. */
function resticScript(name: string, keep: number): string {
  return [
    'set -eu',
    'restic cat config >/dev/null 2>&1 || restic init',
    `restic backup --host ${name} /backup`,
    `restic forget --host ${name} --keep-daily ${keep} --prune`,
  ].join('; ');
}
