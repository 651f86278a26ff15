/** Parsing a subcommand's arguments: GNU-style flags through Node's own `util.parseArgs`. */
import { parseArgs } from 'util';

/** Wrong usage: an unknown flag, a missing value, a file that does not exist. Exit code 2. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One flag of a subcommand. */
export interface FlagSpec {
  /** `string` takes a value (`--out DIR` or `--out=DIR`); `boolean` does not. */
  readonly type: 'string' | 'boolean';
  /** A one-letter alias, e.g. `o` for `-o`. @default - none */
  readonly short?: string;
  /** The flag may be given several times; its value is then the list, in order. @default false */
  readonly multiple?: boolean;
}

/** The flags and positional arguments of one invocation. */
export interface ParsedArgs {
  /** The flags given, by long name: a string for a flag with a value (a list for a `multiple` one), `true` for a switch. */
  readonly flags: Record<string, string | boolean | string[] | undefined>;
  /** The arguments that are not flags, in order. */
  readonly positionals: string[];
}

/**
 * Parses `args` against `flags` (every subcommand also takes `--help`/`-h`). Unknown flags and
 * missing values raise a UsageError that names them.
 */
export function parseFlags(args: readonly string[], flags: Record<string, FlagSpec>): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...flags, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { flags: values as ParsedArgs['flags'], positionals };
  } catch (e: any) {
    throw new UsageError(String(e?.message ?? e).replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** The value of a string flag, or `fallback`. */
export function stringFlag(parsed: ParsedArgs, name: string, fallback: string): string {
  const v = parsed.flags[name];
  return typeof v === 'string' ? v : fallback;
}

/** Every value of a flag declared `multiple` (none: []). */
export function listFlag(parsed: ParsedArgs, name: string): string[] {
  const v = parsed.flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** Whether a boolean flag was given. */
export function booleanFlag(parsed: ParsedArgs, name: string): boolean {
  return parsed.flags[name] === true;
}
