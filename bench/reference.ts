/**
 * `node reference.js <app>`: loads the library and one app and synthesizes it in memory: every
 * check and every file rendered, nothing written. An app either calls `app.synth()` itself
 * (intercepted here) or exports `default (app: App) => void`, as `npx projen synth` runs them.
 * Prints the number of files.
 */
const startMs = performance.now();
import * as path from 'path';
import { App } from '../lib/core/app';

let files = 0;
let synthesized = false;
(App.prototype as any).synth = function synthInMemory(this: App) {
  const out = this.synthFiles();
  files += out.files.length;
  synthesized = true;
  return { outdir: this.outdir, files: [], written: [], unchanged: [], removed: [], diagnostics: out.diagnostics };
};

const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mod = require(path.resolve(process.argv[2]));
const t1 = performance.now();
let t2 = t1;
if (!synthesized && typeof mod.default === 'function') {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-bench' });
  mod.default(app);
  t2 = performance.now();
  app.synth();
}
const t3 = performance.now();
const ms = (x: number) => x.toFixed(1);
process.stdout.write(`${files} files; startup ${ms(startMs)} ms, load ${ms(t1 - t0)} ms, build ${ms(t2 - t1)} ms, synth ${ms(t3 - t2)} ms\n`);
