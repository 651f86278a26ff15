/**
 * The shape every `quadlet-cdk` subcommand has. The command registry (lib/cli) lists them; each
 * capability folder (lib/import, lib/deploy, ...) exports its own subcommands in this shape so the
 * CLI can wire them without knowing their internals.
 * @module quadlet-cdk/build/cli/command
 */

/** Where a command prints and where it runs. Tests pass their own to capture output. */
export interface CliIo {
  /** Writes to standard output (plain text for people, or JSON with `--json`). */
  readonly stdout: (text: string) => void;
  /** Writes progress, warnings and errors. */
  readonly stderr: (text: string) => void;
  /** The folder relative paths are resolved against. */
  readonly cwd: string;
}

/** Exit codes every subcommand uses. */
export const ExitCode = {
  /** Everything went as asked. */
  OK: 0,
  /** Diagnostics with errors, differences found, or a check that failed. */
  FAILED: 1,
  /** Wrong usage, or an internal error. */
  USAGE: 2,
} as const;

/** One `quadlet-cdk <name>` subcommand. */
export interface CliCommand {
  /** The word after `quadlet-cdk`, e.g. `synth`. */
  readonly name: string;
  /** One line for `quadlet-cdk --help`. */
  readonly summary: string;
  /** The whole text of `quadlet-cdk <name> --help`: usage line, options, examples. */
  readonly usage: string;
  /** Runs with the arguments after the subcommand's name; resolves to an exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}
