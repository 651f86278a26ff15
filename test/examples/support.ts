import { expect } from 'chai';
import { App } from '../../lib';
import {
  caddyAdapt, caddyValidate, findValidators, quadletDryRun, QuadletResult, requireValidators, systemdVerify, SystemdVerifyResult, Testing,
} from '../../lib/testing';

/** Where a site with the home layout puts each kind of file, under its output folder. */
export const QUADLET = '.config/containers/systemd';
export const USER_UNITS = '.config/systemd/user';
export const CADDY = '.config/caddy';

/** Build an example into a fresh in-memory app and return its files; any diagnostic fails. */
export function synthExample(build: (app: App) => unknown): Record<string, string> {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-examples' });
  build(app);
  const out = app.synthFiles({ allowErrors: true });
  expect(out.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path} ${d.message}`)).to.deep.equal([]);
  return Testing.filesOf(out);
}

/** Skip when a validator is missing, unless validators are required (CI). */
export function needs(tool: 'quadlet' | 'caddy' | 'systemdAnalyze', ctx: Mocha.Context): void {
  if (findValidators()[tool]) return;
  if (requireValidators()) throw new Error(`${tool} missing: run scripts/ensure-validators.sh`);
  ctx.skip();
}

/** The site folder's quadlet units through `quadlet -dryrun -user`. */
export function dryRunSite(files: Record<string, string>, siteDir = ''): QuadletResult {
  return quadletDryRun(Testing.area(files, join(siteDir, QUADLET)));
}

/** The site's timers, services and targets through `systemd-analyze verify`, beside its generated services. */
export function verifySite(files: Record<string, string>, siteDir = ''): SystemdVerifyResult {
  return systemdVerify(Testing.area(files, join(siteDir, QUADLET)), Testing.area(files, join(siteDir, USER_UNITS)));
}

/** `caddy validate` and `caddy adapt` on the site's Caddy folder; returns the sorted reverse_proxy dial targets. */
export function caddyDials(files: Record<string, string>, siteDir = ''): string[] {
  const tree = Testing.area(files, join(siteDir, CADDY));
  const v = caddyValidate(tree);
  expect(v.ok, v.output).to.equal(true);
  const adapted = caddyAdapt(tree);
  expect(adapted.ok, adapted.output).to.equal(true);
  return [...JSON.stringify(adapted.config).matchAll(/"dial":"([^"]+)"/g)].map((m) => m[1]).sort();
}

/** Every env template leaves each of its (at least `min`) secrets empty: the tree never holds a secret value. */
export function expectNoSecretValues(files: Record<string, string>, min: number): void {
  const entries = Testing.secretEntries(files);
  expect(entries.length, entries.map((e) => `${e.file}: ${e.line}`).join('\n')).to.be.at.least(min);
  for (const { file, line } of entries) expect(line, file).to.match(/^[A-Z0-9_]+=$/);
  // No real env file is generated, only templates.
  expect(Object.keys(files).filter((p) => /\.env$/.test(p))).to.deep.equal([]);
}

/** `PublishPort=` values of every container in the tree. */
export function publishedPorts(files: Record<string, string>): string[] {
  return Object.entries(files).filter(([p]) => p.endsWith('.container'))
    .flatMap(([, t]) => [...t.matchAll(/^PublishPort=(.*)$/gm)].map((m) => m[1])).sort();
}

function join(dir: string, rest: string): string {
  return dir ? `${dir}/${rest}` : rest;
}
