/**
 * The daily loop of a site author, timed as whole processes against their baselines (medians of
 * interleaved runs, so machine noise hits both sides alike):
 * - `quadlet-cdk synth apps/sodimo.ts` (the bin, a no-change re-synth and a first write) against
 *   `node -e 0`: target within 4x;
 * - `npx projen synth` of this repository against `npx projen --version`: target within 2x;
 * - a no-change re-synth touches no file (every entry's inode, mtime and ctime compared);
 * - a re-synth inside one process (library loaded) and a `quadlet-cdk watch` re-synth after a
 *   one-line change of the reference site.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository: the nearest folder up from here whose package.json is quadlet-cdk's. */
function findRoot(dir: string): string {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const pkg = path.join(d, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'quadlet-cdk') return d;
  }
  throw new Error(`no quadlet-cdk package.json above ${dir}`);
}

const ROOT = findRoot(__dirname);
const BIN = path.join(ROOT, 'bin', 'quadlet-cdk');

/** What the loop measured; the caller prints the targets table from it. */
export interface LoopFigures {
  readonly nodeMs: number;
  readonly synthNoChangeMs: number;
  readonly synthFreshMs: number;
  readonly projenVersionMs: number;
  readonly projenSynthMs: number;
  readonly touched: string[];
  readonly resynthInProcessMs: number;
  readonly watchResynthMs: number | undefined;
  /** Why the watch figure is missing: what the watch process printed last. */
  readonly watchProblem?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function wall(cmd: string, argv: string[], cwd = ROOT): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Every entry under `dir` (and `dir` itself) with what a write would change. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    const st = fs.lstatSync(p, { bigint: true });
    out.set(path.relative(dir, p) || '.', `${st.ino} ${st.mtimeNs} ${st.ctimeNs} ${st.size}`);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(dir);
  return out;
}

function touchedBetween(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/**
 * `quadlet-cdk watch` on a copy of the reference site: ms of the re-synth after a one-line change
 * (median of 5 edits), or why there is none (the last lines the watch printed).
 */
async function watchResynth(app: string): Promise<{ ms?: number; problem?: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-bench-watch-'));
  try {
    fs.mkdirSync(path.join(dir, 'apps'));
    const copy = path.join(dir, 'apps', path.basename(app));
    const source = fs.readFileSync(app, 'utf8').replace(/from '\.\.\/lib'/g, `from ${JSON.stringify(path.join(ROOT, 'lib'))}`);
    fs.writeFileSync(copy, source);
    const child = spawn(process.execPath, [BIN, 'watch'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let exited = false;
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', () => { exited = true; });
    const rounds = () => [...err.matchAll(/in (\d+) ms/g)].map((m) => Number(m[1]));
    const wait = async (n: number) => {
      const end = Date.now() + 60_000;
      while (rounds().length < n && !exited && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    };
    await wait(1);
    const times: number[] = [];
    for (let i = 0; i < 5 && !exited; i++) {
      fs.writeFileSync(copy, `${source}\n// edit ${i}\n`);
      await wait(2 + i);
      times.push(rounds()[1 + i]);
    }
    child.kill('SIGTERM');
    if (times.length === 5 && times.every((t) => t !== undefined)) return { ms: median(times) };
    const last = err.trim().split('\n').slice(-3).join(' / ');
    return { problem: `${exited ? 'the watch exited' : 'no report within 60 s'}${last ? `; it printed: ${last}` : ''}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Measures the loop on `app` (relative to the repository); `compiled` is the app and `resynth` the
 * bench/resynth.js script, both compiled to JavaScript.
 */
export async function loopFigures(app: string, runs: number, compiled: { app: string; resynth: string }): Promise<LoopFigures> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-bench-loop-'));
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-bench-fresh-'));
  const npx = path.join(path.dirname(process.execPath), 'npx');
  try {
    wall(process.execPath, [BIN, 'synth', app, '--out', out]); // fills the transpile cache, writes once
    const node: number[] = [];
    const noChange: number[] = [];
    const first: number[] = [];
    for (let i = 0; i < runs; i++) {
      node.push(wall(process.execPath, ['-e', '0']));
      noChange.push(wall(process.execPath, [BIN, 'synth', app, '--out', out]));
      fs.rmSync(fresh, { recursive: true, force: true });
      first.push(wall(process.execPath, [BIN, 'synth', app, '--out', fresh]));
    }
    const before = snapshot(out);
    wall(process.execPath, [BIN, 'synth', app, '--out', out]);
    const touched = touchedBetween(before, snapshot(out));
    const version: number[] = [];
    const synth: number[] = [];
    for (let i = 0; i < Math.max(3, Math.ceil(runs / 2)); i++) {
      version.push(wall(npx, ['projen', '--version']));
      synth.push(wall(npx, ['projen', 'synth']));
    }
    const watch = await watchResynth(path.join(ROOT, app));
    const inProcess = spawnSync(process.execPath, [compiled.resynth, compiled.app, path.join(out, path.basename(app, '.ts'))], { cwd: ROOT, encoding: 'utf8' });
    return {
      nodeMs: median(node),
      synthNoChangeMs: median(noChange),
      synthFreshMs: median(first),
      projenVersionMs: median(version),
      projenSynthMs: median(synth),
      touched,
      resynthInProcessMs: Number(/resynth ([\d.]+) ms/.exec(inProcess.stdout)?.[1] ?? NaN),
      watchResynthMs: watch.ms,
      watchProblem: watch.problem,
    };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}
