/** Finding the validators, and the run/temp-dir helpers every wrapper shares (see `validators.ts`). */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Absolute paths of the validators that were found; a missing tool is `undefined`. */
export interface ValidatorPaths {
  /**
   * Podman's quadlet generator (>= 5.4), e.g. `.tools/podman/usr/libexec/podman/quadlet`.
   * @default - undefined: not found
   */
  quadlet?: string;
  /**
   * The `caddy` binary (2.6.x from Debian 12 when installed by the script).
   * @default - undefined: not found
   */
  caddy?: string;
  /**
   * `systemd-analyze` (systemd 252 on Debian 12).
   * @default - undefined: not found
   */
  systemdAnalyze?: string;
}

/** Where each validator comes from: env var name, `.tools` path, system fallback. */
const TOOLS = {
  quadlet: { env: 'QUADLET_BIN', local: '.tools/podman/usr/libexec/podman/quadlet', name: 'quadlet' },
  caddy: { env: 'CADDY_BIN', local: '.tools/caddy/usr/bin/caddy', name: 'caddy' },
  systemdAnalyze: { env: 'SYSTEMD_ANALYZE_BIN', local: undefined, name: 'systemd-analyze' },
} as const;

export type ToolKey = keyof typeof TOOLS;

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

/** One quadlet generator found on this machine. */
export interface QuadletGenerator {
  /** What `quadlet -version` prints, e.g. `5.8.6`. */
  readonly version: string;
  /** Absolute path of the binary. */
  readonly bin: string;
}

/** `quadlet -version` per binary: asked once per process. */
const generatorVersions = new Map<string, string | undefined>();

/**
 * Every quadlet generator found, oldest first: `QUADLET_BINS` (space-separated, env var, then
 * `.tools/validators.env`), the one {@link findValidators} picks, and the `.tools/podman-sid`
 * install of `scripts/ensure-validators.sh` (Debian unstable's podman, >= 5.8).
 */
export function findQuadlets(repoRoot: string = defaultRepoRoot()): QuadletGenerator[] {
  const fromFile = readEnvFile(path.join(repoRoot, '.tools', 'validators.env'));
  const candidates = [
    ...(process.env.QUADLET_BINS ?? fromFile.QUADLET_BINS ?? '').split(/\s+/),
    findValidators(repoRoot).quadlet,
    path.join(repoRoot, '.tools/podman-sid/usr/libexec/podman/quadlet'),
  ];
  const out = new Map<string, QuadletGenerator>();
  for (const bin of candidates) {
    if (!bin || !isExecutable(bin)) continue;
    if (!generatorVersions.has(bin)) generatorVersions.set(bin, quadletVersion(bin));
    const version = generatorVersions.get(bin);
    if (version && !out.has(version)) out.set(version, { version, bin });
  }
  return [...out.values()].sort((a, b) => compareDotted(a.version, b.version));
}

/**
 * The generator to check units of a site that targets podman `target` with: the one of the same
 * minor release, else the oldest newer one (it knows every key the target does), else the newest.
 * Undefined when none is installed.
 */
export function quadletFor(target: string, repoRoot?: string): QuadletGenerator | undefined {
  const all = findQuadlets(repoRoot);
  const minor = (v: string) => v.split('.').slice(0, 2).join('.');
  return all.find((g) => minor(g.version) === minor(target))
    ?? all.find((g) => compareDotted(g.version, target) > 0)
    ?? all[all.length - 1];
}

/** Numeric order of dotted versions (`5.10` after `5.9`); a `-suffix` is ignored. */
function compareDotted(a: string, b: string): number {
  const x = a.split('-')[0].split('.').map(Number);
  const y = b.split('-')[0].split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

// --- helpers ------------------------------------------------------------------
/** Writes `files` (relative paths) under `root`, refusing paths that escape it. */
export function writeTree(root: string, files: Record<string, string>): void {
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
export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-validate-'));
}

/** Runs `fn` with a fresh temp dir that is always removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = makeTempDir();
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What {@link run} returns; `status` is null when the process was killed. */
export interface RunResult {
  /** The exit code, or null when the process was killed. */
  status: number | null;
  /** What it printed on standard output. */
  stdout: string;
  /** What it printed on standard error. */
  stderr: string;
}

/** spawnSync with text output; throws if the binary cannot be started. */
export function run(bin: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string }): RunResult {
  const res = spawnSync(bin, args, { ...opts, encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw new Error(`failed to run ${bin} ${args.join(' ')}: ${res.error.message}`);
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/**
 * The explicit binary, else (for quadlet with a target podman version) the generator of that
 * release ({@link quadletFor}), else the one {@link findValidators} finds, else a clear error.
 */
export function resolveBin(key: ToolKey, explicit?: string, podmanVersion?: string): string {
  const bin = explicit ?? (key === 'quadlet' && podmanVersion ? quadletFor(podmanVersion)?.bin : undefined) ?? findValidators()[key];
  if (!bin) {
    const tool = TOOLS[key];
    throw new Error(`${tool.name} not found: run scripts/ensure-validators.sh (or set ${tool.env})`);
  }
  return bin;
}

/** System install of a tool, or undefined (quadlet only when >= 5.4). */
export function systemTool(key: ToolKey): string | undefined {
  if (key !== 'quadlet') return which(TOOLS[key].name);
  const bin = '/usr/libexec/podman/quadlet';
  if (!isExecutable(bin)) return undefined;
  const [major, minor] = (quadletVersion(bin) ?? '0.0').split('.').map(Number);
  const [wantMajor, wantMinor] = MIN_QUADLET;
  return major > wantMajor || (major === wantMajor && minor >= wantMinor) ? bin : undefined;
}

/** First executable `name` on PATH. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir || '.', name);
    if (isExecutable(p)) return path.resolve(p);
  }
  return undefined;
}

/** An existing regular file we may execute. */
export function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `KEY=VALUE` lines of a simple env file; missing file gives `{}`. */
export function readEnvFile(file: string): Record<string, string> {
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
