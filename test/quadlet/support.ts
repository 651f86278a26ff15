import { App } from '../../lib';
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

/** Synth the app (errors allowed) and run the real generator on its quadlet units. */
export function dryRun(app: App): QuadletResult {
  return quadletDryRun(quadletFiles(app));
}

/** The values of one key in a generated unit, in order. */
export function values(unit: string | undefined, key: string): string[] {
  return (unit ?? '').split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
}
