import { spawnSync } from 'child_process';
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const API = path.join(ROOT, 'docs', 'api');

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** docs/api/ is TypeDoc's output for the current sources (`npx projen docs` regenerates it). */
describe('API reference (docs/api/)', function () {
  this.timeout(600_000); // TypeDoc runs the TypeScript compiler over the whole library

  it('is current: TypeDoc + typedoc-plugin-markdown write exactly the committed files', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-api-'));
    try {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--options', 'typedoc.json', '--out', out, '--logLevel', 'Error'], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status, `${r.stdout}${r.stderr}`).to.equal(0);
      const fresh = tree(out);
      const committed = tree(API);
      expect(Object.keys(fresh).length).to.be.greaterThan(100);
      expect(Object.keys(committed).sort(), 'run `npx projen docs`').to.deep.equal(Object.keys(fresh).sort());
      const stale = Object.keys(fresh).filter((f) => fresh[f] !== committed[f]);
      expect(stale, 'stale pages: run `npx projen docs`').to.deep.equal([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('documents the props a site author fills in, with their defaults, and the README links it', () => {
    const container = fs.readFileSync(path.join(API, 'quadlet-cdk', 'interfaces', 'ContainerProps.md'), 'utf8');
    expect(container).to.contain('### image').and.contain('#### Default');
    for (const props of ['ServiceProps', 'ContainerJobProps', 'TimerProps']) {
      expect(fs.existsSync(path.join(API, 'quadlet-cdk', 'interfaces', `${props}.md`)), props).to.equal(true);
    }
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).to.contain('](docs/api/README.md)');
  });
});
