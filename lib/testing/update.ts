/**
 * Update variables (UPDATE_GOLDEN, UPDATE_ERRORS_CATALOGUE, ...) make a test rewrite the file it
 * compares against, so under CI they would turn every comparison into a comparison with itself.
 * {@link updateRequested} is the only way tests read them, and it refuses under CI.
 */
import { requireValidators } from './tools';

/** Whether this process runs as CI: `CI` is set (and not `false`), or `.ci/run` set QUADLET_CDK_REQUIRE_VALIDATORS=1. */
export function isCi(): boolean {
  return requireValidators();
}

/**
 * True when the update variable `name` is `1`, i.e. the caller should rewrite its expected file.
 * Throws when the variable is set (to anything) under CI: CI must compare, never regenerate.
 *
 * @param name the environment variable, e.g. `UPDATE_GOLDEN`
 */
export function updateRequested(name: string): boolean {
  const value = process.env[name];
  if (value === undefined || value === '') return false;
  if (isCi()) throw new Error(`${name}=${value} is refused under CI: CI compares generated files with the committed ones and never rewrites them`);
  return value === '1';
}

/** Every update variable set in the environment (names starting with UPDATE_). */
export function updateVariables(): string[] {
  return Object.keys(process.env).filter((k) => k.startsWith('UPDATE_') && process.env[k] !== '').sort();
}
