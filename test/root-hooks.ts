/**
 * Root hooks for every mocha run (loaded through `require` in .mocharc.json, see .projenrc.ts).
 * Update variables make tests rewrite the files they compare against: under CI, refuse them all
 * before a single test runs.
 */
import { updateRequested, updateVariables } from '../lib/testing/update';

export const mochaHooks = {
  beforeAll(): void {
    for (const name of updateVariables()) updateRequested(name);
  },
};
