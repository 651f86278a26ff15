import { App, Site } from '../../lib';
import { findValidators, quadletDryRun, QuadletResult, requireValidators, Testing } from '../../lib/testing';

/** Skips the test when the quadlet generator is missing, or fails it when validators are required (CI). */
export function needQuadlet(ctx: Mocha.Context): void {
  if (findValidators().quadlet) return;
  if (requireValidators()) throw new Error('quadlet generator missing: run scripts/ensure-validators.sh');
  ctx.skip();
}

/** The quadlet units of a rootless test site (errors allowed), by file name. */
export function quadletFiles(app: App): Record<string, string> {
  return Testing.area(Testing.filesOf(app.synthFiles({ allowErrors: true })), '.config/containers/systemd');
}

/** The podman release the app's (first) site targets. */
export function targetOf(app: App): string {
  return (app.node.findAll().find((c) => Site.isSite(c)) as Site | undefined)?.podmanVersion ?? '5.4.2';
}

/**
 * Synth the app (errors allowed) and run the real generator on its quadlet units: the generator of
 * the release the site targets when one is installed (5.4.2 and 5.8.6 by scripts/ensure-validators.sh).
 */
export function dryRun(app: App): QuadletResult {
  return quadletDryRun(quadletFiles(app), { podmanVersion: targetOf(app) });
}

/** The values of one key in a generated unit, in order. */
export function values(unit: string | undefined, key: string): string[] {
  return (unit ?? '').split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
}
