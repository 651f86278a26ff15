import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isCi } from '../../lib/testing/update';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');

/** The environment of a fresh shell: no npm or projen variables of the process running the tests. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$|PROJEN_|QUADLET_CDK_OUTDIR$|TS_NODE_)/i.test(k)) env[k] = v;
  }
  return { ...env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(cmd: string, args: string[], cwd: string, timeout = 120_000): string {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error}):\n${out.slice(-6000)}`);
  return out;
}

/** `npm install` of `args`, from the npm cache when it can, else from the registry. */
export function npmInstall(args: string[], cwd: string): string {
  try {
    return run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...args], cwd, 180_000);
  } catch {
    return run('npm', ['install', '--no-audit', '--no-fund', ...args], cwd, 180_000);
  }
}

let packed: { dir: string; tarball: string; files: string[] } | undefined;

/**
 * `npm pack` of this repository, exactly as a publish would make it (its prepack compiles lib/
 * into a clean build/), once per test process. Returns the tarball and the files in it.
 */
export function packedTarball(): { tarball: string; files: string[] } {
  if (!packed) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-pack-'));
    const r = spawnSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env: cleanEnv(), encoding: 'utf8', timeout: 480_000 });
    if (r.status !== 0) throw new Error(`npm pack failed (${r.status ?? r.signal ?? r.error}):\n${`${r.stdout}${r.stderr}`.slice(-6000)}`);
    const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0]; // prepack's output comes before the JSON
    packed = { dir, tarball: path.join(dir, info.filename), files: info.files.map((f: { path: string }) => f.path).sort() };
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return { tarball: packed.tarball, files: packed.files };
}

/**
 * Slow tests (npm pack and installs) run under CI (`CI`, or `.ci/run`'s
 * QUADLET_CDK_REQUIRE_VALIDATORS=1: CI must never skip them) or when QUADLET_CDK_SLOW_TESTS=1 is set.
 */
export function slowTests(): boolean {
  return isCi() || process.env.QUADLET_CDK_SLOW_TESTS === '1';
}
