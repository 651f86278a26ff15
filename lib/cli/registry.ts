/**
 * The `quadlet-cdk` command: its subcommands, top-level help and dispatch. A capability adds a
 * subcommand by exporting a CliCommand from its own folder and listing it in COMMANDS.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './args';
import { CliCommand, CliIo, ExitCode } from './command';
import { importCommand } from '../import/command';
import { applyCommand, diffCommand } from '../deploy/command';
import { docsCommand } from './docs-command';
import { doctorCommand } from '../host/command';
import { graphCommand } from './graph-command';
import { synthCommand } from './synth-command';
import { validateCommand } from './validate-command';
import { watchCommand } from './watch-command';

/** Every subcommand, in the order `quadlet-cdk --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  synthCommand,
  watchCommand,
  validateCommand,
  graphCommand,
  docsCommand,
  importCommand,
  doctorCommand,
  diffCommand,
  applyCommand,
];

/** This package's version, from its package.json. */
export function version(): string {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
}

/** The text of `quadlet-cdk --help`. */
export function mainUsage(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: quadlet-cdk <command> [options]',
    '',
    'Compiles a typed site tree (apps/*.ts) into Podman Quadlet units, systemd units, Caddy routes',
    'and LLM gateway configs, checked against each other before a file is written.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     print this help (`quadlet-cdk <command> --help` for a command\'s)',
    '  -v, --version  print the version',
    '',
    'Exit codes: 0 ok; 1 diagnostics with errors, differences or a failed check; 2 wrong usage',
    'or an internal error.',
    '',
  ].join('\n');
}

const wantsHelp = (args: readonly string[]) => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** Runs `quadlet-cdk <argv>`; resolves to the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(mainUsage(commands));
    return ExitCode.USAGE;
  }
  if (name === '--help' || name === '-h') {
    io.stdout(mainUsage(commands));
    return ExitCode.OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return ExitCode.OK;
  }
  const helpFor = name === 'help' ? rest[0] : undefined;
  const command = commands.find((c) => c.name === (helpFor ?? name));
  if (name === 'help' && helpFor === undefined) {
    io.stdout(mainUsage(commands));
    return ExitCode.OK;
  }
  if (!command) {
    io.stderr(`quadlet-cdk: unknown command "${helpFor ?? name}"; the commands are ${commands.map((c) => c.name).join(', ')} (see quadlet-cdk --help)\n`);
    return ExitCode.USAGE;
  }
  if (helpFor !== undefined || wantsHelp(rest)) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return ExitCode.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (e: any) {
    if (e instanceof UsageError) {
      io.stderr(`quadlet-cdk ${command.name}: ${e.message}\n(see quadlet-cdk ${command.name} --help)\n`);
    } else {
      io.stderr(`quadlet-cdk ${command.name}: internal error: ${e?.stack ?? e}\n`);
    }
    return ExitCode.USAGE;
  }
}
