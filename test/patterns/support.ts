import { App, Caddy, Network, Site } from '../../lib';
import { findValidators, quadletDryRun, QuadletResult, requireValidators, Testing } from '../../lib/testing';

/** A rootless test site `lab` serving example.org on one default network. */
export function lab(): { app: App; site: Site; net: Network } {
  const { app, site } = Testing.site({ domains: ['example.org'] }, 'lab');
  const net = new Network(site, 'lab', { subnet: '10.89.0.0/24', default: true });
  return { app, site, net };
}

/** A Caddy for routes. */
export function caddyOf(site: Site): Caddy {
  return new Caddy(site, 'caddy', { image: 'docker.io/library/caddy:2.8.4-alpine' });
}

/** Skips when the quadlet generator is missing, or fails when validators are required (CI). */
export function needQuadlet(ctx: Mocha.Context): void {
  if (findValidators().quadlet) return;
  if (requireValidators()) throw new Error('quadlet generator missing: run scripts/ensure-validators.sh');
  ctx.skip();
}

/** Synth with no diagnostics at all and return the files. */
export function cleanSynth(app: App): Record<string, string> {
  const out = app.synthFiles({ allowErrors: true });
  const problems = out.diagnostics.map((d) => `${d.code} ${d.path} ${d.message}`);
  if (problems.length) throw new Error(`unexpected diagnostics:\n${problems.join('\n')}`);
  return Testing.filesOf(out);
}

/** Run the real generator on the site's quadlet units. */
export function dryRun(files: Record<string, string>): QuadletResult {
  return quadletDryRun(Testing.area(files, '.config/containers/systemd'));
}

/** `[code, path]` of every diagnostic, sorted. */
export function found(app: App): string[] {
  return Testing.diagnostics(app).map((d) => `${d.code} ${d.path}`).sort();
}
