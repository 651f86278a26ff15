/** Finishing or discarding a write that a synth left behind when it died, and checking a folder. */
import * as fs from 'fs';
import * as path from 'path';
import type { WriteOptions } from './output';
import { acquireLock } from './output-lock';
import { lstatOf, MANIFEST_FILE, ManifestEntry, NEXT_MANIFEST, OutputError, readManifest, reason, sha256, STAGING_DIR, TRASH_DIR } from './output-manifest';

/**
 * The state of an output folder as a reader finds it (see `outputState`):
 * - `clean`: the files the manifest lists are the complete output of one synth;
 * - `committed`: a synth committed new output and died while moving it into place; the folder
 *   is a mix until `recoverOutput` (or any synth) finishes the move;
 * - `uncommitted`: a synth died before its commit point (or after finishing, while deleting its
 *   staging folder); the files in place are one complete output, the one the manifest lists, and
 *   the leftover staging folder is discarded by the next synth.
 */
export type OutputState = 'clean' | 'committed' | 'uncommitted';

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

function isCommitted(outdir: string): boolean {
  return fs.existsSync(path.join(outdir, STAGING_DIR, NEXT_MANIFEST));
}

/** What a writer that has just committed hands to `rollForward`. */
export interface StagedWrite {
  /** The files it staged, sorted by path (the others are unchanged in place). */
  readonly written: readonly string[];
  /** The entries of the next manifest it committed (confined before staging). */
  readonly next: readonly ManifestEntry[];
  /** The entries of the current manifest it read and checked under the same lock. */
  readonly previous: readonly ManifestEntry[];
}

/**
 * Finish a committed write: delete the files only the previous manifest lists, move the staged
 * files into place, then make the next manifest the current one. Every step can be repeated, so
 * a roll-forward that dies is finished by the next one. Both manifests are read and checked
 * before the first deletion: a damaged or escaping one stops it with nothing deleted.
 */
export function rollForward(outdir: string, staged?: StagedWrite): { removed: string[] } {
  const staging = path.join(outdir, STAGING_DIR);
  const next = path.join(staging, NEXT_MANIFEST);
  // The writer that just staged, under the lock, hands over the entries it checked and wrote;
  // a recovery reads both manifests from disk and checks them.
  const files = staged?.next ?? readManifest(outdir, 'next');
  const previous = staged?.previous ?? readManifest(outdir, 'current');
  const made = new Set<string>();
  const removed: string[] = [];
  try {
    // Removals first: an old file may stand where a new folder goes (a -> a/b).
    if (previous.length > 0) {
      const keep = new Set(files.map((f) => f.path));
      for (const old of previous) {
        if (keep.has(old.path)) continue;
        const dest = path.join(outdir, old.path);
        const st = lstatOf(dest);
        if (st && !st.isDirectory()) {
          fs.rmSync(dest, { force: true });
          pruneEmptyDirs(path.dirname(dest), outdir);
        }
        removed.push(old.path);
      }
    }
    // The writer knows what it staged; a recovery finds what is left to move in the staging folder (a rename is atomic).
    const toMove = staged ? moveNewFolders(outdir, staging, staged.written) : files.map((f) => f.path).filter((p) => fs.existsSync(path.join(staging, 'files', p)));
    for (const p of toMove) {
      const dest = path.join(outdir, p);
      const dir = path.dirname(dest);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.renameSync(path.join(staging, 'files', p), dest);
    }
    fs.renameSync(next, path.join(outdir, MANIFEST_FILE));
  } catch (e: any) {
    throw new OutputError(outdir, 'OUTPUT006', `the new output for ${outdir} is committed but could not be moved into place (${reason(e)})`);
  }
  discard(outdir);
  return { removed };
}

/**
 * Moves each staged folder that the output folder does not have yet in one rename (the whole
 * output, on a first synth), instead of one rename per file. Returns the staged files left to
 * move one by one, in order. Only staged files are in the staging folder, so a folder missing from
 * the output holds nothing else; a recovery after a kill finds the moved files gone from staging
 * and skips them.
 */
function moveNewFolders(outdir: string, staging: string, paths: readonly string[]): string[] {
  const exists = new Map<string, boolean>();
  const newDirs = new Set<string>();
  const left: string[] = [];
  // Per parent folder: whether its files move with a new folder. Sorted paths share it in runs.
  let lastParent: string | undefined;
  let lastMoves = false;
  for (const p of paths) {
    const slash = p.lastIndexOf('/');
    const parent = slash < 0 ? '' : p.slice(0, slash);
    if (parent !== lastParent) {
      lastParent = parent;
      lastMoves = false;
      for (let end = p.indexOf('/'); end >= 0; end = p.indexOf('/', end + 1)) {
        const dir = p.slice(0, end);
        if (!exists.has(dir)) exists.set(dir, lstatOf(path.join(outdir, dir)) !== undefined);
        if (newDirs.has(dir) || !exists.get(dir)) {
          newDirs.add(dir);
          lastMoves = true;
          break;
        }
      }
    }
    if (!lastMoves) left.push(p);
  }
  for (const dir of newDirs) fs.renameSync(path.join(staging, 'files', dir), path.join(outdir, dir));
  return left;
}

/** Delete the staging folder: renamed away first (atomic), so that a kill mid-delete leaves no doubt. */
export function discard(outdir: string): void {
  const trash = path.join(outdir, TRASH_DIR);
  fs.rmSync(trash, { recursive: true, force: true });
  try {
    fs.renameSync(path.join(outdir, STAGING_DIR), trash);
  } catch (e: any) {
    if (e.code !== 'ENOENT') throw e;
  }
  fs.rmSync(trash, { recursive: true, force: true });
}

/**
 * Finish (or discard) a write that was interrupted. A staging folder with its next manifest is
 * committed and is rolled forward; one without it never committed and is deleted.
 */
export function recover(outdir: string): { state: OutputState; removed: string[] } {
  const staging = path.join(outdir, STAGING_DIR);
  fs.rmSync(path.join(outdir, TRASH_DIR), { recursive: true, force: true });
  if (!fs.existsSync(staging)) return { state: 'clean', removed: [] };
  if (!isCommitted(outdir)) {
    discard(outdir);
    return { state: 'uncommitted', removed: [] };
  }
  return { state: 'committed', ...rollForward(outdir) };
}

/** What an output folder holds right now, without changing it (see OutputState). */
export function outputState(outdir: string): OutputState {
  if (!fs.existsSync(path.join(outdir, STAGING_DIR))) return 'clean';
  return isCommitted(outdir) ? 'committed' : 'uncommitted';
}

/**
 * Bring an output folder back to one complete synth's output after a synth died in it: a
 * committed write is finished, an uncommitted one discarded. Takes the folder's lock. Returns
 * the state it found. Run it (or any synth) before reading a folder a synth may have died in.
 */
export function recoverOutput(outdir: string, options: WriteOptions = {}): { found: OutputState; removed: string[] } {
  if (!fs.existsSync(outdir)) return { found: 'clean', removed: [] };
  const release = acquireLock(outdir, options.lockWaitMs ?? 0);
  try {
    const { state, removed } = recover(outdir);
    return { found: state, removed };
  } finally {
    release();
  }
}

/**
 * The manifest of a recovered output folder (`recoverOutput` first), each entry checked against
 * the file on disk: `problems` lists files that are missing or whose content changed since.
 */
export function verifyOutput(outdir: string): { files: ManifestEntry[]; problems: string[] } {
  recoverOutput(outdir);
  const files = readManifest(outdir, 'current');
  const problems: string[] = [];
  for (const f of files) {
    const p = path.join(outdir, f.path);
    if (!fs.existsSync(p)) problems.push(`${f.path}: missing`);
    else if (sha256(fs.readFileSync(p, 'utf8')) !== f.sha256) problems.push(`${f.path}: changed since synth`);
  }
  return { files, problems };
}
