/**
 * The write path does its own work per folder, not per file, and each step once: what a write at
 * 10,000 containers costs beyond plain writes (bench/ times it; here the work is counted).
 */
import { expect } from 'chai';
import crypto from 'crypto';
// Default imports: the modules themselves, whose functions the library calls (and these tests count).
import fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GeneratedFile, MANIFEST_FILE, writeOutput } from '../../lib';

/** Calls of each named function of `target` while `fn` runs (the functions are restored after). */
function counting<T extends object>(target: T, names: Array<keyof T & string>, fn: () => void): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const saved = names.map((n) => [n, target[n]] as const);
  for (const [n, orig] of saved) {
    (target as any)[n] = function (this: unknown, ...args: unknown[]) {
      counts[n]++;
      return (orig as any).apply(this, args);
    };
  }
  try {
    fn();
  } finally {
    for (const [n, orig] of saved) (target as any)[n] = orig;
  }
  return counts;
}

describe('write path: work per folder, each step once', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-write-path-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // 900 files in 3 folders, as synth hands them over (sorted by path).
  const files: GeneratedFile[] = ['.config/containers/systemd', '.config/caddy/routes', 'docs']
    .flatMap((folder) => Array.from({ length: 300 }, (_, i) => ({ path: `${folder}/f${String(i).padStart(3, '0')}.txt`, content: `${folder} ${i}\n`, constructPath: `app/f${i}` })))
    .sort((a, b) => (a.path < b.path ? -1 : 1));

  it('a first write into an empty folder: no stat per file, one mkdir per folder, new folders moved in whole, one fsync, each file hashed once', () => {
    let fsCalls: Record<string, number> = {};
    const hashes = counting(crypto, ['hash'], () => {
      fsCalls = counting(fs, ['lstatSync', 'statSync', 'mkdirSync', 'renameSync', 'fsyncSync', 'readFileSync', 'writeFileSync'], () => {
        const r = writeOutput(dir, files);
        expect(r.written).to.have.length(900);
      });
    });
    expect(fs.readFileSync(path.join(dir, 'docs/f299.txt'), 'utf8')).to.equal('docs 299\n');
    expect(JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')).files).to.have.length(900);
    expect(hashes.hash, 'sha256 of each file, once').to.equal(900);
    expect(fsCalls.writeFileSync, 'the files and the lock').to.be.at.most(902);
    expect(fsCalls.lstatSync + fsCalls.statSync, 'stats of folders only').to.be.below(50);
    expect(fsCalls.mkdirSync, 'one per folder').to.be.below(10);
    expect(fsCalls.renameSync, 'the two new top folders, the manifest twice, the staging folder').to.be.below(10);
    expect(fsCalls.fsyncSync, 'the next manifest only').to.equal(1);
    expect(fsCalls.readFileSync, 'nothing read back').to.be.below(5);
  });

  it('a re-synth that changes one file: the manifest is built once, and only unchanged files are read back', () => {
    writeOutput(dir, files);
    const next = files.map((f, i) => (i === 10 ? { ...f, content: 'changed\n' } : f));
    let stringified = 0;
    const json = counting(JSON, ['stringify'], () => {
      const counts = counting(fs, ['readFileSync'], () => {
        const r = writeOutput(dir, next);
        expect(r.written).to.deep.equal([files[10].path]);
        expect(r.unchanged).to.have.length(899);
      });
      // The changed file's hash differs from the manifest's: it is not read. The manifest is read once.
      expect(counts.readFileSync).to.be.at.most(899 + 3);
    });
    stringified = json.stringify;
    expect(stringified, 'the next manifest\'s text, made once for the no-change check and the write').to.be.at.most(3);
  });
});
