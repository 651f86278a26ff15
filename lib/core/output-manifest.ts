/**
 * The parts of an output folder that the write, lock and recovery steps share: the manifest,
 * the names quadlet-cdk reserves in the folder, the error they raise and small file helpers.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';

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

export const MANIFEST_FILE = '.quadlet-cdk-manifest.json';
export const STAGING_DIR = '.quadlet-cdk-staging';
export const NEXT_MANIFEST = 'manifest.next.json';
/** A staging folder is renamed here before it is deleted, so a half-deleted one is never mistaken for a write. */
export const TRASH_DIR = '.quadlet-cdk-trash';

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

export function readManifest(file: string): ManifestEntry[] {
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(m.files) ? m.files : [];
  } catch {
    return [];
  }
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
