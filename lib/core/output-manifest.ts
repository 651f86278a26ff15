/**
 * The parts of an output folder that the write, lock and recovery steps share: the manifest,
 * the one rule every path in the folder obeys, the names quadlet-cdk reserves in the folder,
 * the error they raise and small file helpers.
 */
import { hash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic, makeDiagnostic } from './diagnostics';
import { OUTPUT_CODES } from './output-codes';

/** One file produced by synth, before it is written. */
export interface GeneratedFile {
  /** Relative to the app's output folder, `/`-separated. */
  readonly path: string;
  /** The file's text. */
  readonly content: string;
  /** The construct that produced it. */
  readonly constructPath: string;
}

export interface ManifestEntry {
  /** The file's path relative to the output folder, `/`-separated. */
  readonly path: string;
  /** The SHA-256 of the file's content, hex. */
  readonly sha256: string;
  /** The path of the construct that produced the file. */
  readonly construct: string;
}

export const MANIFEST_FILE = '.quadlet-cdk-manifest.json';
export const STAGING_DIR = '.quadlet-cdk-staging';
export const NEXT_MANIFEST = 'manifest.next.json';
/** A staging folder is renamed here before it is deleted, so a half-deleted one is never mistaken for a write. */
export const TRASH_DIR = '.quadlet-cdk-trash';

/** The SHA-256 of `content` (UTF-8), hex. One-shot: no Hash object per file. */
export function sha256(content: string): string {
  return hash('sha256', content, 'hex');
}

/** The manifest of a set of files: sorted by path. */
export function manifestOf(files: readonly GeneratedFile[]): ManifestEntry[] {
  return byPath(files).map(entryOf);
}

/** `files` sorted by path (stable; synth hands them over sorted, which the sort only confirms). */
export function byPath(files: readonly GeneratedFile[]): GeneratedFile[] {
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A file's manifest entry. */
export function entryOf(f: GeneratedFile): ManifestEntry {
  return { path: f.path, sha256: sha256(f.content), construct: f.constructPath };
}

/**
 * Raised when the output folder cannot be written, or holds something quadlet-cdk will not act
 * on. Carries a stable code (OUTPUT001...) and a fix; the message says which folder and why.
 */
export class OutputError extends Error {
  /** The problem as a diagnostic whose path is the output folder. */
  public readonly diagnostic: Diagnostic;

  public constructor(outdir: string, code: keyof typeof OUTPUT_CODES, detail: string, hint?: string) {
    const diagnostic = makeDiagnostic(outdir, code, detail, hint);
    super(`${code} ${detail}\n  fix: ${diagnostic.hint}`);
    this.name = 'OutputError';
    this.diagnostic = diagnostic;
  }

  /** The stable code, e.g. `OUTPUT002`. */
  public get code(): string {
    return this.diagnostic.code;
  }
}

/**
 * Why `p` may not name a file in the output folder, or undefined when it may. The one rule for
 * the files a synth writes and for every entry of a manifest it reads: relative, `/`-separated,
 * normalized, and not one of the names quadlet-cdk keeps for itself.
 */
export function pathProblem(p: unknown): string | undefined {
  if (typeof p !== 'string') return 'is not a string';
  if (p === '') return 'is empty';
  if (p.startsWith('/') || path.isAbsolute(p)) return 'is absolute';
  if (p.includes('\0')) return 'contains a NUL character';
  const parts = p.split('/');
  if (parts.includes('..')) return 'climbs out of the output folder with ".."';
  if (parts.some((s) => s === '' || s === '.')) return 'is not normalized (it has an empty or "." segment)';
  if (parts[0].startsWith('.quadlet-cdk')) return 'is a name quadlet-cdk keeps for itself';
  return undefined;
}

/**
 * Refuse, with one OUTPUT001 naming every offender, paths that break `pathProblem` or that lie
 * under a symbolic link inside the output folder: writing or deleting through one could reach
 * outside it. `what` says where the paths come from.
 */
export function assertConfined(outdir: string, paths: readonly string[], what: string, hint?: string): void {
  const problems: string[] = [];
  // The folders (relative) already found to have no symbolic link on the way from `outdir`.
  const clear = new Set<string>(['']);
  const linked = new Map<string, boolean>();
  const isLink = (rel: string) => {
    if (!linked.has(rel)) linked.set(rel, lstatOf(path.join(outdir, rel))?.isSymbolicLink() ?? false);
    return linked.get(rel)!;
  };
  for (const p of paths) {
    const problem = pathProblem(p);
    if (problem) {
      problems.push(`${JSON.stringify(p)} ${problem}`);
      continue;
    }
    const parent = p.slice(0, Math.max(0, p.lastIndexOf('/')));
    if (clear.has(parent)) continue; // a sibling of a path checked before: same folders
    // Each folder on the way, outermost first: `a`, `a/b`, ...
    for (let end = p.indexOf('/'); end >= 0; end = p.indexOf('/', end + 1)) {
      const prefix = p.slice(0, end);
      if (clear.has(prefix)) continue;
      if (isLink(prefix)) {
        problems.push(`${JSON.stringify(p)} is under ${prefix}, a symbolic link`);
        break;
      }
      clear.add(prefix);
    }
  }
  if (problems.length) throw new OutputError(outdir, 'OUTPUT001', `refusing ${what}:\n  ${listed(problems)}`, hint);
}

/** One per line, up to 20, then how many more. */
export function listed(lines: readonly string[]): string {
  const unique = [...new Set(lines)];
  return `${unique.slice(0, 20).join('\n  ')}${unique.length > 20 ? `\n  ... and ${unique.length - 20} more` : ''}`;
}

/** Which manifest of a folder: the one in place, or the next one a committed write staged. */
export type ManifestKind = 'current' | 'next';

/** How to get out of a damaged manifest of each kind; nothing was deleted in either case. */
const RECOVERY: Record<ManifestKind, (outdir: string) => string> = {
  current: (outdir) => 'nothing was deleted: quadlet-cdk deletes only what the manifest of its own previous synth lists. '
    + `If the folder is a git repository, restore the manifest a synth wrote (git -C ${outdir} checkout -- ${MANIFEST_FILE}); `
    + `otherwise delete ${MANIFEST_FILE} and synth again: files that already hold what synth writes are adopted, the others it names must be moved away`,
  next: (outdir) => 'nothing was deleted: the files in place are still the previous output. '
    + `Delete the damaged staging folder (rm -r ${path.join(outdir, STAGING_DIR)}) and synth again`,
};

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The entries of a manifest, checked before anything acts on them: the file is untrusted (the
 * output folder is often a git repository that a pull can change). A missing current manifest
 * is an empty one (a first synth). Anything that is not a manifest quadlet-cdk writes is an
 * OutputError naming the entry and saying how to recover: OUTPUT002 for its shape, OUTPUT001 for
 * a path that would leave the folder.
 */
export function readManifest(outdir: string, kind: ManifestKind): ManifestEntry[] {
  const file = kind === 'current' ? path.join(outdir, MANIFEST_FILE) : path.join(outdir, STAGING_DIR, NEXT_MANIFEST);
  const name = kind === 'current' ? MANIFEST_FILE : `${STAGING_DIR}/${NEXT_MANIFEST}`;
  const damaged = (why: string) => new OutputError(outdir, 'OUTPUT002', `${name} in ${outdir} ${why}`, RECOVERY[kind](outdir));
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e: any) {
    if (e?.code === 'ENOENT' && kind === 'current') return [];
    throw new OutputError(outdir, 'OUTPUT003', `cannot read ${name} in ${outdir}: ${reason(e)}`);
  }
  if (text.trim() === '') throw damaged('is empty');
  let m: any;
  try {
    m = JSON.parse(text);
  } catch (e: any) {
    throw damaged(`is not valid JSON (${e?.message ?? e})`);
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m) || m.generator !== 'quadlet-cdk' || m.version !== 1 || !Array.isArray(m.files)) {
    throw damaged('is not a quadlet-cdk manifest ({ "generator": "quadlet-cdk", "version": 1, "files": [...] })');
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  m.files.forEach((e: any, i: number) => {
    // Named only when it has a problem: a manifest lists every file of the output.
    const entry = () => `entry ${i + 1}${typeof e?.path === 'string' ? ` (${JSON.stringify(e.path)})` : ''}`;
    if (e === null || typeof e !== 'object' || Array.isArray(e)) problems.push(`${entry()} is ${JSON.stringify(e)}, not { "path", "sha256", "construct" }`);
    else if (typeof e.path !== 'string') problems.push(`${entry()} has the path ${JSON.stringify(e.path)}, not a string`);
    else if (typeof e.sha256 !== 'string' || !SHA256.test(e.sha256)) problems.push(`${entry()} has no sha256 of 64 hex digits`);
    else if (typeof e.construct !== 'string') problems.push(`${entry()} has no construct path`);
    else if (seen.has(e.path)) problems.push(`${entry()} is listed twice`);
    else seen.add(e.path);
  });
  if (problems.length) throw damaged(`has entries quadlet-cdk never writes:\n  ${listed(problems)}`);
  const files: ManifestEntry[] = m.files.map((e: any) => ({ path: e.path, sha256: e.sha256, construct: e.construct }));
  assertConfined(outdir, files.map((f) => f.path), `${name} in ${outdir}, whose entries must name files inside the output folder`, RECOVERY[kind](outdir));
  return files;
}

export function manifestText(files: ManifestEntry[]): string {
  return JSON.stringify({ generator: 'quadlet-cdk', version: 1, files }, null, 2) + '\n';
}

export function readOr(file: string, fallback = ''): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

export function lstatOf(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

export function reason(e: any): string {
  return e?.code === 'EACCES' || e?.code === 'EPERM' ? 'permission denied' : e?.code === 'EROFS' ? 'read-only file system' : e?.message ?? String(e);
}
