/**
 * The `quadlet-cdk` command: its subcommands, top-level help and dispatch. A capability adds a
 * subcommand by exporting a CliCommand from its own folder and listing it in COMMAND_LOADERS.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './args';
import { CliCommand, CliIo, ExitCode } from './command';

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * Every subcommand, in the order `quadlet-cdk --help` lists them, by name. Each is required only
 * when it runs (or for help), so `quadlet-cdk synth` never loads the importer's YAML parser, the
 * deploy planner or the validators. The name must be the command's own (a test checks).
 */
export const COMMAND_LOADERS: ReadonlyArray<readonly [string, () => CliCommand]> = [
  ['synth', () => (require('./synth-command') as typeof import('./synth-command')).synthCommand],
  ['watch', () => (require('./watch-command') as typeof import('./watch-command')).watchCommand],
  ['validate', () => (require('./validate-command') as typeof import('./validate-command')).validateCommand],
  ['graph', () => (require('./graph-command') as typeof import('./graph-command')).graphCommand],
  ['docs', () => (require('./docs-command') as typeof import('./docs-command')).docsCommand],
  ['import', () => (require('../import/command') as typeof import('../import/command')).importCommand],
  ['doctor', () => (require('../host/command') as typeof import('../host/command')).doctorCommand],
  ['diff', () => (require('../deploy/command') as typeof import('../deploy/command')).diffCommand],
  ['apply', () => (require('../deploy/command') as typeof import('../deploy/command')).applyCommand],
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The subcommand called `name`, loaded now; undefined when there is none. */
export function commandNamed(name: string): CliCommand | undefined {
  return COMMAND_LOADERS.find(([n]) => n === name)?.[1]();
}

/** Every subcommand, loaded (for the help, which lists their summaries). */
export function allCommands(): CliCommand[] {
  return COMMAND_LOADERS.map(([, load]) => load());
}

/** This package's version, from its package.json. */
export function version(): string {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
}

/** The text of `quadlet-cdk --help`. */
export function mainUsage(commands: readonly CliCommand[] = allCommands()): string {
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

/**
 * Runs `quadlet-cdk <argv>`; resolves to the exit code. Never throws. Only the command that runs
 * is loaded, unless `commands` gives the list.
 */
export async function runCli(argv: readonly string[], io: CliIo, commands?: readonly CliCommand[]): Promise<number> {
  const [name, ...rest] = argv;
  const usage = () => mainUsage(commands ?? allCommands());
  if (name === undefined) {
    io.stderr(usage());
    return ExitCode.USAGE;
  }
  if (name === '--help' || name === '-h') {
    io.stdout(usage());
    return ExitCode.OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return ExitCode.OK;
  }
  const helpFor = name === 'help' ? rest[0] : undefined;
  if (name === 'help' && helpFor === undefined) {
    io.stdout(usage());
    return ExitCode.OK;
  }
  const command = commands ? commands.find((c) => c.name === (helpFor ?? name)) : commandNamed(helpFor ?? name);
  if (!command) {
    const names = commands ? commands.map((c) => c.name) : COMMAND_LOADERS.map(([n]) => n);
    io.stderr(`quadlet-cdk: unknown command "${helpFor ?? name}"; the commands are ${names.join(', ')} (see quadlet-cdk --help)\n`);
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
