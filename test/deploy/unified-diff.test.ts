import { spawnSync } from 'child_process';
import { expect } from 'chai';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { unifiedDiff } from '../../lib/deploy';

describe('deploy: unified diffs', () => {
  it('is empty for equal texts, and says /dev/null for an added or removed file', () => {
    expect(unifiedDiff('a', 'x\n', 'x\n')).to.equal('');
    expect(unifiedDiff('a', undefined, 'x\n')).to.equal('--- /dev/null\n+++ b/a\n@@ -0,0 +1,1 @@\n+x\n');
    expect(unifiedDiff('a', 'x\ny\n', undefined)).to.equal('--- a/a\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n');
  });

  it('is a patch that GNU patch applies to the old text to give the new one', function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-udiff-'));
    try {
      const text = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'Image=x', ''), { maxLength: 30 }).map((ls) => ls.map((l) => `${l}\n`).join(''));
      fc.assert(fc.property(text, text, (before, after) => {
        const file = path.join(dir, 'f');
        fs.writeFileSync(file, before);
        const diff = unifiedDiff('f', before, after);
        if (before === after) return diff === '';
        const r = spawnSync('patch', ['-s', '-p1', '-d', dir, '--no-backup-if-mismatch'], { input: diff, encoding: 'utf8' });
        return r.status === 0 && fs.readFileSync(file, 'utf8') === after;
      }), { numRuns: 40, seed: 15 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
