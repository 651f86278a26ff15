/**
 * Thin wrappers around the external validators the test suite uses to check
 * synthesized output: podman's quadlet generator, `systemd-analyze` and
 * `caddy`. Install them with `scripts/ensure-validators.sh` (cached in the
 * repo-local `.tools/`). Every wrapper writes its inputs into a fresh temp
 * dir, runs the tool there and removes the dir again.
 *
 * Node builtins only, so it can run before/without any dependency install.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Absolute paths of the validators that were found; a missing tool is `undefined`. */
export interface ValidatorPaths {
  /** Podman's quadlet generator (>= 5.4), e.g. `.tools/podman/usr/libexec/podman/quadlet`. */
  quadlet?: string;
  /** The `caddy` binary (2.6.x from Debian 12 when installed by the script). */
  caddy?: string;
  /** `systemd-analyze` (systemd 252 on Debian 12). */
  systemdAnalyze?: string;
}

/** Where each validator comes from: env var name, `.tools` path, system fallback. */
const TOOLS = {
  quadlet: { env: 'QUADLET_BIN', local: '.tools/podman/usr/libexec/podman/quadlet', name: 'quadlet' },
  caddy: { env: 'CADDY_BIN', local: '.tools/caddy/usr/bin/caddy', name: 'caddy' },
  systemdAnalyze: { env: 'SYSTEMD_ANALYZE_BIN', local: undefined, name: 'systemd-analyze' },
} as const;

type ToolKey = keyof typeof TOOLS;

/** Oldest quadlet generator we accept: the reference rules were checked on 5.4.2. */
const MIN_QUADLET: readonly [number, number] = [5, 4];

/** Longest any single validator run may take before it is killed. */
const RUN_TIMEOUT_MS = 120_000;

/**
 * Locates the validators. For each tool the first hit wins:
 * 1. env var `QUADLET_BIN` / `CADDY_BIN` / `SYSTEMD_ANALYZE_BIN` (if executable),
 * 2. `.tools/validators.env` written by `scripts/ensure-validators.sh`,
 * 3. the `.tools/` install paths,
 * 4. system paths: `/usr/libexec/podman/quadlet` (only if `-version` >= 5.4),
 *    `caddy` and `systemd-analyze` on `PATH`.
 *
 * @param repoRoot repository root holding `.tools/`; defaults to the nearest
 *   ancestor of this file that has a `package.json`.
 */
export function findValidators(repoRoot: string = defaultRepoRoot()): ValidatorPaths {
  const fromFile = readEnvFile(path.join(repoRoot, '.tools', 'validators.env'));
  const result: ValidatorPaths = {};
  for (const key of Object.keys(TOOLS) as ToolKey[]) {
    const tool = TOOLS[key];
    const candidates = [
      process.env[tool.env],
      fromFile[tool.env],
      tool.local && path.join(repoRoot, tool.local),
    ];
    let found = candidates.find((c): c is string => !!c && isExecutable(c));
    if (!found) found = systemTool(key);
    if (found) result[key] = found;
  }
  return result;
}

/**
 * Whether a missing validator must fail the tests instead of skipping them:
 * true when `CI` is set (non-empty and not `false`) or when
 * `QUADLET_CDK_REQUIRE_VALIDATORS=1`.
 */
export function requireValidators(): boolean {
  const ci = process.env.CI;
  if (ci && ci.toLowerCase() !== 'false') return true;
  return process.env.QUADLET_CDK_REQUIRE_VALIDATORS === '1';
}

/**
 * The version printed by `quadlet -version` (e.g. `5.4.2`), or `undefined`
 * when the binary cannot be run.
 */
export function quadletVersion(bin: string): string | undefined {
  const res = spawnSync(bin, ['-version'], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS });
  if (res.error || res.status !== 0) return undefined;
  return /\d+\.\d+(\.\d+)?/.exec(res.stdout)?.[0];
}

/** Options shared by the quadlet wrappers. */
export interface QuadletOptions {
  /** Generate rootless (`-user`) units; default `true`. */
  rootless?: boolean;
  /** Quadlet binary; default from {@link findValidators}. */
  bin?: string;
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
  const bin = resolveBin('quadlet', opts.bin);
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
  /** Value of `PODMAN` for the run (the ExecStart binary); default `/bin/true`. */
  podman?: string;
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
  const bin = resolveBin('quadlet', opts.bin);
  const tmp = makeTempDir();
  const cleanup = (): void => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const unitDir = path.join(tmp, 'units');
    const outDir = path.join(tmp, 'out');
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

/** Options for {@link systemdVerify}. */
export interface SystemdVerifyOptions {
  /** Rootless units: quadlet `-user` and `systemd-analyze --user`; default `true`. */
  rootless?: boolean;
  /** Quadlet binary; default from {@link findValidators}. */
  quadletBin?: string;
  /** `systemd-analyze` binary; default from {@link findValidators}. */
  systemdAnalyzeBin?: string;
  /**
   * Ignore `Command /x is not executable: No such file or directory`
   * (default `true`): the units target another host, and binaries such as
   * `/usr/local/bin/backup.sh` do not exist on the test machine. Other
   * errors about the command (relative path, permission) still fail.
   */
  allowMissingExecutables?: boolean;
}

/** Result of {@link systemdVerify}. */
export interface SystemdVerifyResult {
  /** Generator succeeded and no unit printed anything that is not ignored. */
  ok: boolean;
  /** All findings: generator errors, name collisions, then each unit's lines. */
  output: string;
  /** Findings per verified unit file (relative path); `''` means clean. */
  perUnit: Record<string, string>;
  /** Lines dropped as benign (see {@link SystemdVerifyOptions.allowMissingExecutables}). */
  ignored: string[];
}

/** Unit types `systemd-analyze verify` understands. */
const UNIT_SUFFIX = /\.(service|socket|timer|target|path|mount|automount|swap|slice)$/;

/** Output line for a missing ExecStart binary (systemd 252 wording). */
const MISSING_EXECUTABLE = /^\S+: Command .+ is not executable: No such file or directory$/;

/**
 * Generates the quadlet files into a temp dir (as {@link quadletGenerate},
 * with `PODMAN=/bin/true` so the missing podman binary is not reported),
 * writes the plain units (`.service`, `.timer`, `.target`, drop-ins …)
 * beside them, then runs `systemd-analyze verify --man=no [--user] <unit>`
 * once per unit file.
 *
 * verify adds each given file's directory to the unit search path, so units
 * in the same dir (and their `*.wants/` dirs) resolve each other; a
 * `Requires=` on a unit that exists nowhere fails. Rootless mode uses
 * `--user`, which in systemd 252 needs `XDG_RUNTIME_DIR` (else "Failed to
 * initialize manager: No such device or address"); a private one is made in
 * the temp dir, and `HOME` points there too so the caller's
 * `~/.config/systemd/user` units stay out. No running manager is needed.
 *
 * Every line verify prints counts as a finding, because several real
 * mistakes only warn with exit code 0: `After=app.container` ("Failed to add
 * dependency on app.container, ignoring"), unknown keys, `%z` in a plain
 * `Environment=` ("Failed to resolve specifiers … ignoring").
 *
 * Not caught by systemd 252: a `.timer` whose `Unit=` (or implied service)
 * does not exist, and `[Install]` targets; check those in the library.
 *
 * @param quadletFiles quadlet files by relative path (may be empty).
 * @param plainUnits regular systemd units by relative path.
 */
export function systemdVerify(
  quadletFiles: Record<string, string>,
  plainUnits: Record<string, string>,
  opts: SystemdVerifyOptions = {},
): SystemdVerifyResult {
  const analyze = resolveBin('systemdAnalyze', opts.systemdAnalyzeBin);
  const rootless = opts.rootless !== false;
  const allowMissing = opts.allowMissingExecutables !== false;
  const findings: string[] = [];
  const perUnit: Record<string, string> = {};
  const ignored: string[] = [];
  let ok = true;

  const gen = Object.keys(quadletFiles).length > 0
    ? quadletGenerate(quadletFiles, { rootless, bin: opts.quadletBin })
    : undefined;
  const tmp = gen ? path.dirname(gen.outDir) : makeTempDir();
  try {
    const outDir = gen ? gen.outDir : path.join(tmp, 'out');
    fs.mkdirSync(outDir, { recursive: true });
    if (gen && !gen.ok) {
      ok = false;
      findings.push(...gen.stderr.split('\n').filter((l) => l.includes('converting "')));
      if (gen.exitCode !== 0 && findings.length === 0) findings.push(`quadlet exited ${gen.exitCode}: ${gen.stderr.trim()}`);
    }
    for (const rel of Object.keys(plainUnits)) {
      if (fs.existsSync(path.join(outDir, rel))) {
        ok = false;
        findings.push(`${rel}: plain unit collides with a unit generated from the quadlet files`);
      }
    }
    writeTree(outDir, plainUnits);

    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.SYSTEMD_UNIT_PATH; // would add the caller's units to the search path
    if (rootless) {
      env.XDG_RUNTIME_DIR = path.join(tmp, 'runtime');
      env.HOME = path.join(tmp, 'home');
      fs.mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
      fs.mkdirSync(env.HOME);
    }
    for (const rel of listUnitFiles(outDir)) {
      const args = ['verify', '--man=no', ...(rootless ? ['--user'] : []), path.join(outDir, rel)];
      const res = run(analyze, args, { env, cwd: outDir });
      const lines = (res.stdout + res.stderr).split('\n').filter((l) => l.trim() !== '');
      const dropped = allowMissing ? lines.filter((l) => MISSING_EXECUTABLE.test(l)) : [];
      const kept = lines.filter((l) => !dropped.includes(l));
      ignored.push(...dropped);
      // A non-zero exit with nothing left but ignored lines was caused by them.
      const unitOk = kept.length === 0 && (res.status === 0 || dropped.length > 0);
      if (!unitOk && kept.length === 0) kept.push(`${rel}: systemd-analyze exited ${res.status ?? -1}`);
      perUnit[rel] = kept.join('\n');
      findings.push(...kept);
      ok &&= unitOk;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { ok, output: findings.join('\n'), perUnit, ignored };
}

/** Result of {@link systemdCalendar}. */
export interface SystemdCalendarResult {
  /** The expression parsed. */
  ok: boolean;
  /** `Normalized form:` line, e.g. `*-*-* 03:00:00 Europe/Paris`. */
  normalized?: string;
  /** Next elapse times (UTC), one per iteration, e.g. `Sat 2026-11-28 02:00:00 UTC`. */
  next?: string[];
  /** Raw stdout + stderr. */
  output: string;
}

/**
 * Checks an `OnCalendar=` expression with `systemd-analyze calendar`. Runs
 * with `TZ=UTC` so `next` does not depend on the machine's time zone (an
 * explicit zone in the expression, e.g. `Europe/Paris`, still applies).
 */
export function systemdCalendar(
  expr: string,
  opts: { iterations?: number; bin?: string } = {},
): SystemdCalendarResult {
  const bin = resolveBin('systemdAnalyze', opts.bin);
  const args = ['calendar', `--iterations=${opts.iterations ?? 1}`, '--', expr];
  const res = run(bin, args, { env: { ...process.env, TZ: 'UTC' } });
  const output = res.stdout + res.stderr;
  if (res.status !== 0) return { ok: false, output };
  const normalized = /^\s*Normalized form: (.*)$/m.exec(res.stdout)?.[1];
  const next = [...res.stdout.matchAll(/^\s*(?:Next elapse|Iter\. #\d+): (.*)$/gm)].map((m) => m[1]);
  return { ok: true, normalized, next, output };
}

/** Result of {@link caddyValidate}. */
export interface CaddyResult {
  /** `caddy` exited 0. */
  ok: boolean;
  /** Raw stdout + stderr (stderr carries JSON log lines and `Error: …`). */
  output: string;
}

/** Result of {@link caddyAdapt}. */
export interface CaddyAdaptResult extends CaddyResult {
  /** The adapted JSON config, when `ok`. */
  config?: any;
}

/**
 * `caddy validate --adapter caddyfile --config <tmp>/<mainFile>` on a file
 * tree (e.g. `Caddyfile` + `routes/web.caddy`), run with the tree as cwd so
 * relative imports resolve. Note that a valid result is not proof of intent:
 * a stray `reverse_proxy x:80` line outside a site block is read as two site
 * addresses and validates; check the {@link caddyAdapt} JSON as well.
 */
export function caddyValidate(
  files: Record<string, string>,
  mainFile = 'Caddyfile',
  opts: { bin?: string } = {},
): CaddyResult {
  const bin = resolveBin('caddy', opts.bin);
  return withTempDir((tmp) => {
    const res = runCaddy(bin, tmp, files, ['validate', '--adapter', 'caddyfile', '--config', path.join(tmp, 'site', mainFile)]);
    return { ok: res.status === 0, output: res.stdout + res.stderr };
  });
}

/**
 * `caddy adapt --adapter caddyfile --config <tmp>/<mainFile>`; returns the
 * parsed JSON config (stdout) plus ok/output (output is stderr only: log
 * lines, warnings such as "input is not formatted", `Error: …`).
 */
export function caddyAdapt(
  files: Record<string, string>,
  mainFile = 'Caddyfile',
  opts: { bin?: string } = {},
): CaddyAdaptResult {
  const bin = resolveBin('caddy', opts.bin);
  return withTempDir((tmp) => {
    const res = runCaddy(bin, tmp, files, ['adapt', '--adapter', 'caddyfile', '--config', path.join(tmp, 'site', mainFile)]);
    if (res.status !== 0) return { ok: false, output: res.stderr };
    return { ok: true, output: res.stderr, config: JSON.parse(res.stdout) };
  });
}

// --- helpers ------------------------------------------------------------------

/** Writes the site tree under `<tmp>/site` and runs caddy there with a private HOME. */
function runCaddy(bin: string, tmp: string, files: Record<string, string>, args: string[]): RunResult {
  const site = path.join(tmp, 'site');
  writeTree(site, files);
  // caddy writes its PKI/storage (XDG_DATA_HOME) and a smallstep `.step`
  // dir (HOME) while provisioning, e.g. for `tls internal`; keep them in tmp.
  const home = path.join(tmp, 'home');
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
  };
  return run(bin, args, { env, cwd: site });
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

/**
 * Unit files to verify under `dir`: regular files with a unit suffix, not
 * symlinks (aliases, `*.wants/` entries) and not drop-ins in `*.d/`.
 */
function listUnitFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory() && !/\.(d|wants|requires|upholds)$/.test(entry.name)) out.push(...listUnitFiles(dir, r));
    else if (entry.isFile() && UNIT_SUFFIX.test(entry.name)) out.push(r);
  }
  return out;
}

/** Writes `files` (relative paths) under `root`, refusing paths that escape it. */
function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const target = path.resolve(root, rel);
    if (path.isAbsolute(rel) || !target.startsWith(path.resolve(root) + path.sep)) {
      throw new Error(`file path must be relative and stay inside the tree: ${rel}`);
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
}

/** A fresh private temp dir. */
function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-validate-'));
}

/** Runs `fn` with a fresh temp dir that is always removed afterwards. */
function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = makeTempDir();
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What {@link run} returns; `status` is null when the process was killed. */
interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** spawnSync with text output; throws if the binary cannot be started. */
function run(bin: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string }): RunResult {
  const res = spawnSync(bin, args, { ...opts, encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw new Error(`failed to run ${bin} ${args.join(' ')}: ${res.error.message}`);
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** The explicit binary, else the one {@link findValidators} finds, else a clear error. */
function resolveBin(key: ToolKey, explicit?: string): string {
  const bin = explicit ?? findValidators()[key];
  if (!bin) {
    const tool = TOOLS[key];
    throw new Error(`${tool.name} not found: run scripts/ensure-validators.sh (or set ${tool.env})`);
  }
  return bin;
}

/** System install of a tool, or undefined (quadlet only when >= 5.4). */
function systemTool(key: ToolKey): string | undefined {
  if (key !== 'quadlet') return which(TOOLS[key].name);
  const bin = '/usr/libexec/podman/quadlet';
  if (!isExecutable(bin)) return undefined;
  const [major, minor] = (quadletVersion(bin) ?? '0.0').split('.').map(Number);
  const [wantMajor, wantMinor] = MIN_QUADLET;
  return major > wantMajor || (major === wantMajor && minor >= wantMinor) ? bin : undefined;
}

/** First executable `name` on PATH. */
function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir || '.', name);
    if (isExecutable(p)) return path.resolve(p);
  }
  return undefined;
}

/** An existing regular file we may execute. */
function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `KEY=VALUE` lines of a simple env file; missing file gives `{}`. */
function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

/** `/bin/true`, or `/usr/bin/true` on systems without the `/bin` link. */
function defaultPodman(): string {
  return isExecutable('/bin/true') ? '/bin/true' : '/usr/bin/true';
}

/** Nearest ancestor of this file with a `package.json` (the repo root). */
function defaultRepoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}
