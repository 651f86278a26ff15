/**
 * The manifests of an output folder are untrusted input: the folder is often a dotfiles git
 * repository, so a pulled commit can carry any manifest. Every entry passes the rule new paths
 * pass, a damaged manifest is refused with a way out, and nothing is ever deleted on its word.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GeneratedFile, MANIFEST_FILE, OutputError, recoverOutput, sha256, verifyOutput, writeOutput } from '../../lib';
import { expectOutputError } from '../../lib/testing';

const file = (p: string, content: string): GeneratedFile => ({ path: p, content, constructPath: `app/${p}` });
const entry = (p: unknown, content = 'x\n') => ({ path: p, sha256: sha256(content), construct: 'app/x' });
const manifest = (files: unknown[]) => JSON.stringify({ generator: 'quadlet-cdk', version: 1, files });

describe('output manifests are untrusted', () => {
  let root: string;
  let dir: string;
  let victim: string;
  /** Every file under the test root (output folder and its neighbours), with its content. */
  const everything = () => {
    const out: Record<string, string> = {};
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const p = path.join(rel, e.name);
        if (e.isDirectory()) walk(p);
        else if (!e.isSymbolicLink()) out[p] = fs.readFileSync(path.join(root, p), 'utf8');
      }
    };
    walk('');
    return out;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-manifest-'));
    dir = path.join(root, 'out');
    victim = path.join(root, 'victim.txt');
    fs.writeFileSync(victim, 'not yours\n');
    writeOutput(dir, [file('units/a.container', 'A\n'), file('units/b.container', 'B\n')]);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Replace the previous synth's manifest by `text` and check that the next synth refuses with `code`, changing nothing. */
  function refusedWith(text: string, code: string, entryText: RegExp): OutputError {
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), text);
    const e = expectOutputError(() => writeOutput(dir, [file('units/a.container', 'A2\n')]), code, root);
    expect(e.diagnostic.path).to.equal(dir);
    expect(e.message).to.match(entryText);
    return e;
  }

  it('OUTPUT001: a previous manifest entry that climbs out with ".." is refused and deletes nothing', () => {
    const e = refusedWith(manifest([entry('../victim.txt'), entry('units/a.container', 'A\n')]), 'OUTPUT001', /"\.\.\/victim\.txt" climbs out of the output folder/);
    expect(e.message).to.contain('nothing was deleted');
    expect(fs.readFileSync(victim, 'utf8')).to.equal('not yours\n');
  });

  it('OUTPUT001: absolute, non-normalized and reserved entries are refused, all named at once', () => {
    const e = refusedWith(manifest([entry(victim), entry('units/./b.container'), entry('units//b.container'), entry('units/'), entry(MANIFEST_FILE), entry('.quadlet-cdk.lock')]), 'OUTPUT001', /is absolute/);
    for (const bad of ['units/./b.container', 'units//b.container', 'units/']) expect(e.message).to.contain(`"${bad}" is not normalized`);
    expect(e.message).to.contain(`"${MANIFEST_FILE}" is a name quadlet-cdk keeps for itself`);
    expect(e.message).to.contain('".quadlet-cdk.lock" is a name quadlet-cdk keeps for itself');
  });

  it('OUTPUT001: removals never follow a symlinked folder out of the output folder', () => {
    const outside = path.join(root, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'precious.txt'), 'keep\n');
    // A pulled commit replaced the generated folder by a link, and listed a file under it.
    fs.symlinkSync(outside, path.join(dir, 'linked'));
    refusedWith(manifest([entry('linked/precious.txt', 'keep\n'), entry('units/a.container', 'A\n')]), 'OUTPUT001', /"linked\/precious\.txt" is under linked, a symbolic link/);
    expect(fs.readFileSync(path.join(outside, 'precious.txt'), 'utf8')).to.equal('keep\n');
    // The same rule for new files: none is written through the link.
    fs.rmSync(path.join(dir, MANIFEST_FILE));
    expectOutputError(() => writeOutput(dir, [file('linked/new.txt', 'n\n')]), 'OUTPUT001', root);
  });

  it('OUTPUT001: a re-synth with no change still refuses a generated folder that became a symlink (the no-change shortcut reads nothing through it)', () => {
    const files = [file('linked/precious.txt', 'keep\n'), file('units/a.container', 'A\n')];
    writeOutput(dir, files);
    // A pulled commit moved the generated folder out and left a link to it: same files, same manifest.
    const outside = path.join(root, 'outside');
    fs.renameSync(path.join(dir, 'linked'), outside);
    fs.symlinkSync(outside, path.join(dir, 'linked'));
    expectOutputError(() => writeOutput(dir, files), 'OUTPUT001', root);
    expect(fs.readFileSync(path.join(outside, 'precious.txt'), 'utf8')).to.equal('keep\n');
  });

  it('OUTPUT002: a manifest with a null entry, a non-string path or no sha256 names each entry, deletes nothing, and says how to recover', () => {
    const e = refusedWith(manifest([null, { path: 5 }, { path: 'units/b.container' }, entry('units/a.container', 'A\n')]), 'OUTPUT002', /entry 1 is null/);
    expect(e.message).to.contain('entry 2 has the path 5, not a string');
    expect(e.message).to.contain('entry 3 ("units/b.container") has no sha256');
    expect(e.message).to.contain(`checkout -- ${MANIFEST_FILE}`);
    // Following the advice (delete it, synth again) works: files with the same content are adopted.
    fs.rmSync(path.join(dir, MANIFEST_FILE));
    const r = writeOutput(dir, [file('units/a.container', 'A\n'), file('units/b.container', 'B\n')]);
    expect(r.unchanged).to.deep.equal(['units/a.container', 'units/b.container']);
  });

  it('OUTPUT002: an empty, garbled or foreign previous manifest is refused, not read as empty', () => {
    refusedWith('', 'OUTPUT002', /is empty/);
    refusedWith('{"files": [', 'OUTPUT002', /is not valid JSON/);
    refusedWith('{"files": {}}', 'OUTPUT002', /is not a quadlet-cdk manifest/);
    refusedWith(manifest([entry('units/a.container'), entry('units/a.container')]), 'OUTPUT002', /entry 2 \("units\/a\.container"\) is listed twice/);
  });

  describe('the staged next manifest of a committed write', () => {
    const staged = () => path.join(dir, '.quadlet-cdk-staging');
    function commit(text: string): Record<string, string> {
      fs.mkdirSync(path.join(staged(), 'files'), { recursive: true });
      fs.writeFileSync(path.join(staged(), 'manifest.next.json'), text);
      return everything();
    }

    it('OUTPUT002: an empty or garbled one makes verifyOutput and writeOutput stop, deleting nothing', () => {
      for (const text of ['', 'garbage', manifest([{ path: 5 }])]) {
        const before = commit(text);
        for (const run of [() => verifyOutput(dir), () => recoverOutput(dir), () => writeOutput(dir, [file('units/a.container', 'A\n')])]) {
          const e = expectOutputError(run, 'OUTPUT002', root);
          expect(e.message).to.contain('.quadlet-cdk-staging/manifest.next.json');
          expect(e.message).to.contain(`rm -r ${staged()}`);
        }
        expect(everything(), `${JSON.stringify(text)}: nothing deleted`).to.deep.equal(before);
      }
      // The recovery the message gives: the previous output is still complete.
      fs.rmSync(staged(), { recursive: true });
      expect(verifyOutput(dir).problems).to.deep.equal([]);
      expect(verifyOutput(dir).files.map((f) => f.path)).to.deep.equal(['units/a.container', 'units/b.container']);
    });

    it('OUTPUT001: one that lists a path outside the folder deletes nothing, not even the files it drops', () => {
      commit(manifest([entry('../victim.txt')]));
      const e = expectOutputError(() => recoverOutput(dir), 'OUTPUT001', root);
      expect(e.message).to.contain('"../victim.txt" climbs out of the output folder');
      expect(fs.readFileSync(victim, 'utf8')).to.equal('not yours\n');
    });
  });
});
