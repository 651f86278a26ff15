import { createHash, randomBytes } from 'crypto';
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

/** How `writeOutput` behaves when another synth holds the output folder. */
export interface WriteOptions {
  /**
   * How long to wait for another synth that is writing to the same folder, in milliseconds.
   * @default 0 - fail at once with an OutputError that names the other process
   */
  readonly lockWaitMs?: number;
}

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

export const MANIFEST_FILE = '.quadlet-cdk-manifest.json';
const STAGING_DIR = '.quadlet-cdk-staging';
const LOCK_FILE = '.quadlet-cdk.lock';
const NEXT_MANIFEST = 'manifest.next.json';
/** A staging folder is renamed here before it is deleted, so a half-deleted one is never mistaken for a write. */
const TRASH_DIR = '.quadlet-cdk-trash';
/** A takeover guard older than this belongs to a process that died holding it. */
const GUARD_STALE_MS = 10_000;

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

function readOr(file: string, fallback = ''): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function lstatOf(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function reason(e: any): string {
  return e?.code === 'EACCES' || e?.code === 'EPERM' ? 'permission denied' : e?.code === 'EROFS' ? 'read-only file system' : e?.message ?? String(e);
}

/**
 * An exclusive lock on the output folder. The lock file is created complete in one step (a hard
 * link of a temporary file, which fails if the lock exists) and holds `<pid> <nonce>`. A lock
 * whose process is dead is taken over under a short-lived guard, and only if it still holds the
 * dead process's token, so two synths that find one stale lock cannot both take it.
 */
function acquireLock(outdir: string, waitMs: number): () => void {
  const lock = path.join(outdir, LOCK_FILE);
  const token = `${process.pid} ${randomBytes(8).toString('hex')}`;
  const tmp = `${lock}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const deadline = Date.now() + waitMs;
  try {
    fs.writeFileSync(tmp, token);
  } catch (e: any) {
    throw new OutputError(`cannot write to the output folder ${outdir}: ${reason(e)}`);
  }
  try {
    for (;;) {
      try {
        fs.linkSync(tmp, lock);
        removeDeadLockTemps(outdir);
        return () => {
          if (readOr(lock) === token) fs.rmSync(lock, { force: true });
        };
      } catch (e: any) {
        if (e.code !== 'EEXIST') throw new OutputError(`cannot lock the output folder ${outdir}: ${reason(e)}`);
      }
      const holder = readOr(lock);
      const pid = parseInt(holder, 10);
      if (holder !== '' && !(pid > 0 && pidAlive(pid) && pid !== process.pid)) {
        takeOverStaleLock(lock, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new OutputError(`another synth (pid ${pid || 'unknown'}) is writing to ${outdir}; wait for it, or remove ${lock} if no synth is running`);
      }
      sleepSync(20);
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Temporary lock files (`.quadlet-cdk.lock.<pid>.<hex>`) left by synths that were killed. */
function removeDeadLockTemps(outdir: string): void {
  for (const name of fs.readdirSync(outdir)) {
    const m = /^\.quadlet-cdk\.lock\.(\d+)\.[0-9a-f]+$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) fs.rmSync(path.join(outdir, name), { force: true });
  }
}

function takeOverStaleLock(lock: string, staleToken: string): void {
  const guard = `${lock}.takeover`;
  try {
    fs.writeFileSync(guard, String(process.pid), { flag: 'wx' });
  } catch {
    const st = lstatOf(guard);
    if (st && Date.now() - st.mtimeMs > GUARD_STALE_MS) fs.rmSync(guard, { force: true });
    else sleepSync(5);
    return;
  }
  try {
    if (readOr(lock) === staleToken) fs.rmSync(lock, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
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

function isCommitted(outdir: string): boolean {
  return fs.existsSync(path.join(outdir, STAGING_DIR, NEXT_MANIFEST));
}

/**
 * Finish a committed write: delete the files only the previous manifest lists, move the staged
 * files into place, then make the next manifest the current one. Every step can be repeated, so
 * a roll-forward that dies is finished by the next one.
 */
function rollForward(outdir: string, staged?: ReadonlySet<string>): { removed: string[] } {
  const staging = path.join(outdir, STAGING_DIR);
  const next = path.join(staging, NEXT_MANIFEST);
  const files = readManifest(next);
  const made = new Set<string>();
  const keep = new Set(files.map((f) => f.path));
  const removed: string[] = [];
  try {
    // Removals first: an old file may stand where a new folder goes (a -> a/b).
    for (const old of readManifest(path.join(outdir, MANIFEST_FILE))) {
      if (keep.has(old.path)) continue;
      const dest = path.join(outdir, old.path);
      const st = lstatOf(dest);
      if (st && !st.isDirectory()) {
        fs.rmSync(dest, { force: true });
        pruneEmptyDirs(path.dirname(dest), outdir);
      }
      removed.push(old.path);
    }
    for (const f of files) {
      const from = path.join(staging, 'files', f.path);
      // In a recovery the staging folder says what is left to move (a rename is atomic).
      if (staged ? !staged.has(f.path) : !fs.existsSync(from)) continue; // unchanged, or already moved
      const dest = path.join(outdir, f.path);
      const dir = path.dirname(dest);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.renameSync(from, dest);
    }
    fs.renameSync(next, path.join(outdir, MANIFEST_FILE));
  } catch (e: any) {
    throw new OutputError(`the new output for ${outdir} is committed but could not be moved into place (${reason(e)}); `
      + `fix that and synth again (or call recoverOutput): it finishes the move`);
  }
  discard(outdir);
  return { removed };
}

/** Delete the staging folder: renamed away first (atomic), so that a kill mid-delete leaves no doubt. */
function discard(outdir: string): void {
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
function recover(outdir: string): { state: OutputState; removed: string[] } {
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
  const files = readManifest(path.join(outdir, MANIFEST_FILE));
  const problems: string[] = [];
  for (const f of files) {
    const p = path.join(outdir, f.path);
    if (!fs.existsSync(p)) problems.push(`${f.path}: missing`);
    else if (sha256(fs.readFileSync(p, 'utf8')) !== f.sha256) problems.push(`${f.path}: changed since synth`);
  }
  return { files, problems };
}

function assertSafePath(p: string): void {
  if (p === '' || path.isAbsolute(p) || p.split('/').some((s) => s === '..' || s === '.' || s === '') || p.startsWith('.quadlet-cdk')) {
    throw new OutputError(`refusing to write "${p}": generated paths must be relative and stay inside the output folder`);
  }
}

/** Every file under `dir`, relative to `outdir`, `/`-separated. */
function filesUnder(outdir: string, dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(outdir, full) : [path.relative(outdir, full).split(path.sep).join('/')];
  });
}

/**
 * Refuses, before anything is committed, every write that would touch a file the manifest does
 * not list or that the roll-forward could not finish: a user file where a generated file goes, a
 * user file where a generated folder goes, a folder where a file goes, a folder it cannot write.
 */
function checkPlan(outdir: string, files: readonly GeneratedFile[], old: ReadonlySet<string>, next: ReadonlySet<string>): Map<string, fs.Stats | undefined> {
  const problems: string[] = [];
  const going = (p: string) => old.has(p) && !next.has(p);
  const checkedDirs = new Map<string, boolean>();
  const stats = new Map<string, fs.Stats | undefined>();
  const statOf = (rel: string) => {
    if (!stats.has(rel)) stats.set(rel, lstatOf(path.join(outdir, rel)));
    return stats.get(rel);
  };
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (next.has(prefix)) problems.push(`${f.path} and ${prefix} are both generated, but one is inside the other`);
      const st = statOf(prefix);
      if (st && !st.isDirectory() && !going(prefix)) {
        problems.push(`${prefix} is a file the manifest does not list, where ${f.path} needs a folder; move it away`);
      }
      if (!st || !st.isDirectory()) break;
    }
    const dest = path.join(outdir, f.path);
    const st = statOf(f.path);
    if (st?.isDirectory()) {
      const inside = filesUnder(outdir, dest).filter((p) => !going(p));
      if (inside.length) problems.push(`${f.path} is a folder holding files the manifest does not list (${inside.slice(0, 3).join(', ')}); move them away`);
    } else if (st && !old.has(f.path) && (!st.isFile() || readOr(dest, '\0') !== f.content)) {
      problems.push(`${f.path} exists but was not written by quadlet-cdk (the manifest does not list it); move it away or delete it`);
    }
    // The nearest existing folder must be writable, or the move into place would fail after the commit.
    let dir = path.dirname(f.path);
    while (dir !== '.' && !statOf(dir)?.isDirectory()) dir = path.dirname(dir);
    dir = path.join(outdir, dir);
    if (!checkedDirs.has(dir)) {
      let ok = true;
      try {
        fs.accessSync(dir, fs.constants.W_OK);
      } catch {
        ok = false;
      }
      checkedDirs.set(dir, ok);
      if (!ok) problems.push(`cannot write to ${dir}: permission denied`);
    }
  }
  if (problems.length) {
    const unique = [...new Set(problems)];
    throw new OutputError(`nothing written to ${outdir}:\n  ${unique.slice(0, 20).join('\n  ')}${unique.length > 20 ? `\n  ... and ${unique.length - 20} more` : ''}`);
  }
  return stats;
}

/**
 * Write `files` into `outdir` so that a synth killed at any point leaves, once recovered, either
 * the previous output or the complete new output:
 *
 * 1. take the folder's lock; finish or discard a write a dead synth left behind;
 * 2. check the plan: no file the previous manifest does not list is ever overwritten or deleted;
 * 3. stage every changed file under `.quadlet-cdk-staging/files/`;
 * 4. commit: rename the next manifest into the staging folder (one atomic rename);
 * 5. roll forward: delete files only the previous manifest listed, rename the staged files into
 *    place, rename the next manifest over the current one, delete the staging folder.
 *
 * Before the commit point the files in place are untouched. After it, the move is finished by
 * this call, or, if the process dies, by the next writeOutput or recoverOutput.
 */
export function writeOutput(outdir: string, files: readonly GeneratedFile[], options: WriteOptions = {}): WriteResult {
  files.forEach((f) => assertSafePath(f.path));
  try {
    fs.mkdirSync(outdir, { recursive: true });
    fs.accessSync(outdir, fs.constants.W_OK);
    if (!fs.statSync(outdir).isDirectory()) throw new Error('not a folder');
  } catch (e: any) {
    throw new OutputError(`cannot write to the output folder ${outdir}: ${reason(e)}`);
  }
  const release = acquireLock(outdir, options.lockWaitMs ?? 0);
  try {
    recover(outdir);
    const entries = manifestOf(files);
    const old = new Set(readManifest(path.join(outdir, MANIFEST_FILE)).map((f) => f.path));
    const stats = checkPlan(outdir, files, old, new Set(entries.map((e) => e.path)));
    const staging = path.join(outdir, STAGING_DIR);
    const written: string[] = [];
    const unchanged: string[] = [];
    const made = new Set<string>();
    try {
      fs.mkdirSync(staging, { recursive: true });
      for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
        const st = stats.get(f.path);
        if (st?.isFile() && st.size === Buffer.byteLength(f.content) && readOr(path.join(outdir, f.path), '\0') === f.content) {
          unchanged.push(f.path);
          continue;
        }
        const staged = path.join(staging, 'files', f.path);
        const dir = path.dirname(staged);
        if (!made.has(dir)) {
          fs.mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        fs.writeFileSync(staged, f.content);
        written.push(f.path);
      }
      const tmp = path.join(staging, `${NEXT_MANIFEST}.tmp`);
      fs.writeFileSync(tmp, manifestText(entries));
      fs.renameSync(tmp, path.join(staging, NEXT_MANIFEST)); // the commit point
    } catch (e: any) {
      discard(outdir);
      throw new OutputError(`nothing written to ${outdir}: staging failed (${reason(e)})`);
    }
    const { removed } = rollForward(outdir, new Set(written));
    return { outdir, files: entries, written, unchanged, removed };
  } finally {
    release();
  }
}
