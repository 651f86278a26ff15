/**
 * Test support for the importers: runs a generated site file the way `quadlet-cdk synth` does,
 * type-checks a batch of them with tsc, and compares the services the quadlet generator renders.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from '../../lib';
import { systemdSplit } from '../../lib/import/words';

export const LIB = path.resolve(__dirname, '../../lib');
const ROOT = path.resolve(__dirname, '../..');

/** A fresh folder for generated sites (removed by the caller with `fs.rmSync`). */
export function scratchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `qcdk-${prefix}-`));
}

/**
 * Loads a generated site file (under ts-node, as the synth runner does), runs its default
 * export into a new App and synthesizes in memory. Returns the quadlet files by name.
 */
export function synthSiteFile(file: string): { quadlets: Record<string, string>; files: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file);
  const app = new App({ outdir: path.join(os.tmpdir(), 'qcdk-unused') });
  mod.default(app);
  const out = app.synthFiles();
  const quadlets: Record<string, string> = {};
  for (const f of out.files) {
    if (f.path.includes('containers/systemd/')) quadlets[path.basename(f.path)] = f.content;
  }
  return { quadlets, files: out.files.map((f) => f.path) };
}

/** `tsc --noEmit` over generated site files with the project's compiler settings; '' when clean. */
export function typeCheck(files: readonly string[]): string {
  const dir = path.dirname(files[0]);
  const config = {
    extends: path.join(ROOT, 'tsconfig.json'),
    // Incremental: the library's own files are checked once per run, not once per call.
    compilerOptions: { noEmit: true, rootDir: '/', types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')], baseUrl: ROOT, incremental: true, tsBuildInfoFile: path.join(os.tmpdir(), 'qcdk-import-sites.tsbuildinfo') },
    files: files.map((f) => path.resolve(f)),
    include: [],
  };
  const cfg = path.join(dir, 'tsconfig.check.json');
  fs.writeFileSync(cfg, JSON.stringify(config));
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', cfg], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return res.status === 0 ? '' : `${res.stdout}${res.stderr}`;
}

/** One rendered service: sections of entries, comments and SourcePath left out. */
export type ServiceView = Record<string, string[]>;

/** `[Unit]` and `[Install]` keys whose values are lists of words: compared as sets of names. */
const LIST_KEYS = new Set(['After', 'Before', 'Requires', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'RequiresMountsFor', 'WantedBy', 'RequiredBy', 'Alias', 'UpheldBy', 'Also', 'OnFailure']);

/** Parses a generated service into comparable entries (`Key=value`, list keys split into names). */
export function serviceView(text: string, flagOrderFree = false): ServiceView {
  const view: ServiceView = {};
  let section = '';
  // Both renderings ran in their own temporary unit folder: relative paths resolve against it.
  for (const raw of text.replace(/\/[^\s"]*\/quadlet-cdk-validate-[A-Za-z0-9]+\/units/g, '<units>').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const h = /^\[(.+)\]$/.exec(line);
    if (h) {
      section = h[1];
      continue;
    }
    if (!['Unit', 'Service', 'Install'].includes(section)) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'SourcePath') continue;
    const list = (view[section] ??= []);
    // systemd reads list values as words, quotes removed (`Alias="a.service"` is a.service).
    if (LIST_KEYS.has(key)) (systemdSplit(value) ?? [value]).forEach((v) => list.push(`${key}=${v}`));
    else if (key === 'ExecStart' || key === 'ExecStartPre' || key === 'ExecStop' || key === 'ExecStopPost' || key === 'ExecReload') list.push(`${key}=${JSON.stringify(argvView(systemdSplit(value), flagOrderFree))}`);
    else list.push(`${key}=${value}`);
  }
  for (const k of Object.keys(view)) view[k] = [...new Set(view[k])].sort();
  return view;
}

/**
 * The argv as compared: order-free, the command word and the last argument must match and the
 * rest must be the same multiset of words.
 */
function argvView(argv: string[], flagOrderFree: boolean): unknown {
  if (!flagOrderFree || argv.length < 3) return argv;
  return { head: argv.slice(0, 2), last: argv[argv.length - 1], words: argv.slice(2, -1).sort() };
}

/**
 * The differences between two rendered services ([] when they match). When only the order of
 * podman flags differs, it is compared again order-free: the generator fills some flags from a
 * Go map (IP/IP6, DNS, build and pull options), so their order changes from run to run.
 */
export function diffServices(a: string, b: string): string[] {
  const strict = diffViews(serviceView(a), serviceView(b));
  return strict.length ? diffViews(serviceView(a, true), serviceView(b, true)) : strict;
}

function diffViews(x: ServiceView, y: ServiceView): string[] {
  const out: string[] = [];
  for (const section of ['Unit', 'Service', 'Install']) {
    const xs = new Set(x[section] ?? []);
    const ys = new Set(y[section] ?? []);
    for (const e of xs) if (!ys.has(e)) out.push(`- [${section}] ${e}`);
    for (const e of ys) if (!xs.has(e)) out.push(`+ [${section}] ${e}`);
  }
  return out;
}
