import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** One file produced by synth, before it is written. */
export interface GeneratedFile {
  /** Relative to the app's output folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
  /** The construct that produced it. */
  readonly constructPath: string;
}

export interface ManifestEntry {
  readonly path: string;
  readonly sha256: string;
  readonly construct: string;
}

/** What a write did. */
export interface WriteResult {
  readonly outdir: string;
  readonly files: ManifestEntry[];
  /** Files whose content changed or that are new. */
  readonly written: string[];
  /** Files that already had the right content. */
  readonly unchanged: string[];
  /** Files the previous synth wrote that this one no longer produces, now deleted. */
  readonly removed: string[];
}

export const MANIFEST_FILE = '.quadlet-cdk-manifest.json';
const STAGING_DIR = '.quadlet-cdk-staging';
const LOCK_FILE = '.quadlet-cdk.lock';
const NEXT_MANIFEST = 'manifest.next.json';

export function sha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** The manifest of a set of files: sorted by path. */
export function manifestOf(files: readonly GeneratedFile[]): ManifestEntry[] {
  return files
    .map((f) => ({ path: f.path, sha256: sha256(f.content), construct: f.constructPath }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Raised when the output folder cannot be written; says which folder and why. */
export class OutputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

function readManifest(file: string): ManifestEntry[] {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(m.files) ? m.files : [];
  } catch {
    return [];
  }
}

function manifestText(files: ManifestEntry[]): string {
  return JSON.stringify({ generator: 'quadlet-cdk', version: 1, files }, null, 2) + '\n';
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
}

/** An exclusive lock on the output folder; a lock left by a dead process is taken over. */
function acquireLock(outdir: string): () => void {
  const lock = path.join(outdir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(lock, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(lock, { force: true });
    } catch (e: any) {
      if (e.code !== 'EEXIST') throw new OutputError(`cannot write to the output folder ${outdir}: ${e.message}`);
      const pid = parseInt(fs.readFileSync(lock, 'utf8'), 10);
      if (pid && pidAlive(pid) && pid !== process.pid) {
        throw new OutputError(`another synth (pid ${pid}) is writing to ${outdir}; wait for it, or remove ${lock} if no synth is running`);
      }
      fs.rmSync(lock, { force: true });
    }
  }
  throw new OutputError(`cannot lock ${outdir}`);
}

/** Remove now-empty folders from `dir` up to (not including) `stop`. */
function pruneEmptyDirs(dir: string, stop: string): void {
  while (dir.startsWith(stop + path.sep)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      return;
    }
    dir = path.dirname(dir);
  }
}

/**
 * Finish (or discard) a write that was interrupted. A staging folder with its next manifest is
 * complete and is rolled forward; one without it never committed and is deleted.
 */
function recover(outdir: string): { removed: string[] } {
  const staging = path.join(outdir, STAGING_DIR);
  if (!fs.existsSync(staging)) return { removed: [] };
  const next = path.join(staging, NEXT_MANIFEST);
  if (!fs.existsSync(next)) {
    fs.rmSync(staging, { recursive: true, force: true });
    return { removed: [] };
  }
  const files = readManifest(next);
  for (const f of files) {
    const staged = path.join(staging, 'files', f.path);
    if (!fs.existsSync(staged)) continue; // already moved, or unchanged
    const dest = path.join(outdir, f.path);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.renameSync(staged, dest);
  }
  const keep = new Set(files.map((f) => f.path));
  const removed: string[] = [];
  for (const old of readManifest(path.join(outdir, MANIFEST_FILE))) {
    if (keep.has(old.path)) continue;
    const dest = path.join(outdir, old.path);
    if (fs.existsSync(dest)) {
      fs.rmSync(dest, { force: true });
      pruneEmptyDirs(path.dirname(dest), outdir);
    }
    removed.push(old.path);
  }
  fs.renameSync(next, path.join(outdir, MANIFEST_FILE));
  fs.rmSync(staging, { recursive: true, force: true });
  return { removed };
}

function assertSafePath(p: string): void {
  if (p === '' || path.isAbsolute(p) || p.split('/').some((s) => s === '..' || s === '.' || s === '') || p.startsWith('.quadlet-cdk')) {
    throw new OutputError(`refusing to write "${p}": generated paths must be relative and stay inside the output folder`);
  }
}

/**
 * Write `files` into `outdir`: stage everything, commit by renaming the next manifest into the
 * staging folder, then move files into place and delete files that only the previous manifest
 * listed. Files the manifest never listed are never touched. An interrupted write is finished
 * or discarded by the next one.
 */
export function writeOutput(outdir: string, files: readonly GeneratedFile[]): WriteResult {
  files.forEach((f) => assertSafePath(f.path));
  try {
    fs.mkdirSync(outdir, { recursive: true });
    fs.accessSync(outdir, fs.constants.W_OK);
  } catch (e: any) {
    throw new OutputError(`cannot write to the output folder ${outdir}: ${e.code === 'EACCES' || e.code === 'EROFS' ? 'permission denied' : e.message}`);
  }
  const release = acquireLock(outdir);
  try {
    recover(outdir);
    const entries = manifestOf(files);
    const staging = path.join(outdir, STAGING_DIR);
    const written: string[] = [];
    const unchanged: string[] = [];
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const dest = path.join(outdir, f.path);
      let current: string | undefined;
      try {
        current = fs.readFileSync(dest, 'utf8');
      } catch {
        current = undefined;
      }
      if (current === f.content) {
        unchanged.push(f.path);
        continue;
      }
      const staged = path.join(staging, 'files', f.path);
      fs.mkdirSync(path.dirname(staged), { recursive: true });
      fs.writeFileSync(staged, f.content);
      written.push(f.path);
    }
    fs.mkdirSync(staging, { recursive: true });
    const tmp = path.join(staging, `${NEXT_MANIFEST}.tmp`);
    fs.writeFileSync(tmp, manifestText(entries));
    fs.renameSync(tmp, path.join(staging, NEXT_MANIFEST)); // the commit point
    const { removed } = recover(outdir);
    return { outdir, files: entries, written, unchanged, removed };
  } finally {
    release();
  }
}
