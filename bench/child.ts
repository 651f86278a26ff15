/**
 * One measurement in a fresh process: `node child.js <lib> <shape> <n> [write]`, where lib is
 * `quadlet-cdk` or `cdk8s`. Prints one JSON line: load, build (construct the tree), synth (render
 * in memory, all checks included) and write times in ms, and the process's peak RSS in MB.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const startMs = performance.now(); // ms since the process started: node's own start-up

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  const [lib, shape, nText, write] = process.argv.slice(2);
  const n = parseInt(nText, 10);
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const shapes = require(lib === 'cdk8s' ? './cdk8s-shapes' : './shapes');
  // Diagnosis only: QUADLET_CDK_BENCH_SKIP=key,key replaces those site checks with no-ops.
  for (const key of (process.env.QUADLET_CDK_BENCH_SKIP ?? '').split(',').filter(Boolean)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../lib/core/app').registerSiteCheck(key, () => {});
  }
  const t1 = performance.now();
  const app = shapes[shape](n);
  const t2 = performance.now();
  let files = 0;
  let writeMs = 0;
  let rawWriteMs = 0;
  let synthEnd = 0;
  if (lib === 'cdk8s') {
    files = app.synthYaml().length; // bytes of YAML, for a sanity check
    synthEnd = performance.now();
  } else {
    // The sites shape is a tree with errors on purpose (every cross-site check fires).
    const out = app.synthFiles({ allowErrors: shape === 'sites' });
    synthEnd = performance.now();
    files = out.files.length;
    if (write === 'write') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { writeOutput } = require('../lib/core/output');
      // The file system's own cost: the same files written with plain writeFileSync. The two
      // alternate over a few rounds (which goes first swaps each round) and each side's median
      // counts, so that neither gets the quieter disk on a shared machine.
      const timedWrite = (fn: (dir: string) => void): number => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-bench-'));
        const r0 = performance.now();
        fn(dir);
        const ms = performance.now() - r0;
        fs.rmSync(dir, { recursive: true, force: true });
        return ms;
      };
      const raw = (dir: string): void => {
        const made = new Set<string>();
        for (const f of out.files) {
          const p = path.join(dir, f.path);
          if (!made.has(path.dirname(p))) fs.mkdirSync(path.dirname(p), { recursive: true });
          made.add(path.dirname(p));
          fs.writeFileSync(p, f.content);
        }
      };
      const ours = (dir: string): void => { writeOutput(dir, out.files); };
      const rawTimes: number[] = [];
      const ourTimes: number[] = [];
      // Five rounds below 10,000: a round at 1,000 is under a second, and a shared disk makes single ones noisy.
      for (let round = 0; round < (n >= 10000 ? 2 : 5); round++) {
        if (round % 2 === 0) rawTimes.push(timedWrite(raw));
        ourTimes.push(timedWrite(ours));
        if (round % 2 === 1) rawTimes.push(timedWrite(raw));
      }
      writeMs = median(ourTimes);
      rawWriteMs = median(rawTimes);
    }
  }
  const result = {
    lib, shape, n, files,
    startupMs: startMs,
    loadMs: t1 - t0,
    buildMs: t2 - t1,
    synthMs: synthEnd - t2,
    writeMs,
    rawWriteMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main();
