import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { importCompose } from '../../lib/import';
import { formatImportReport } from '../../lib/import/report';
import { scratchDir } from './support';

/** docs/import.md's worked example is what the import writes for its compose file, word for word. */
describe('import: the worked example of docs/import.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../docs/import.md'), 'utf8');
  const block = (lang: string, after: string) => {
    const from = doc.indexOf(after);
    const m = new RegExp('```' + lang + '\\n([^]*?)```').exec(doc.slice(from));
    return m![1];
  };

  it('the site file and the report shown are the ones the import produces', () => {
    const dir = scratchDir('docs-example');
    try {
      const file = path.join(dir, 'compose.yaml');
      fs.writeFileSync(file, block('yaml', '## Worked example'));
      fs.writeFileSync(path.join(dir, '.env'), 'DB_PASSWORD=correct-horse-battery\n');
      const r = importCompose(fs.readFileSync(file, 'utf8'), { path: file, environment: {} });
      expect(r.ok).to.equal(true);
      expect(r.source).to.equal(block('ts', '## Worked example'));
      const shown = block('', 'and reports:').trim().split('\n');
      const lines = formatImportReport(r.report).split('\n').filter((l) => !l.startsWith('  hint:') && !l.startsWith('import report:') && l !== '');
      expect(lines).to.deep.equal(shown);
      expect(r.source).not.to.include('correct-horse-battery');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
