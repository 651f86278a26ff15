/**
 * How apply talks to the host: systemctl, podman and journalctl, in the site's scope (`--user`
 * for rootless sites). One seam, so tests drive apply with a scripted host and the real-run
 * harness with the real one.
 */
import { spawnSync } from 'child_process';

/** What a command did. */
export interface CommandResult {
  /** The exit status (-1 when it could not run or timed out). */
  readonly status: number;
  /** What it printed on stdout. */
  readonly stdout: string;
  /** What it printed on stderr. */
  readonly stderr: string;
}

/** Runs one command (argv[0] found on PATH). */
export type CommandRunner = (argv: readonly string[], timeoutMs: number) => CommandResult;

/** The real runner: `spawnSync`, no shell. */
export const runCommand: CommandRunner = (argv, timeoutMs) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error.message) : '') };
};

/** A unit's state as `systemctl show` gives it. */
export interface UnitStatus {
  /** `ActiveState`: active, activating, failed, inactive, ... */
  readonly activeState: string;
  /** `SubState`: running, auto-restart, dead, ... */
  readonly subState: string;
  /** `Result`: success, exit-code, timeout, ... */
  readonly result: string;
  /** `NRestarts`: how often systemd restarted it. */
  readonly restarts: number;
  /** `ActiveEnterTimestampMonotonic`: changes on every (re)start. */
  readonly enteredActive: string;
}

/** systemctl, podman and journalctl in one scope. */
export class Host {
  public constructor(
    /** Rootless: `systemctl --user`, `journalctl --user`. */
    public readonly rootless: boolean,
    private readonly run: CommandRunner = runCommand,
  ) {}

  /** `systemctl [--user] <args>` as it would be typed, for --no-systemd and --dry-run. */
  public systemctlLine(args: readonly string[]): string {
    return ['systemctl', ...(this.rootless ? ['--user'] : []), ...args].join(' ');
  }

  public systemctl(args: readonly string[], timeoutMs = 120_000): CommandResult {
    return this.run(['systemctl', ...(this.rootless ? ['--user'] : []), ...args], timeoutMs);
  }

  public status(unit: string): UnitStatus {
    const r = this.systemctl(['show', unit, '-p', 'ActiveState,SubState,Result,NRestarts,ActiveEnterTimestampMonotonic'], 30_000);
    const v = new Map(r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    return {
      activeState: v.get('ActiveState') ?? 'unknown',
      subState: v.get('SubState') ?? 'unknown',
      result: v.get('Result') ?? 'unknown',
      restarts: Number(v.get('NRestarts') ?? '0') || 0,
      enteredActive: v.get('ActiveEnterTimestampMonotonic') ?? '',
    };
  }

  /** `podman healthcheck run <container>`: true when the check passes now. */
  public healthy(container: string): boolean {
    return this.run(['podman', 'healthcheck', 'run', container], 60_000).status === 0;
  }

  public podman(args: readonly string[], timeoutMs = 120_000): CommandResult {
    return this.run(['podman', ...args], timeoutMs);
  }

  /** The last `lines` journal lines of a unit (and of its container, which logs under its own name). */
  public journal(unit: string, container: string | undefined, lines = 15): string[] {
    const scope = this.rootless ? ['--user'] : [];
    const own = this.run(['journalctl', ...scope, '-u', unit, '-n', String(lines), '--no-pager', '-o', 'cat'], 30_000).stdout;
    let out = own.split('\n').filter((l) => l !== '' && !/^-- No entries --$/.test(l));
    if (container) {
      const logs = this.run(['podman', 'logs', '--tail', String(lines), container], 30_000);
      if (logs.status === 0) out = [...out, ...`${logs.stdout}${logs.stderr}`.split('\n').filter((l) => l !== '').map((l) => `${container}: ${l}`)];
    }
    return out.slice(-lines);
  }
}
