/**
 * `quadlet-cdk import compose|quadlet|run ...`: the CLI over the import library. It writes the
 * site file given with --out (or prints it) and the report (text, or JSON with --report json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { booleanFlag, listFlag, ParsedArgs, parseFlags, stringFlag, UsageError } from '../cli/args';
import { CliCommand, CliIo, ExitCode } from '../cli/command';
import { importCompose, ImportResult, importPodmanRun, importQuadlets } from './api';
import { emitDecls, libraryNames } from './emit';
import { formatImportReport } from './report';
import { UnitFileInput } from './quadlet-import';

const USAGE = `Usage: quadlet-cdk import compose <compose.yaml> [-f <override.yaml>]... [--env-file <file>]...
                          [--profile <name>]... [--project-name <name>] [options]
       quadlet-cdk import quadlet <dir> [--site-name <name>] [options]
       quadlet-cdk import run [--site-name <name>] [--append] [options] -- podman run|create|network create|volume create ...

Brings an existing site in as TypeScript: a compose project, a folder of quadlet units (with the
env files and plain units beside them), or one podman command line. Nothing is dropped silently:
what the constructs cannot say is written through the escape hatch (podmanArgs, addEntry) or as a
// TODO(import) comment, and every such case is in the report.

Options:
  -o, --out <site.ts>     write the site file here (default: print it; the report then goes to stderr)
  --append                (run) add the constructs to an existing site file made by import
  --json                  print the report as JSON (the same as --report json)
  --report json|text      the report's format (default text)
  --podman-version <v>    the podman release the site targets (default 5.4.2): newer keys go through podmanArgs
  --library <module>      the module the site imports the library from (default quadlet-cdk)
  --force                 overwrite an existing --out file
  -h, --help              this text

Compose: variables come from the shell, then --env-file files (default: .env beside the file);
--profile activates profiles (COMPOSE_PROFILES works too); -f files merge over the first in order.

Exit codes: 0 imported, 1 the input could not be read (see the report), 2 wrong usage.

Examples:
  quadlet-cdk import compose compose.yaml --env-file prod.env --out apps/wiki.ts
  quadlet-cdk import quadlet ~/.config/containers/systemd --out apps/home.ts --json
  quadlet-cdk import run --out apps/home.ts --append -- podman run -d --name web -p 8080:80 docker.io/library/nginx:1.27
`;

const IMPORT_FLAGS = {
  'file': { type: 'string', short: 'f', multiple: true },
  'env-file': { type: 'string', multiple: true },
  'profile': { type: 'string', multiple: true },
  'project-name': { type: 'string', short: 'p' },
  'site-name': { type: 'string' },
  'out': { type: 'string', short: 'o' },
  'report': { type: 'string' },
  'json': { type: 'boolean' },
  'podman-version': { type: 'string' },
  'library': { type: 'string' },
  'append': { type: 'boolean' },
  'force': { type: 'boolean' },
} as const;

interface Parsed {
  readonly mode?: string;
  /** The arguments after the mode (for run: the podman command line after `--`). */
  readonly positional: string[];
  readonly parsed: ParsedArgs;
  readonly json: boolean;
}

function parse(args: readonly string[]): Parsed {
  const parsed = parseFlags(args, IMPORT_FLAGS);
  const report = parsed.flags.report;
  if (report !== undefined && report !== 'json' && report !== 'text') throw new UsageError('--report takes json or text');
  const [mode, ...positional] = parsed.positionals;
  return { mode, positional, parsed, json: booleanFlag(parsed, 'json') || report === 'json' };
}

/** Every file under `dir` (relative paths), skipping hidden folders; unit files, env files and drop-ins. */
function readFolder(dir: string): UnitFileInput[] {
  const out: UnitFileInput[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (e.name.startsWith('.') && e.name !== '.env') continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push({ path: p, text: fs.readFileSync(path.join(dir, p), 'utf8') });
    }
  };
  walk('');
  return out;
}

/** Adds the constructs of `result` to a site file an import wrote before. */
export function appendToSite(existing: string, result: ImportResult): string | undefined {
  const end = existing.lastIndexOf('\n};');
  const importLine = /^import \{ ([^}]*) \} from ('[^']*');$/m.exec(existing);
  if (end < 0 || !importLine || !existing.includes('export default (app: App): void => {')) return undefined;
  const taken = new Set([...existing.matchAll(/const (\w+) =/g)].map((m) => m[1]));
  for (const d of result.model.decls) {
    for (let i = 2; taken.has(d.varName); i++) d.varName = `${d.varName.replace(/\d+$/, '')}${i}`;
    taken.add(d.varName);
  }
  const names = new Set([...importLine[1].split(',').map((s) => s.trim()).filter((s) => s), ...libraryNames(result.model)]);
  const sorted = [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  const body = existing.slice(0, end) + '\n' + emitDecls(result.model.decls).join('\n') + existing.slice(end);
  return body.replace(importLine[0], `import { ${sorted.join(', ')} } from ${importLine[2]};`);
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  let p: Parsed;
  try {
    p = parse(args);
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message);
    throw e;
  }
  const flags = p.parsed;
  if (booleanFlag(flags, 'help')) {
    io.stdout(USAGE);
    return ExitCode.OK;
  }
  const str = (name: string) => stringFlag(flags, name, '') || undefined;
  const common = { podmanVersion: str('podman-version'), libraryImport: str('library') };
  const resolve = (f: string) => path.resolve(io.cwd, f);
  let result: ImportResult;
  if (p.mode === 'compose') {
    const [main, ...more] = [...p.positional, ...listFlag(flags, 'file')];
    if (!main) return usage(io, 'import compose needs a compose file');
    const read = (f: string) => fs.existsSync(resolve(f)) ? fs.readFileSync(resolve(f), 'utf8') : undefined;
    const text = read(main);
    if (text === undefined) return usage(io, `cannot read ${main}`);
    const overrides = more.map((f) => ({ path: resolve(f), text: read(f) ?? '' }));
    io.stderr(`quadlet-cdk import: reading ${[main, ...more].join(', ')}\n`);
    result = importCompose(text, {
      ...common, path: resolve(main), overrides, projectName: str('project-name'), profiles: listFlag(flags, 'profile'),
      envFiles: listFlag(flags, 'env-file').length ? listFlag(flags, 'env-file').map(resolve) : undefined,
      environment: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
    });
  } else if (p.mode === 'quadlet') {
    const [dir] = p.positional;
    if (!dir || !fs.existsSync(resolve(dir)) || !fs.statSync(resolve(dir)).isDirectory()) return usage(io, 'import quadlet needs a folder of unit files');
    const files = readFolder(resolve(dir));
    io.stderr(`quadlet-cdk import: reading ${files.length} files from ${dir}\n`);
    result = importQuadlets(files, { ...common, siteName: str('site-name') });
  } else if (p.mode === 'run') {
    const argv = p.positional;
    if (argv.length === 0) return usage(io, 'import run needs a command line after --');
    result = importPodmanRun(argv, { ...common, siteName: str('site-name') });
  } else {
    return usage(io, p.mode ? `unknown import source ${p.mode}` : 'say what to import: compose, quadlet or run');
  }

  const reportText = p.json ? JSON.stringify(result.report, null, 2) + '\n' : formatImportReport(result.report);
  if (!result.ok) {
    io.stderr(reportText);
    io.stderr('quadlet-cdk import: the input could not be read; nothing written\n');
    return ExitCode.FAILED;
  }
  const outFlag = str('out');
  if (!outFlag) {
    io.stdout(result.source);
    io.stderr(reportText);
    return ExitCode.OK;
  }
  const out = resolve(outFlag);
  let source = result.source;
  if (booleanFlag(flags, 'append') && fs.existsSync(out)) {
    const merged = appendToSite(fs.readFileSync(out, 'utf8'), result);
    if (merged === undefined) return usage(io, `${outFlag} is not a site file written by import (no default export to append to)`);
    source = merged;
  } else if (fs.existsSync(out) && !booleanFlag(flags, 'force')) {
    return usage(io, `${outFlag} exists: pass --force to overwrite it, or --append (run) to add to it`);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, source);
  io.stdout(reportText);
  io.stderr(`quadlet-cdk import: wrote ${outFlag}\n`);
  return ExitCode.OK;
}

function usage(io: CliIo, message: string): number {
  io.stderr(`quadlet-cdk import: ${message}\n\n${USAGE}`);
  return ExitCode.USAGE;
}

/** `quadlet-cdk import`: compose files, quadlet folders and podman command lines to a site. */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Bring an existing site in: compose files, quadlet units or podman run lines as TypeScript',
  usage: USAGE,
  run,
};
