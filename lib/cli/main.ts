/** The entry point of the `quadlet-cdk` bin (bin/quadlet-cdk.js): real stdout, stderr and cwd. */
import { CliIo } from './command';
import { runCli } from './registry';

/** The process's own streams and working folder. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

/** Runs the command and sets the exit code (streams are flushed before node exits). */
export function main(argv: readonly string[]): void {
  runCli(argv, processIo).then((code) => { process.exitCode = code; });
}
