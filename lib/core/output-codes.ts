import { defineCodes } from './diagnostics';

/**
 * Problems with the output folder itself, found while writing it (`writeOutput`, `recoverOutput`,
 * `verifyOutput`). They are raised as an `OutputError` carrying one of these codes; the path of
 * its diagnostic is the output folder. Stable: never renumber, only add.
 */
export const OUTPUT_CODES = defineCodes({
  OUTPUT001: {
    title: 'a path would leave the output folder',
    hint: 'every path quadlet-cdk writes or deletes must be relative, normalized (no "", "." or ".." segment), not reserved (.quadlet-cdk*) and not under a symbolic link; nothing was written or deleted',
  },
  OUTPUT002: {
    title: 'the output manifest is damaged',
    hint: 'nothing was deleted: quadlet-cdk only deletes what a manifest it can read lists; restore the manifest (git checkout -- .quadlet-cdk-manifest.json) or delete it and synth again',
  },
  OUTPUT003: {
    title: 'the output folder cannot be written',
    hint: 'check that the output folder exists or can be created, and that the user running synth may write to it',
  },
  OUTPUT004: {
    title: 'another synth is writing to the output folder',
    hint: 'wait for it (pass lockWaitMs to wait), or remove the lock file if no synth is running',
  },
  OUTPUT005: {
    title: 'a file the manifest does not list is in the way',
    hint: 'move the file or folder the message names away; quadlet-cdk never overwrites or deletes a file it did not write',
  },
  OUTPUT006: {
    title: 'committed output could not be moved into place',
    hint: 'fix the cause the message gives and synth again (or call recoverOutput): it finishes the move',
  },
});
