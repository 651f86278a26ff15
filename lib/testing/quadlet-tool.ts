/** Wrappers around podman's quadlet generator (see `validators.ts`). */
import * as fs from 'fs';
import * as path from 'path';
import { isExecutable, makeTempDir, resolveBin, run, RunResult, withTempDir, writeTree } from './tools';

/** Options shared by the quadlet wrappers. */
export interface QuadletOptions {
  /**
   * Generate rootless (`-user`) units; default `true`.
   * @default true
   */
  rootless?: boolean;
  /**
   * Quadlet binary; default from {@link findValidators}.
   * @default - the one findValidators finds
   */
  bin?: string;
  /**
   * The podman release the units target (the site's `podmanVersion`): without `bin`, the units
   * are checked by that release's generator when one is installed (see {@link quadletFor}).
   * @default - the one findValidators finds
   */
  podmanVersion?: string;
}

/** Result of a quadlet generator run. */
export interface QuadletResult {
  /** Exit code 0 and no `converting "…"` error line on stderr. */
  ok: boolean;
  /** The generator's exit code (-1 if it was killed). */
  exitCode: number;
  /** Raw stdout (the dry run prints the units here). */
  stdout: string;
  /** Raw stderr (`converting "x.container": …` errors, warnings, load log). */
  stderr: string;
  /** Generated units by file name, e.g. `{ 'web.service': '[Unit]\n…' }`. */
  services: Record<string, string>;
}

/**
 * Runs `QUADLET_UNIT_DIRS=<tmp> quadlet -dryrun [-user]` on the given quadlet
 * files and parses the `---name.service---` blocks it prints. The dry run
 * shows `/usr/bin/podman` in ExecStart and creates no `[Install]` symlinks.
 *
 * @param files quadlet files by relative path (`web.container`, `sub/db.volume`,
 *   drop-ins such as `web.container.d/10-env.conf`).
 */
export function quadletDryRun(files: Record<string, string>, opts: QuadletOptions = {}): QuadletResult {
  const bin = resolveBin('quadlet', opts.bin, opts.podmanVersion);
  return withTempDir((tmp) => {
    const unitDir = path.join(tmp, 'units');
    writeTree(unitDir, files);
    const env: NodeJS.ProcessEnv = { ...process.env, QUADLET_UNIT_DIRS: unitDir };
    delete env.PODMAN; // show the real podman path, not a caller's override
    const args = ['-dryrun', ...(opts.rootless === false ? [] : ['-user'])];
    const res = run(bin, args, { env, cwd: tmp });
    return { ...quadletStatus(res), services: parseDryRun(res.stdout) };
  });
}

/** Options for {@link quadletGenerate}. */
export interface QuadletGenerateOptions extends QuadletOptions {
  /**
   * Value of `PODMAN` for the run (the ExecStart binary); default `/bin/true`.
   * @default '/bin/true'
   */
  podman?: string;
  /**
   * The folder, inside the run's temporary folder, the quadlet files are written to: it shows in
   * `SourcePath=` and in paths the generator resolves against it (podman's corpus asserts those).
   * @default 'units'
   */
  unitFolder?: string;
}

/** Result of a real generator run; the caller must call `cleanup()`. */
export interface QuadletGenerateResult extends QuadletResult {
  /** Absolute path of the generator's output dir (units plus `*.wants/` symlinks). */
  outDir: string;
  /** Absolute path of the dir the quadlet files were written to (`SourcePath=`). */
  unitDir: string;
  /** Removes both dirs; safe to call more than once. */
  cleanup: () => void;
}

/**
 * Real generator run: `PODMAN=/bin/true QUADLET_UNIT_DIRS=<tmp> quadlet [-user]
 * -no-kmsg-log <out>`. Unlike the dry run this also creates the `[Install]`
 * symlinks (`default.target.wants/web.service -> ../web.service`, aliases) in
 * `outDir`. `services` holds the regular `.service` files written to `outDir`.
 */
export function quadletGenerate(
  files: Record<string, string>,
  opts: QuadletGenerateOptions = {},
): QuadletGenerateResult {
  const bin = resolveBin('quadlet', opts.bin, opts.podmanVersion);
  const tmp = makeTempDir();
  const cleanup = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const unitDir = path.join(tmp, opts.unitFolder ?? 'units');
    const outDir = path.join(tmp, 'out');
    if (!unitDir.startsWith(tmp + path.sep)) throw new Error(`unitFolder must stay inside the run's folder: ${opts.unitFolder}`);
    writeTree(unitDir, files);
    fs.mkdirSync(outDir);
    const env = { ...process.env, QUADLET_UNIT_DIRS: unitDir, PODMAN: opts.podman ?? defaultPodman() };
    const args = [...(opts.rootless === false ? [] : ['-user']), '-no-kmsg-log', outDir];
    const res = run(bin, args, { env, cwd: tmp });
    const services: Record<string, string> = {};
    for (const name of fs.readdirSync(outDir)) {
      const p = path.join(outDir, name);
      if (name.endsWith('.service') && fs.lstatSync(p).isFile()) services[name] = fs.readFileSync(p, 'utf8');
    }
    return { ...quadletStatus(res), services, outDir, unitDir, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/** ok/exitCode/stdout/stderr of a quadlet run. */
function quadletStatus(res: RunResult): Omit<QuadletResult, 'services'> {
  const exitCode = res.status ?? -1;
  const ok = exitCode === 0 && !res.stderr.includes('converting "');
  return { ok, exitCode, stdout: res.stdout, stderr: res.stderr };
}

/**
 * Splits dry-run stdout into units. Each unit is printed as `---name---`,
 * its file content, then one blank separator line, which is dropped so the
 * text equals the file a real run writes.
 */
function parseDryRun(stdout: string): Record<string, string> {
  const services: Record<string, string> = {};
  const parts = stdout.split(/^---(.+)---$\n?/m);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    services[parts[i]] = parts[i + 1].replace(/\n\n$/, '\n');
  }
  return services;
}

/** `/bin/true`, or `/usr/bin/true` on systems without the `/bin` link. */
function defaultPodman(): string {
  return isExecutable('/bin/true') ? '/bin/true' : '/usr/bin/true';
}
