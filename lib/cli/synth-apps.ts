/**
 * `npx projen synth`: runs every app under a folder, each into its own output folder.
 * Usage: synth-apps <apps-dir> <out-root> [app-name ...]
 * An app is a `<name>.ts` file in the folder, or a `<name>/app.ts` in a subfolder (with the files
 * it reads beside it, e.g. examples/two-hosts/site.toml); either way it goes to `<out-root>/<name>`.
 * Runs under ts-node, so apps are TypeScript. An app module either builds its own App and calls
 * `app.synth()`, or exports `default (app: App) => void`. Every app runs even if an earlier one fails, so
 * all problems show at once; the exit code is 1 if any app failed. A failed app writes nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, SynthResult } from '../core/app';
import { formatDiagnostics, ValidationError } from '../core/diagnostics';
import { OutputError } from '../core/output';

function main(argv: string[]): number {
  const [appsDir = 'apps', outRoot = 'dist', ...only] = argv;
  if (!fs.existsSync(appsDir)) {
    console.error(`quadlet-cdk: no apps folder ${appsDir}`);
    return 1;
  }
  const apps = fs.readdirSync(appsDir, { withFileTypes: true }).flatMap((e): Array<{ name: string; file: string }> => {
    if (e.isFile() && /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) return [{ name: e.name.replace(/\.ts$/, ''), file: e.name }];
    if (e.isDirectory() && fs.existsSync(path.join(appsDir, e.name, 'app.ts'))) return [{ name: e.name, file: `${e.name}/app.ts` }];
    return [];
  }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((a) => only.length === 0 || only.includes(a.name));
  if (apps.length === 0) {
    console.error(`quadlet-cdk: no apps (*.ts, or */app.ts) in ${appsDir}${only.length ? ` named ${only.join(', ')}` : ''}`);
    return 1;
  }
  let failed = 0;
  for (const { name, file } of apps) {
    const outdir = path.join(outRoot, name);
    const results: SynthResult[] = [];
    const listener = (_app: App, r: SynthResult) => results.push(r);
    App.synthListeners.push(listener);
    process.env.QUADLET_CDK_OUTDIR = outdir;
    try {
      // An app either synthesizes itself, or exports `default (app: App) => void` and lets the
      // runner create, synthesize and write it (tests can then build it in memory).
      const mod = require(path.resolve(appsDir, file));
      if (results.length === 0 && typeof mod.default === 'function') {
        const app = new App({ outdir });
        mod.default(app);
        app.synth();
      }
      if (results.length === 0) console.warn(`quadlet-cdk: ${appsDir}/${file} neither called app.synth() nor exported a default function`);
      for (const r of results) report(`${appsDir}/${file}`, r);
    } catch (e) {
      failed++;
      if (e instanceof ValidationError) console.error(`quadlet-cdk: ${appsDir}/${file}: nothing written.\n${formatDiagnostics(e.diagnostics)}`);
      else if (e instanceof OutputError) console.error(`quadlet-cdk: ${appsDir}/${file}: ${e.message}`);
      else console.error(`quadlet-cdk: ${appsDir}/${file} failed:`, e);
    } finally {
      App.synthListeners.splice(App.synthListeners.indexOf(listener), 1);
      delete process.env.QUADLET_CDK_OUTDIR;
    }
  }
  return failed > 0 ? 1 : 0;
}

function report(app: string, r: SynthResult): void {
  const parts = [`${r.files.length} files`, `${r.written.length} written`, `${r.unchanged.length} unchanged`];
  if (r.removed.length) parts.push(`${r.removed.length} removed`);
  console.log(`quadlet-cdk: ${app} -> ${r.outdir}: ${parts.join(', ')}`);
  for (const p of r.removed) console.log(`  removed ${p}`);
  const warnings = r.diagnostics.filter((d) => d.severity !== 'error');
  if (warnings.length) console.log(formatDiagnostics(warnings));
}

process.exitCode = main(process.argv.slice(2));
