import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GeneratedFile, MANIFEST_FILE, OutputError, outputState, recoverOutput, verifyOutput, writeOutput } from '../../lib';
import { expectOutputError } from '../../lib/testing';

const file = (p: string, content: string): GeneratedFile => ({ path: p, content, constructPath: `app/${p}` });

describe('writeOutput', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-out-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes files and a manifest with sha256 and construct path', () => {
    const r = writeOutput(dir, [file('a/x.container', 'X\n'), file('b.txt', 'B\n')]);
    expect(r.written).to.deep.equal(['a/x.container', 'b.txt']);
    expect(fs.readFileSync(path.join(dir, 'a/x.container'), 'utf8')).to.equal('X\n');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8'));
    expect(manifest.files[0]).to.deep.equal({
      path: 'a/x.container',
      sha256: require('crypto').createHash('sha256').update('X\n').digest('hex'),
      construct: 'app/a/x.container',
    });
    expect(manifest.files[0].sha256).to.match(/^[0-9a-f]{64}$/);
  });

  it('removes only files the previous manifest listed, reports them, and never touches user files', () => {
    writeOutput(dir, [file('units/a.container', 'A\n'), file('units/b.container', 'B\n')]);
    fs.writeFileSync(path.join(dir, 'units/mine.conf'), 'user file\n');
    fs.writeFileSync(path.join(dir, 'notes.md'), 'user notes\n');
    const r = writeOutput(dir, [file('units/a.container', 'A\n')]);
    expect(r.removed).to.deep.equal(['units/b.container']);
    expect(r.unchanged).to.deep.equal(['units/a.container']);
    expect(fs.existsSync(path.join(dir, 'units/b.container'))).to.equal(false);
    expect(fs.readFileSync(path.join(dir, 'units/mine.conf'), 'utf8')).to.equal('user file\n');
    expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).to.equal('user notes\n');
  });

  it('removes folders emptied by a removal, but not the output folder', () => {
    writeOutput(dir, [file('deep/er/x', '1\n')]);
    writeOutput(dir, []);
    expect(fs.existsSync(path.join(dir, 'deep'))).to.equal(false);
    expect(fs.existsSync(dir)).to.equal(true);
  });

  it('discards a staging folder that never committed, and finishes one that did', () => {
    writeOutput(dir, [file('a', 'old\n')]);
    // An interrupted write before its commit point: staged files but no next manifest.
    fs.mkdirSync(path.join(dir, '.quadlet-cdk-staging/files'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.quadlet-cdk-staging/files/a'), 'half\n');
    writeOutput(dir, [file('a', 'old\n')]);
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).to.equal('old\n');
    expect(fs.existsSync(path.join(dir, '.quadlet-cdk-staging'))).to.equal(false);
  });

  it('refuses while another live process holds the lock, and takes over a stale lock', () => {
    fs.writeFileSync(path.join(dir, '.quadlet-cdk.lock'), String(process.ppid));
    expect(() => writeOutput(dir, [file('a', '1\n')])).to.throw(OutputError, /^OUTPUT004 another synth/);
    expect(expectOutputError(() => writeOutput(dir, [file('a', '1\n')]), 'OUTPUT004', dir).diagnostic).to.include({ path: dir });
    fs.writeFileSync(path.join(dir, '.quadlet-cdk.lock'), '999999999');
    expect(writeOutput(dir, [file('a', '1\n')]).written).to.deep.equal(['a']);
    expect(fs.existsSync(path.join(dir, '.quadlet-cdk.lock'))).to.equal(false);
  });

  it('gives a clear error for an output folder it cannot create', () => {
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    expect(() => writeOutput(path.join(dir, 'blocker', 'out'), [file('a', '1\n')])).to.throw(OutputError, /^OUTPUT003 cannot write to the output folder/);
    expect(expectOutputError(() => writeOutput(path.join(dir, 'blocker', 'out'), [file('a', '1\n')]), 'OUTPUT003', dir).diagnostic).to.include({ path: path.join(dir, 'blocker', 'out') });
  });

  it('refuses paths that leave the output folder', () => {
    expect(() => writeOutput(dir, [file('../escape', 'x')])).to.throw(OutputError, /^OUTPUT001 refusing/);
    expect(() => writeOutput(dir, [file('/abs', 'x')])).to.throw(OutputError, /refusing/);
  });

  it('reports a committed write as such, and recoverOutput finishes it', () => {
    writeOutput(dir, [file('a', 'old\n'), file('gone', 'x\n')]);
    // A write that died after its commit point: next manifest in staging, one file still staged.
    const staging = path.join(dir, '.quadlet-cdk-staging');
    fs.mkdirSync(path.join(staging, 'files'), { recursive: true });
    fs.writeFileSync(path.join(staging, 'files/a'), 'new\n');
    const next = { generator: 'quadlet-cdk', version: 1, files: [{ path: 'a', sha256: require('crypto').createHash('sha256').update('new\n').digest('hex'), construct: 'app/a' }] };
    fs.writeFileSync(path.join(staging, 'manifest.next.json'), JSON.stringify(next));
    expect(outputState(dir)).to.equal('committed');
    expect(recoverOutput(dir)).to.deep.equal({ found: 'committed', removed: ['gone'] });
    expect(outputState(dir)).to.equal('clean');
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).to.equal('new\n');
    expect(fs.existsSync(path.join(dir, 'gone'))).to.equal(false);
    expect(verifyOutput(dir).problems).to.deep.equal([]);
  });

  it('OUTPUT006: a committed write that cannot be moved into place says so, and a later synth finishes it', () => {
    writeOutput(dir, [file('a', 'old\n')]);
    const staging = path.join(dir, '.quadlet-cdk-staging');
    fs.mkdirSync(path.join(staging, 'files/sub'), { recursive: true });
    fs.writeFileSync(path.join(staging, 'files/sub/b'), 'new\n');
    const next = { generator: 'quadlet-cdk', version: 1, files: [{ path: 'sub/b', sha256: require('crypto').createHash('sha256').update('new\n').digest('hex'), construct: 'app/b' }] };
    fs.writeFileSync(path.join(staging, 'manifest.next.json'), JSON.stringify(next));
    fs.writeFileSync(path.join(dir, 'sub'), 'a user file where the folder goes\n'); // appeared after the commit
    expect(expectOutputError(() => recoverOutput(dir), 'OUTPUT006').message).to.match(/is committed but could not be moved into place/);
    fs.rmSync(path.join(dir, 'sub'));
    expect(recoverOutput(dir).found).to.equal('committed');
    expect(fs.readFileSync(path.join(dir, 'sub/b'), 'utf8')).to.equal('new\n');
  });

  it('verifyOutput lists generated files that were edited or deleted since synth', () => {
    writeOutput(dir, [file('a', '1\n'), file('b', '2\n')]);
    fs.writeFileSync(path.join(dir, 'a'), 'edited\n');
    fs.rmSync(path.join(dir, 'b'));
    expect(verifyOutput(dir).problems).to.deep.equal(['a: changed since synth', 'b: missing']);
  });

  it('refuses to overwrite a file the manifest does not list, and adopts one that already has the content', () => {
    fs.writeFileSync(path.join(dir, 'mine.container'), 'user\n');
    expect(() => writeOutput(dir, [file('mine.container', 'generated\n')])).to.throw(OutputError, /^OUTPUT005 nothing written .*\n.*mine\.container exists but was not written by quadlet-cdk/);
    expectOutputError(() => writeOutput(dir, [file('mine.container', 'generated\n')]), 'OUTPUT005', dir);
    expect(fs.readFileSync(path.join(dir, 'mine.container'), 'utf8')).to.equal('user\n');
    expect(fs.existsSync(path.join(dir, MANIFEST_FILE))).to.equal(false);
    const r = writeOutput(dir, [file('mine.container', 'user\n')]);
    expect(r.unchanged).to.deep.equal(['mine.container']);
  });

  it('refuses two generated paths where one is inside the other', () => {
    expect(() => writeOutput(dir, [file('a', '1\n'), file('a/b', '2\n')])).to.throw(OutputError, /one is inside the other/);
  });

  it('replaces a generated file by a generated folder of the same name', () => {
    writeOutput(dir, [file('docs/x', 'file\n')]);
    writeOutput(dir, [file('docs/x/index.md', 'folder\n')]);
    expect(fs.readFileSync(path.join(dir, 'docs/x/index.md'), 'utf8')).to.equal('folder\n');
    writeOutput(dir, [file('docs/x', 'file again\n')]);
    expect(fs.readFileSync(path.join(dir, 'docs/x'), 'utf8')).to.equal('file again\n');
  });

  it('cleans up the temporary lock files of synths that were killed', () => {
    fs.writeFileSync(path.join(dir, '.quadlet-cdk.lock.999999999.abcd'), '999999999 x');
    writeOutput(dir, [file('a', '1\n')]);
    expect(fs.readdirSync(dir).sort()).to.deep.equal([MANIFEST_FILE, 'a']);
  });

  /** Every entry under the folder, the folder included, with what a write would change. */
  const entries = () => {
    const out: Record<string, string> = {};
    const walk = (p: string) => {
      const st = fs.lstatSync(p, { bigint: true });
      out[path.relative(dir, p) || '.'] = `${st.ino} ${st.mtimeNs} ${st.ctimeNs}`;
      if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    };
    walk(dir);
    return out;
  };

  it('a re-synth with no change touches no file, not even the lock or the manifest', () => {
    const files = [file('units/a.container', 'A\n'), file('units/b.container', 'B\n'), file('c.txt', 'C\n')];
    writeOutput(dir, files);
    const before = entries();
    const r = writeOutput(dir, files);
    expect([r.written, r.unchanged, r.removed]).to.deep.equal([[], ['c.txt', 'units/a.container', 'units/b.container'], []]);
    expect(entries()).to.deep.equal(before);
  });

  it('a re-synth still restores a generated file edited by hand, and takes the lock when anything changed', () => {
    const files = [file('units/a.container', 'A\n'), file('units/b.container', 'B\n')];
    writeOutput(dir, files);
    fs.writeFileSync(path.join(dir, 'units/a.container'), 'edited\n');
    expect(writeOutput(dir, files).written).to.deep.equal(['units/a.container']);
    expect(fs.readFileSync(path.join(dir, 'units/a.container'), 'utf8')).to.equal('A\n');
    fs.writeFileSync(path.join(dir, '.quadlet-cdk.lock'), `${process.ppid} other`); // a live synth holds the folder
    expect(() => writeOutput(dir, files)).to.throw(OutputError, /another synth/);
  });

  it('a first synth moves each new folder into place whole, with the same result as file by file', () => {
    fs.mkdirSync(path.join(dir, 'units'));
    const files = [file('units/a.container', 'A\n'), file('new/deep/b.txt', 'B\n'), file('new/c.txt', 'C\n'), file('top.txt', 'T\n')];
    const r = writeOutput(dir, files);
    expect(r.written).to.deep.equal(['new/c.txt', 'new/deep/b.txt', 'top.txt', 'units/a.container']);
    for (const f of files) expect(fs.readFileSync(path.join(dir, f.path), 'utf8')).to.equal(f.content);
    expect(fs.readdirSync(dir).sort()).to.deep.equal([MANIFEST_FILE, 'new', 'top.txt', 'units']);
    expect(verifyOutput(dir).problems).to.deep.equal([]);
  });
});
