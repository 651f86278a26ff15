import { CodeInfo } from '../core/diagnostics';

/**
 * Findings of `quadlet-cdk import`. They go into the import report (text or JSON), never into a
 * synth, so they have their own catalogue here (listed in docs/import.md) rather than the synth
 * one: an import does not fail over a field it cannot map, it says what it did with it.
 * Stable: never renumber, only add.
 */
export const IMPORT_CODES: Readonly<Record<string, CodeInfo>> = {
  IMPORT001: { title: 'input cannot be parsed', hint: 'fix the YAML or unit-file syntax the message points at; nothing else is refused as a whole' },
  IMPORT002: { title: 'required variable is not set', hint: 'set the variable in the shell, in .env beside the compose file, or with --env-file' },
  IMPORT003: { title: 'field has no construct equivalent', hint: 'the generated site carries a // TODO(import) comment beside the construct: decide by hand', severity: 'warning' },
  IMPORT004: { title: 'field written through the escape hatch', hint: 'podman can express it, the typed props cannot: review the podmanArgs / addEntry line', severity: 'info' },
  IMPORT005: { title: 'port published on every interface', hint: 'the import keeps it public as the source had it; set bind: \'127.0.0.1\' if only the local proxy should reach it', severity: 'warning' },
  IMPORT006: { title: 'secret value moved out of the source', hint: 'the value goes into the env file or podman secret named in the message, never into TypeScript', severity: 'info' },
  IMPORT007: { title: 'library check on the imported site', hint: 'the imported site does not pass a check as it is: review the item (the import did not fail for it)', severity: 'warning' },
  IMPORT008: { title: 'database image with a pattern', hint: 'a library pattern can replace the hand-made container and wire its consumers', severity: 'info' },
  IMPORT009: { title: 'dependency mapped with a caveat', hint: 'read how the condition was mapped; check the start order on the host', severity: 'info' },
  IMPORT010: { title: 'variable not set, empty string used', hint: 'set the variable (shell, .env or --env-file) and import again, or edit the value in the site', severity: 'warning' },
  IMPORT011: { title: 'value changed to fit the library', hint: 'the message says what changed and why; check it means the same on your host', severity: 'info' },
  IMPORT012: { title: 'input skipped', hint: 'the message says why it was left out (inactive profile, unsupported file, extension field)', severity: 'info' },
};
