/**
 * `node reference.js <app>`: loads the library and one app and synthesizes it in memory: every
 * check and every file rendered, nothing written. An app either calls `app.synth()` itself
 * (intercepted here) or exports `default (app: App) => void`, as `npx projen synth` runs them.
 * Prints the number of files.
 */
const startMs = performance.now();
import * as path from 'path';
// QCDK_BENCH_NO_K8S=1: the library as it was before the Kubernetes backend (lib/k8s/index.js is an
// empty module, so nothing of lib/k8s loads and no backend is registered). Set before the library
// loads: this is the baseline that "a quadlet-only synth does not pay for the backend" is measured against.
if (process.env.QCDK_BENCH_NO_K8S === '1') {
  const k8sIndex = path.join(__dirname, '../lib/k8s/index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module');
  const stub = new Module(k8sIndex);
  stub.filename = k8sIndex;
  stub.loaded = true;
  require.cache[k8sIndex] = stub;
}
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
const k8sModules = Object.keys(require.cache).filter((p) => p.includes(`${path.sep}lib${path.sep}k8s${path.sep}`) || p.includes('kubernetes-models')).length;
process.stdout.write(`${files} files; startup ${ms(startMs)} ms, load ${ms(t1 - t0)} ms, build ${ms(t2 - t1)} ms, synth ${ms(t3 - t2)} ms; k8s modules ${k8sModules}\n`);
