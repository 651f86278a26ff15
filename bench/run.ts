/**
 * `npm run bench`: scale benchmark of quadlet-cdk against cdk8s + cdk8s-plus-31.
 *
 * 1. Compiles lib/, apps/ and bench/ with tsc (bench/tsconfig.json) into
 *    node_modules/.cache/quadlet-cdk-bench, so every measurement runs plain JavaScript.
 * 2. Times `node -e 0` against a node process that loads the library and synthesizes the
 *    reference site in memory (compiled, and under ts-node --transpileOnly), medians of runs
 *    interleaved so that machine noise hits both alike.
 * 3. For each shape and N, runs bench/child.js in a fresh process (so peak memory is per N),
 *    for quadlet-cdk and for cdk8s. cdk8s runs that exceed the time limit are reported, not waited for.
 *
 * Prints markdown tables. Figures are only comparable within one run: compare the ratios.
 * Options: --quick (N up to 1,000), --runs=<k> (runs per quadlet-cdk cell, median; default 3),
 * --no-cdk8s, --cdk8s-timeout=<s> (default 60), --skip=<site check keys> adds the diagnosis table
 * (e.g. peer-hosts), --only=backends (just the quadlet/Kubernetes table).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LoopFigures, loopFigures } from './loop';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'node_modules/.cache/quadlet-cdk-bench');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const opt = (name: string, def: number) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const QUICK = flag('quick');
const RUNS = opt('runs', 3);
const CDK8S = !flag('no-cdk8s');
const CDK8S_TIMEOUT_MS = opt('cdk8s-timeout', 60) * 1000;
const SIZES = QUICK ? [25, 1000] : [25, 1000, 10000];
/** Runs per quadlet-cdk cell: one at 10,000 (its write figure is already the median of alternating rounds). */
const runsAt = (n: number) => (n >= 10000 ? Math.min(RUNS, 1) : RUNS);
const loadAverage = () => require('os').loadavg().map((x: number) => x.toFixed(2)).join(', ');
/** cdk8s's dense sort is exponential: these sizes bracket the 2.8 s the reference measured at 34. */
const CDK8S_DENSE_SIZES = QUICK ? [20, 24, 28] : [20, 24, 28, 30, 32, 34];

interface Measure {
  lib: string;
  shape: string;
  n: number;
  files: number;
  startupMs: number;
  loadMs: number;
  buildMs: number;
  synthMs: number;
  writeMs: number;
  rawWriteMs: number;
  peakRssMb: number;
  wallMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timed(cmd: string, argv: string[], timeoutMs = 600_000, env: NodeJS.ProcessEnv = process.env): { ms: number; stdout: string; status: number | null; timedOut: boolean } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const timedOut = (r.error as any)?.code === 'ETIMEDOUT' || r.signal === 'SIGTERM';
  if (r.status !== 0 && !timedOut) {
    throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  }
  return { ms, stdout: r.stdout, status: r.status, timedOut };
}

function measure(lib: string, shape: string, n: number, timeoutMs = 600_000, skip = ''): Measure | 'timeout' {
  const env = { ...process.env, QUADLET_CDK_BENCH_SKIP: skip };
  const r = timed(process.execPath, [path.join(OUT, 'bench/child.js'), lib, shape, String(n), lib === 'cdk8s' ? '' : 'write'], timeoutMs, env);
  if (r.timedOut) return 'timeout';
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()!), wallMs: r.ms };
}

/** The median of `runs` fresh-process measurements, by build+synth time; peak RSS is the largest seen. */
function measureMedian(lib: string, shape: string, n: number, runs: number, timeoutMs?: number): Measure | 'timeout' {
  const all: Measure[] = [];
  for (let i = 0; i < runs; i++) {
    const m = measure(lib, shape, n, timeoutMs);
    if (m === 'timeout') return 'timeout';
    all.push(m);
  }
  all.sort((a, b) => a.buildMs + a.synthMs - (b.buildMs + b.synthMs));
  const mid = all[Math.floor((all.length - 1) / 2)];
  return { ...mid, peakRssMb: Math.max(...all.map((m) => m.peakRssMb)) };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const mb = (x: number) => x.toFixed(0);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');

function compile(): number {
  const t0 = Date.now();
  fs.rmSync(OUT, { recursive: true, force: true });
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'bench/tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  if (!fs.existsSync(path.join(OUT, 'bench/child.js'))) throw new Error(`tsc emitted nothing:\n${r.stdout}${r.stderr}`);
  if (r.status !== 0) console.log(`(tsc reported type errors; the emitted JavaScript is used anyway)\n${r.stdout.split('\n').slice(0, 5).join('\n')}\n`);
  return Date.now() - t0;
}

function referenceApp(): { name: string; note: string } {
  if (fs.existsSync(path.join(ROOT, 'apps/sodimo.ts'))) return { name: 'sodimo', note: 'apps/sodimo.ts' };
  return { name: 'demo', note: 'apps/demo.ts (apps/sodimo.ts does not exist yet)' };
}

function startupComparison(): void {
  const ref = referenceApp();
  const compiledApp = path.join(OUT, `apps/${ref.name}.js`);
  const runner = path.join(OUT, 'bench/reference.js');
  const env = { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test/tsconfig.json') };
  const probe = timed(process.execPath, [runner, compiledApp], 60_000, env);
  const files = /(\d+) files/.exec(probe.stdout)?.[1] ?? '?';
  const breakdown = probe.stdout.trim().replace(/^\d+ files; /, '');
  const base: number[] = [];
  const compiled: number[] = [];
  const runs = QUICK ? 5 : 11;
  for (let i = 0; i < runs; i++) {
    base.push(timed(process.execPath, ['-e', '0']).ms);
    compiled.push(timed(process.execPath, [runner, compiledApp], 60_000, env).ms);
  }
  const b = median(base);
  console.log(`## Start-up: the reference site against \`node -e 0\`\n`);
  console.log(`Reference site: ${ref.note}, ${files} files, synthesized in memory (every check, no write). Median of ${runs} interleaved runs.\n`);
  console.log('For reference (no target of its own; the command\'s target is in the daily loop below).\n');
  console.log('| process | wall ms | vs node -e 0 |');
  console.log('| --- | ---: | ---: |');
  console.log(`| \`node -e 0\` | ${fmt(b)} | 1.00x |`);
  const c = median(compiled);
  console.log(`| node + compiled library (tsc) + synth | ${fmt(c)} | ${ratio(c, b)} |`);
  console.log(`\nWhere the compiled run's time goes (one run, measured inside the process): node ${breakdown} (load = requiring the app and the whole library).\n`);
}

/** Prints the scale table; returns the site cells from N = 1,000 up, for the write-path targets. */
function scaleTable(): Measure[] {
  console.log(`## Scale: fresh process per cell (median of ${RUNS} for quadlet-cdk, ${runsAt(10000)} at N = 10,000; 1 for cdk8s)\n`);
  console.log('build = construct the tree; synth = every check + render in memory; write = writeOutput to an empty folder (raw = the same files with plain writeFileSync: the cost of the file system itself); peak = process maxRSS.\n');
  console.log('| shape | N | files | build ms | synth ms | build+synth ms | write ms (raw) | peak MB | cdk8s build+synth ms | cdk8s peak MB | cdk8s / ours |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const ours: Record<string, Record<number, Measure>> = { site: {}, dense: {} };
  for (const shape of ['site', 'dense']) {
    for (const n of SIZES) {
      const m = measureMedian('quadlet-cdk', shape, n, runsAt(n)) as Measure;
      ours[shape][n] = m;
      let k8s: Measure | 'timeout' | undefined;
      if (CDK8S && (shape === 'site' || n <= 34)) k8s = measure('cdk8s', shape, n, CDK8S_TIMEOUT_MS);
      const k8sCells = k8s === undefined
        ? (shape === 'dense' ? ['not run (exponential, see below)', '', ''] : ['', '', ''])
        : k8s === 'timeout' ? [`> ${CDK8S_TIMEOUT_MS / 1000} s (killed)`, '', '']
          : [fmt(k8s.buildMs + k8s.synthMs), mb(k8s.peakRssMb), ratio(k8s.buildMs + k8s.synthMs, m.buildMs + m.synthMs)];
      console.log(`| ${shape} | ${n.toLocaleString('en')} | ${m.files} | ${fmt(m.buildMs)} | ${fmt(m.synthMs)} | ${fmt(m.buildMs + m.synthMs)} | ${fmt(m.writeMs)} (${fmt(m.rawWriteMs)}) | ${mb(m.peakRssMb)} | ${k8sCells.join(' | ')} |`);
    }
  }
  console.log('');
  console.log('Linearity (time per container at each N relative to N = 1,000; 1.00 = linear):\n');
  console.log('| shape | ' + SIZES.map((n) => `N=${n.toLocaleString('en')}`).join(' | ') + ' |');
  console.log('| --- | ' + SIZES.map(() => '---:').join(' | ') + ' |');
  for (const shape of ['site', 'dense']) {
    const per = (n: number) => (ours[shape][n].buildMs + ours[shape][n].synthMs) / n;
    console.log(`| ${shape} | ${SIZES.map((n) => (per(n) / per(1000)).toFixed(2)).join(' | ')} |`);
  }
  console.log('');
  const big = ours.site[SIZES[SIZES.length - 1]];
  if (!QUICK) {
    console.log(`Targets at N = 10,000 (site): build+synth ${fmt(big.buildMs + big.synthMs)} ms (target < 1,500: ${big.buildMs + big.synthMs < 1500 ? 'met' : 'MISSED'}), `
      + `process wall ${fmt(big.wallMs)} ms including node start-up, module load and write; peak ${mb(big.peakRssMb)} MB (target < 200: ${big.peakRssMb < 200 ? 'met' : 'MISSED'}).\n`);
  }
  for (const n of SIZES.filter((x) => x >= 1000)) {
    const m = ours.site[n];
    const w = m.writeMs / m.rawWriteMs;
    console.log(`Write path at N = ${n.toLocaleString('en')} (site, ${m.files} files, into an empty folder; medians of alternating rounds): writeOutput ${fmt(m.writeMs)} ms against ${fmt(m.rawWriteMs)} ms for plain writeFileSync, ${w.toFixed(2)}x (target within 1.3x: ${w <= 1.3 ? 'met' : 'MISSED'}).\n`);
  }
  return SIZES.filter((x) => x >= 1000).map((n) => ours.site[n]);
}

/**
 * Diagnosis, only when asked for: the same cells with one site check switched off, to show which
 * check a missed target comes from. `--skip=<key,...>` (e.g. peer-hosts, lib/quadlet/peers.ts).
 */
function diagnosisTable(): void {
  const skip = args.find((x) => x.startsWith('--skip='))?.split('=')[1];
  if (skip === undefined || skip === 'none') return;
  console.log(`## Diagnosis: the same shapes without the site check(s) \`${skip}\`\n`);
  console.log('| shape | N | build+synth ms, all checks | build+synth ms, without | peak MB without |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const shape of ['site', 'dense']) {
    for (const n of SIZES.filter((x) => x >= 1000)) {
      const all = measure('quadlet-cdk', shape, n) as Measure;
      const without = measure('quadlet-cdk', shape, n, undefined, skip) as Measure;
      console.log(`| ${shape} | ${n.toLocaleString('en')} | ${fmt(all.buildMs + all.synthMs)} | ${fmt(without.buildMs + without.synthMs)} | ${mb(without.peakRssMb)} |`);
    }
  }
  console.log('');
}

/** Many sites: the checks across sites must stay linear in the number of sites (2,000 took 5-8 s when they were not). */
function sitesTable(): void {
  const sizes = QUICK ? [250, 1000] : [250, 1000, 2000, 4000];
  console.log(`## Many sites: one container each, each naming the next site's container (cross-site checks; median of ${RUNS} runs, 1 from 2,000 sites)\n`);
  console.log('| sites | build+synth ms | per site, relative to 1,000 sites (1.00 = linear) |');
  console.log('| ---: | ---: | ---: |');
  const ms = new Map(sizes.map((n) => {
    const m = measureMedian('quadlet-cdk', 'sites', n, n >= 2000 ? Math.min(RUNS, 1) : RUNS) as Measure; // one run of the big ones: minutes each under load
    return [n, m.buildMs + m.synthMs];
  }));
  for (const n of sizes) console.log(`| ${n.toLocaleString('en')} | ${fmt(ms.get(n)!)} | ${((ms.get(n)! / n) / (ms.get(1000)! / 1000)).toFixed(2)} |`);
  console.log('');
}

function denseTable(): void {
  if (!CDK8S) return;
  console.log('## Dense graph at small N: cdk8s\'s exponential dependency sort\n');
  console.log('| N | cdk8s build+synth ms | quadlet-cdk build+synth ms |');
  console.log('| ---: | ---: | ---: |');
  for (const n of CDK8S_DENSE_SIZES) {
    const k = measure('cdk8s', 'dense', n, CDK8S_TIMEOUT_MS);
    const q = measure('quadlet-cdk', 'dense', n) as Measure;
    console.log(`| ${n} | ${k === 'timeout' ? `> ${CDK8S_TIMEOUT_MS / 1000} s` : fmt(k.buildMs + k.synthMs)} | ${fmt(q.buildMs + q.synthMs)} |`);
  }
  console.log('');
}

/**
 * The reference site through each backend, a fresh process per run (the Kubernetes renderer is
 * loaded on first use, so its load counts): synth and build+synth medians, and the ratio the
 * issue sets (Kubernetes synth under 2x the quadlet synth).
 */
function backendTable(): void {
  const ref = referenceApp();
  const runner = path.join(OUT, 'bench/reference.js');
  const app = path.join(OUT, `apps/${ref.name}.js`);
  const runs = QUICK ? 5 : 11;
  const cells: Record<string, { synth: number[]; total: number[]; files: string }> = { quadlet: { synth: [], total: [], files: '?' }, kubernetes: { synth: [], total: [], files: '?' } };
  for (let i = 0; i < runs; i++) {
    for (const backend of ['quadlet', 'kubernetes']) {
      const r = timed(process.execPath, [runner, app], 60_000, { ...process.env, QUADLET_CDK_BACKEND: backend });
      const m = /^(\d+) files; .* build ([\d.]+) ms, synth ([\d.]+) ms/.exec(r.stdout.trim());
      if (!m) throw new Error(`reference run failed: ${r.stdout}`);
      cells[backend].files = m[1];
      cells[backend].synth.push(Number(m[3]));
      cells[backend].total.push(Number(m[2]) + Number(m[3]));
    }
  }
  const q = median(cells.quadlet.synth);
  const k = median(cells.kubernetes.synth);
  console.log(`## Backends: the reference site as quadlet units and as Kubernetes manifests\n`);
  console.log(`${ref.note}, compiled, synthesized in memory in a fresh process per run; median of ${runs} interleaved runs.\n`);
  console.log('| backend | files | synth ms | build+synth ms | vs quadlet synth | target |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  console.log(`| quadlet | ${cells.quadlet.files} | ${fmt(q)} | ${fmt(median(cells.quadlet.total))} | 1.00x | |`);
  console.log(`| kubernetes | ${cells.kubernetes.files} | ${fmt(k)} | ${fmt(median(cells.kubernetes.total))} | ${ratio(k, q)} | under 2x: ${k < 2 * q ? 'met' : 'MISSED'} |`);
  console.log('');
  quadletWithoutK8sTable(runner, app, ref.note, runs * 2);
}

/** Interquartile range. */
function iqr(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const at = (f: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(f * (s.length - 1))))];
  return at(0.75) - at(0.25);
}

/**
 * The quadlet synth of the reference site as shipped, against the same library with lib/k8s
 * replaced by an empty module (bench/reference.ts, QCDK_BENCH_NO_K8S): what the Kubernetes
 * backend costs a quadlet-only synth. Unchanged within noise when the difference of the medians
 * is within the larger interquartile range of the two.
 */
function quadletWithoutK8sTable(runner: string, app: string, note: string, runs: number): void {
  const variants = { shipped: {}, 'without lib/k8s': { QCDK_BENCH_NO_K8S: '1' } } as Record<string, Record<string, string>>;
  const cells: Record<string, { synth: number[]; process: number[]; k8s: string; files: string }> = {};
  for (let i = 0; i < runs; i++) {
    for (const [name, env] of Object.entries(variants)) {
      const r = timed(process.execPath, [runner, app], 60_000, { ...process.env, QUADLET_CDK_BACKEND: 'quadlet', ...env });
      const m = /^(\d+) files; startup [\d.]+ ms, load ([\d.]+) ms, build ([\d.]+) ms, synth ([\d.]+) ms; k8s modules (\d+)/.exec(r.stdout.trim());
      if (!m) throw new Error(`reference run failed: ${r.stdout}`);
      const c = (cells[name] ??= { synth: [], process: [], k8s: m[5], files: m[1] });
      c.synth.push(Number(m[4]));
      c.process.push(r.ms);
    }
  }
  const a = cells.shipped;
  const b = cells['without lib/k8s'];
  console.log(`## Quadlet synth with and without the Kubernetes backend\n`);
  console.log(`${note} with the quadlet backend, compiled, a fresh process per run; median of ${runs} interleaved runs. "without lib/k8s" loads the library with lib/k8s/index.js replaced by an empty module.\n`);
  console.log('| library | files | lib/k8s and kubernetes-models modules loaded | synth ms (IQR) | whole process ms (IQR) |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, c] of [['as shipped', a], ['without lib/k8s', b]] as const) {
    const loaded = c === b ? `${c.k8s} (the empty stand-in)` : c.k8s;
    console.log(`| ${name} | ${c.files} | ${loaded} | ${fmt(median(c.synth))} (${fmt(iqr(c.synth))}) | ${fmt(median(c.process))} (${fmt(iqr(c.process))}) |`);
  }
  const verdictOf = (x: number[], y: number[]) => {
    const d = median(x) - median(y);
    const noise = Math.max(iqr(x), iqr(y));
    return `${d >= 0 ? '+' : ''}${fmt(d)} ms against noise ${fmt(noise)} ms: ${Math.abs(d) <= noise ? 'unchanged within noise' : 'CHANGED'}`;
  };
  console.log(`\nQuadlet synth: ${verdictOf(a.synth, b.synth)}. Whole process: ${verdictOf(a.process, b.process)}.\n`);
}

/** The daily loop (bench/loop.ts): the command's start-up, projen's, the no-change re-synth, watch. */
async function loopTable(): Promise<LoopFigures> {
  const ref = referenceApp();
  const runs = QUICK ? 5 : 11;
  const f = await loopFigures(`apps/${ref.name}.ts`, runs, { app: path.join(OUT, `apps/${ref.name}.js`), resynth: path.join(OUT, 'bench/resynth.js') });
  console.log(`## The daily loop: \`quadlet-cdk synth\` and \`npx projen synth\`\n`);
  console.log(`Reference site ${ref.note}. Whole processes, median of ${runs} interleaved runs (projen: ${Math.max(3, Math.ceil(runs / 2))}).\n`);
  console.log('| process | wall ms | ratio | target |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| \`node -e 0\` | ${fmt(f.nodeMs)} | 1.00x | |`);
  console.log(`| \`quadlet-cdk synth ${ref.note.split(' ')[0]}\`, no change | ${fmt(f.synthNoChangeMs)} | ${ratio(f.synthNoChangeMs, f.nodeMs)} | within 4x of node -e 0: ${f.synthNoChangeMs <= 4 * f.nodeMs ? 'met' : 'MISSED'} |`);
  console.log(`| \`quadlet-cdk synth ${ref.note.split(' ')[0]}\`, into an empty folder | ${fmt(f.synthFreshMs)} | ${ratio(f.synthFreshMs, f.nodeMs)} | within 4x of node -e 0: ${f.synthFreshMs <= 4 * f.nodeMs ? 'met' : 'MISSED'} |`);
  console.log(`| \`npx projen --version\` | ${fmt(f.projenVersionMs)} | 1.00x | |`);
  console.log(`| \`npx projen synth\` (apps/demo.ts and apps/sodimo.ts) | ${fmt(f.projenSynthMs)} | ${ratio(f.projenSynthMs, f.projenVersionMs)} | within 2x of projen --version: ${f.projenSynthMs <= 2 * f.projenVersionMs ? 'met' : 'MISSED'} |`);
  console.log('');
  console.log(`- A no-change re-synth touched ${f.touched.length} entries of the output folder${f.touched.length ? ` (${f.touched.slice(0, 5).join(', ')})` : ''} (target 0: ${f.touched.length === 0 ? 'met' : 'MISSED'}).`);
  console.log(`- The same re-synth inside one process (library loaded; build + synth + write check): ${fmt(f.resynthInProcessMs)} ms (target < 100: ${f.resynthInProcessMs < 100 ? 'met' : 'MISSED'}).`);
  console.log(`- \`quadlet-cdk watch\`: re-synth after a one-line change of the reference site, median of 5: ${f.watchResynthMs === undefined ? `not measured (${f.watchProblem})` : `${fmt(f.watchResynthMs)} ms (target < 200: ${f.watchResynthMs < 200 ? 'met' : 'MISSED'})`}.\n`);
  return f;
}

/** Every target of the daily loop in one table. */
function targetsTable(loop: LoopFigures, writes: Measure[]): void {
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  console.log('## Against the targets\n');
  console.log('| target | measured | verdict |');
  console.log('| --- | --- | --- |');
  console.log(`| \`quadlet-cdk synth\` of the reference site within 4x \`node -e 0\` | ${ratio(loop.synthNoChangeMs, loop.nodeMs)} no change, ${ratio(loop.synthFreshMs, loop.nodeMs)} into an empty folder | ${verdict(Math.max(loop.synthNoChangeMs, loop.synthFreshMs) <= 4 * loop.nodeMs)} |`);
  console.log(`| \`npx projen synth\` within 2x \`npx projen --version\` | ${ratio(loop.projenSynthMs, loop.projenVersionMs)} | ${verdict(loop.projenSynthMs <= 2 * loop.projenVersionMs)} |`);
  for (const m of writes) {
    const w = m.writeMs / m.rawWriteMs;
    console.log(`| write path at ${m.n.toLocaleString('en')} containers within 1.3x plain writeFileSync | ${w.toFixed(2)}x (${fmt(m.writeMs)} against ${fmt(m.rawWriteMs)} ms) | ${verdict(w <= 1.3)} |`);
  }
  console.log(`| no-change re-synth touches no file | ${loop.touched.length} entries touched | ${verdict(loop.touched.length === 0)} |`);
  console.log(`| no-change re-synth under 100 ms | ${fmt(loop.resynthInProcessMs)} ms in process | ${verdict(loop.resynthInProcessMs < 100)} |`);
  console.log(`| watch re-synth after a one-line change under 200 ms | ${loop.watchResynthMs === undefined ? 'not measured' : `${fmt(loop.watchResynthMs)} ms`} | ${verdict(loop.watchResynthMs !== undefined && loop.watchResynthMs < 200)} |`);
  console.log('');
}

async function main(): Promise<void> {
  const compileMs = compile();
  if (args.includes('--only=backends')) {
    backendTable();
    return;
  }
  const cpus = require('os').cpus();
  console.log(`# quadlet-cdk benchmark\n`);
  console.log(`node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; compiled with tsc in ${fmt(compileMs)} ms; load average ${loadAverage()} (1, 5, 15 min).`);
  console.log(`Routes in the site shape: ${fs.existsSync(path.join(OUT, 'lib/caddy/index.js')) ? 'yes (lib/caddy)' : 'no (lib/caddy not built)'}.\n`);
  startupComparison();
  backendTable();
  const loop = await loopTable();
  const writes = scaleTable();
  diagnosisTable();
  sitesTable();
  denseTable();
  targetsTable(loop, writes);
  console.log(`Finished ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${loadAverage()} (1, 5, 15 min).`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
