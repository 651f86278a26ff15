/**
 * `node resynth.js <app> <outdir>`: with the library loaded, builds and synthesizes the app into
 * an output folder that already holds its output (a no-change re-synth), and prints the median
 * ms of 5 rounds of build + synth + write.
 */
import * as path from 'path';
import { App } from '../lib/core/app';

const [file, outdir] = process.argv.slice(2);
const build: (app: App) => void = require(path.resolve(file)).default;
const times: number[] = [];
for (let i = 0; i < 6; i++) {
  const t0 = performance.now();
  const app = new App({ outdir });
  build(app);
  const r = app.synth();
  if (i === 0) continue; // round 0 warms the JIT (and writes, if the folder was not current)
  if (r.written.length > 0) throw new Error(`a no-change re-synth wrote ${r.written.join(', ')}`);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
process.stdout.write(`resynth ${times[2].toFixed(1)} ms\n`);
