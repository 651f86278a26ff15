import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rootfsLockFile, runLocked } from './lock';
import { reapStaleMachines, WORK_PARENT, WORK_PREFIX, writeOwner } from './reap';

/** What a command run inside the machine returned. */
export interface CommandResult {
  /** Exit status (124 when it timed out, 255 when it could not run). */
  readonly status: number;
  /** What it printed on stdout. */
  readonly stdout: string;
  /** What it printed on stderr. */
  readonly stderr: string;
}

/** Options of one command run inside the machine. */
export interface RunOptions {
  /** Text given on standard input. @default - none */
  readonly input?: string;
  /** Give up after this long. @default 120000 */
  readonly timeoutMs?: number;
  /** Throw a MachineError when the command exits non-zero. @default false */
  readonly check?: boolean;
}

/** Options of `Machine.boot`. */
export interface MachineOptions {
  /** The rootfs tarball (`ensureRootfs()`), extracted into a throw-away folder for this boot. */
  readonly rootfs: string;
  /**
   * The machine's name (nspawn's `-M`; its host name inside stays `e2e`). Machines booted at the
   * same time need different names. @default `qcdk-<pid>-<n>`, unique per process and boot
   */
  readonly name?: string;
  /** The unprivileged user that runs the site, lingering in the rootfs. @default 'e2e' */
  readonly user?: string;
  /** Its uid. @default 1000 */
  readonly uid?: number;
  /** Where the throw-away copy lives. @default a new folder under /var/tmp */
  readonly workDir?: string;
  /** Progress lines. @default - silent */
  readonly log?: (line: string) => void;
  /** Size of the tmpfs the machine runs on, in MiB (rootfs, images, containers' data). @default 4096 */
  readonly sizeMb?: number;
  /** How long the boot may take, user manager included. @default 90000 */
  readonly bootTimeoutMs?: number;
}

/** A command that failed inside the machine, with what it printed. */
export class MachineError extends Error {
  constructor(message: string, public readonly result?: CommandResult) {
    super(message);
  }
}

let bootCount = 0;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks for `ms` (the harness is synchronous: one machine, one step at a time). */
export function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Runs `fn` until it returns a value other than undefined, or throws after `timeoutMs`. */
export function waitFor<T>(what: string, timeoutMs: number, fn: () => T | undefined, everyMs = 250): T {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new MachineError(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    sleep(everyMs);
  }
}

/**
 * A booted Debian system (13, or unstable: `ensureRootfs({ suite })`): the host's `systemd-nspawn -b` on a throw-away copy of the rootfs, with
 * systemd as PID 1, a private network (only `lo`) and a lingering user running rootless Podman.
 * Commands enter it with `nsenter` (machinectl needs systemd on the host); user commands go through
 * `systemd-run --user` so they get the user's cgroup, bus and XDG_RUNTIME_DIR. Always `stop()` it.
 */
export class Machine {
  /** Boots a throw-away copy of the rootfs and waits for the system and the user's manager. */
  public static boot(options: MachineOptions): Machine {
    const log = options.log ?? (() => undefined);
    // Machines that a killed process left behind are removed first; only those (see reapStaleMachines).
    for (const line of reapStaleMachines()) log(line);
    const workDir = options.workDir ?? fs.mkdtempSync(path.join(WORK_PARENT, WORK_PREFIX));
    const root = path.join(workDir, 'root');
    fs.mkdirSync(root, { recursive: true });
    const name = options.name ?? `qcdk-${process.pid}-${++bootCount}`;
    writeOwner(workDir, { name, root });
    // On a tmpfs: extracting is faster and removing it is instant (deleting ~1 GB of small files
    // on this machine's shared disk took over a minute).
    const mnt = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${options.sizeMb ?? 4096}m,mode=755`, 'quadlet-cdk-e2e', root], { encoding: 'utf8' });
    if (mnt.status !== 0) throw new MachineError(`cannot mount a tmpfs on ${root}: ${mnt.stderr}`);
    const t0 = Date.now();
    // Under the cache's shared lock: a rebuild cannot replace or remove the tarball mid-read.
    const x = runLocked(rootfsLockFile(options.rootfs), ['sh', '-c', 'zstd -dc "$1" | tar -x -C "$2" --numeric-owner --xattrs --xattrs-include="*"', 'sh', options.rootfs, root], {
      mode: 'shared', onWait: () => log('rootfs: another process is building the rootfs; waiting to extract'),
    });
    if (x.status !== 0) {
      spawnSync('umount', ['-l', root]);
      spawnSync('rm', ['-rf', '--one-file-system', workDir]);
      throw new MachineError(`cannot extract ${options.rootfs}: ${x.stderr}`);
    }
    log(`rootfs extracted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const m = new Machine({ ...options, name }, workDir, root);
    try {
      m.start(options.bootTimeoutMs ?? 90000);
    } catch (e) {
      m.stop();
      throw e;
    }
    log(`booted in ${((Date.now() - t0) / 1000).toFixed(1)} s (systemd ${m.root(['systemctl', '--version']).stdout.split(/\s+/)[1]}, ${m.user(['podman', '--version']).stdout.trim()})`);
    return m;
  }

  /** The machine's name. */
  public readonly name: string;
  /** The site user's name and uid. */
  public readonly userName: string;
  public readonly uid: number;
  /** The machine's root folder on the host (files written here are inside it). */
  public readonly rootDir: string;
  /** nspawn's console output (boot messages) on the host. */
  public readonly consoleLog: string;
  private nspawn?: ChildProcess;
  private leader = 0;
  private stopped = false;
  private readonly onExit = () => this.stop();

  private constructor(private readonly options: MachineOptions, private readonly workDir: string, rootDir: string) {
    this.name = options.name!;
    this.userName = options.user ?? 'e2e';
    this.uid = options.uid ?? 1000;
    this.rootDir = rootDir;
    this.consoleLog = path.join(workDir, 'console.log');
  }

  /** The user's home folder, as a path inside the machine. */
  public get home(): string {
    return `/home/${this.userName}`;
  }

  /** A path inside the machine, as the host sees it. */
  public hostPath(inside: string): string {
    return path.join(this.rootDir, inside);
  }

  /** Runs a command as root inside the machine. */
  public root(cmd: string[], opts: RunOptions = {}): CommandResult {
    if (!this.leader || this.stopped) throw new MachineError('the machine is not running');
    const r = spawnSync('nsenter', ['-t', String(this.leader), '-a', ...cmd], {
      encoding: 'utf8', input: opts.input ?? '', timeout: opts.timeoutMs ?? 120000, maxBuffer: 64 * 1024 * 1024,
    });
    const result: CommandResult = {
      status: r.error ? ((r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? 124 : 255) : (r.status ?? 255),
      stdout: r.stdout ?? '',
      stderr: (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : ''),
    };
    if (opts.check && result.status !== 0) {
      throw new MachineError(`\`${cmd.join(' ')}\` exited ${result.status}: ${(result.stderr || result.stdout).trim().slice(-2000)}`, result);
    }
    return result;
  }

  /** Runs a command as the site user, in its own systemd user manager (cgroup, bus, XDG_RUNTIME_DIR). */
  public user(cmd: string[], opts: RunOptions = {}): CommandResult {
    return this.root([
      'systemd-run', '-M', `${this.userName}@.host`, '--user', '--wait', '--pipe', '--quiet', '--collect',
      `--working-directory=${this.home}`, '--', ...cmd,
    ], opts);
  }

  /** Runs a shell script as the site user (`sh -c`). */
  public userSh(script: string, opts: RunOptions = {}): CommandResult {
    return this.user(['/bin/sh', '-c', script], opts);
  }

  /** Writes a file inside the machine, owned by the site user unless `owner` says root. */
  public writeFile(inside: string, content: string | Buffer, opts: { mode?: number; owner?: 'user' | 'root' } = {}): void {
    const p = this.hostPath(inside);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content, { mode: opts.mode ?? 0o644 });
    fs.chmodSync(p, opts.mode ?? 0o644);
    if (opts.owner !== 'root') this.chownToUser(inside);
  }

  /** Gives a path (recursively) and its missing parents under the home folder to the site user. */
  public chownToUser(inside: string): void {
    const r = spawnSync('chown', ['-R', `${this.uid}:${this.uid}`, this.hostPath(inside)], { encoding: 'utf8' });
    if (r.status !== 0) throw new MachineError(`chown ${inside}: ${r.stderr}`);
    for (let d = path.posix.dirname(inside); d.startsWith(`${this.home}/`); d = path.posix.dirname(d)) {
      fs.chownSync(this.hostPath(d), this.uid, this.uid);
    }
  }

  /** The last `lines` journal lines, of the system or of one user unit (`--user-unit`). */
  public journal(opts: { userUnit?: string; unit?: string; identifier?: string; lines?: number } = {}): string {
    const args = ['journalctl', '--no-pager', '-o', 'short-monotonic', '-n', String(opts.lines ?? 40)];
    // journald here often cannot tell which user unit a short-lived process belonged to (no
    // _SYSTEMD_USER_UNIT), so also match the manager's own lines and the unit's syslog identifier
    // (quadlet sets SyslogIdentifier=%N).
    if (opts.userUnit) {
      const stem = opts.userUnit.replace(/\.service$/, '');
      args.push(`_SYSTEMD_USER_UNIT=${opts.userUnit}`, '+', `USER_UNIT=${opts.userUnit}`, '+', `SYSLOG_IDENTIFIER=${stem}`, '+', `CONTAINER_NAME=${stem}`);
    }
    if (opts.unit) args.push('-u', opts.unit);
    if (opts.identifier) args.push('-t', opts.identifier);
    const r = this.root(args, { timeoutMs: 30000 });
    return (r.stdout || r.stderr).trimEnd();
  }

  /** Stops every container at once, ends the machine and removes the throw-away copy. Idempotent. */
  public stop(): void {
    if (this.stopped) return;
    const log = this.options.log ?? (() => undefined);
    const t0 = Date.now();
    try {
      // busybox as PID 1 ignores SIGTERM: without this each container would wait its stop timeout.
      if (this.leader) this.user(['podman', 'rm', '-af', '-t', '0'], { timeoutMs: 60000 });
    } catch {
      // the machine may already be gone
    }
    const t1 = Date.now();
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    const child = this.nspawn;
    if (child?.pid && isRunning(child.pid)) {
      // A throw-away machine needs no orderly shutdown: killing its PID 1 ends its whole PID
      // namespace at once, and nspawn exits after it (a SIGTERM poweroff took 30-50 s here).
      if (this.leader) {
        try {
          process.kill(this.leader, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const end = Date.now() + 15000;
      while (isRunning(child.pid) && Date.now() < end) sleep(100);
      if (isRunning(child.pid)) child.kill('SIGKILL');
    }
    const t2 = Date.now();
    spawnSync('umount', ['-l', this.rootDir]);
    spawnSync('rm', ['-rf', '--one-file-system', this.workDir]);
    log(`stopped in ${((Date.now() - t0) / 1000).toFixed(1)} s (containers ${((t1 - t0) / 1000).toFixed(1)} s, machine ${((t2 - t1) / 1000).toFixed(1)} s, files ${((Date.now() - t2) / 1000).toFixed(1)} s)`);
  }

  private start(timeoutMs: number): void {
    const out = fs.openSync(this.consoleLog, 'a');
    this.nspawn = spawn('systemd-nspawn', [
      '-q', '-b', '-D', this.rootDir, '-M', this.name, '--hostname=e2e',
      '--register=no', '--keep-unit', // the host has no system bus
      '--private-network', '--resolv-conf=off', '--timezone=off', '--capability=all',
      '--console=read-only',
    ], {
      stdio: ['ignore', out, out],
      env: { ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: '1', SYSTEMD_SECCOMP: '0' },
    });
    fs.closeSync(out);
    process.on('exit', this.onExit);
    const nspawnPid = this.nspawn.pid!;
    this.leader = waitFor('the machine\'s PID 1 (see the console log)', 30000, () => {
      if (!isRunning(nspawnPid)) throw new MachineError(`systemd-nspawn exited at once:\n${tail(this.consoleLog, 20)}`);
      return findInit(nspawnPid);
    });
    writeOwner(this.workDir, { name: this.name, root: this.rootDir, leader: this.leader, nspawn: nspawnPid });
    const end = Date.now() + timeoutMs;
    // The system bus appears a moment after PID 1: until then systemctl prints nothing useful.
    let last = '';
    let state: string | undefined;
    try {
      state = waitFor('the machine to finish booting', timeoutMs, () => {
        const r = this.root(['systemctl', 'is-system-running', '--wait'], { timeoutMs: Math.max(1000, end - Date.now()) });
        last = (r.stderr || r.stdout).trim();
        const s = r.stdout.trim();
        return ['running', 'degraded', 'maintenance', 'stopping'].includes(s) ? s : undefined;
      }, 500);
    } catch {
      state = undefined;
    }
    if (!state) throw new MachineError(`the machine did not boot: ${last}\n${tail(this.consoleLog, 20)}`);
    if (state !== 'running') {
      const failed = this.root(['systemctl', '--failed', '--no-legend', '--plain']).stdout.trim();
      throw new MachineError(`the machine booted to "${state}" instead of "running"${failed ? `; failed units:\n${failed}` : ''}`);
    }
    waitFor(`user@${this.uid}.service (the lingering user's manager)`, Math.max(1000, end - Date.now()), () =>
      this.root(['systemctl', 'is-active', '--quiet', `user@${this.uid}.service`]).status === 0 ? true : undefined);
    waitFor('the user manager to finish starting', Math.max(1000, end - Date.now()), () => {
      const s = this.user(['systemctl', '--user', 'is-system-running'], { timeoutMs: 10000 }).stdout.trim();
      return s === 'running' || s === 'degraded' ? s : undefined;
    });
  }
}

/** True while `pid` is a live (not zombie) process. */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/** The machine's PID 1 as the host sees it: the first `systemd` below nspawn. */
function findInit(nspawnPid: number): number | undefined {
  const children = new Map<number, number[]>();
  const comm = new Map<number, string>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const m = /^(\d+) \((.*)\) \S+ (\d+)/.exec(stat);
      if (!m) continue;
      comm.set(Number(m[1]), m[2]);
      const list = children.get(Number(m[3])) ?? [];
      list.push(Number(m[1]));
      children.set(Number(m[3]), list);
    } catch {
      // gone
    }
  }
  const queue = [...(children.get(nspawnPid) ?? [])];
  while (queue.length) {
    const p = queue.shift()!;
    if (comm.get(p) === 'systemd') return p;
    queue.push(...(children.get(p) ?? []));
  }
  return undefined;
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** True when this process can boot machines: root, on Linux, with systemd-nspawn on PATH. */
export function canBootMachines(): { ok: boolean; why?: string } {
  if (os.platform() !== 'linux') return { ok: false, why: 'not Linux' };
  if (process.getuid?.() !== 0) return { ok: false, why: 'not root (systemd-nspawn needs root)' };
  const w = spawnSync('sh', ['-c', 'command -v systemd-nspawn && command -v debootstrap && command -v zstd && command -v nsenter'], { encoding: 'utf8' });
  if (w.status !== 0) return { ok: false, why: 'missing one of systemd-nspawn (systemd-container), debootstrap, zstd, nsenter' };
  return { ok: true };
}
