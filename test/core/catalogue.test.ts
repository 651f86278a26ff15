import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { allCodes } from '../../lib';
import { generateQuadletProps } from '../../lib/quadlet/codegen';
import { generateLlmValidators } from '../../lib/llm/schemas/standalone';
import { renderDiagnosticsDoc } from '../../lib/render/diagnostics-doc';

function testSources(dir: string): string {
  return fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__golden__' ? '' : testSources(p);
    return e.name.endsWith('.test.ts') ? fs.readFileSync(p, 'utf8') : '';
  }).join('\n');
}

describe('catalogue', () => {
  it('every diagnostic code has a test that names it', () => {
    const tests = testSources(path.join(__dirname, '..'));
    const untested = allCodes().map(([code]) => code).filter((code) => !new RegExp(`['"\`]${code}['"\` ]`).test(tests));
    expect(untested).to.deep.equal([]);
  });

  it('every code has a title and a hint', () => {
    for (const [code, info] of allCodes()) {
      expect(info.title, code).to.be.a('string').and.not.equal('');
      expect(info.hint, code).to.be.a('string').and.not.equal('');
    }
  });

  it('docs/diagnostics.md is current (npx projen docs)', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'diagnostics.md'), 'utf8');
    expect(doc).to.equal(renderDiagnosticsDoc());
  });

  it('lib/quadlet/keys.generated.ts is current (scripts/gen-quadlet-props.ts)', () => {
    const src = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'quadlet', 'keys.generated.ts'), 'utf8');
    expect(src).to.equal(generateQuadletProps());
  });

  it('lib/llm/schemas/validate.generated.ts is current (scripts/gen-validators.ts)', () => {
    const src = fs.readFileSync(path.join(__dirname, '..', '..', 'lib', 'llm', 'schemas', 'validate.generated.ts'), 'utf8');
    expect(src).to.equal(generateLlmValidators());
  });
});
