import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { allCodes, Container } from '../../lib';
import { assertedDiagnostics, expectDiagnostic, Testing } from '../../lib/testing';
import { generateQuadletProps } from '../../lib/quadlet/codegen';
import { generateLlmValidators } from '../../lib/llm/schemas/standalone';
import { renderDiagnosticsDoc } from '../../lib/render/diagnostics-doc';

/** The spec files on disk (what a full run loads). */
function specFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === '__golden__' || e.name === 'node_modules' ? [] : specFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** True when this run loaded every spec file and filters none out (no --grep/--fgrep), so every assertion ran. */
function fullRun(): boolean {
  const loaded = new Set(Object.keys(require.cache));
  const filtered = process.argv.some((a) => /^(-g|-f|--grep|--fgrep)(=|$)/.test(a));
  return !filtered && specFiles(path.join(__dirname, '..')).every((f) => loaded.has(f));
}

/**
 * For each registered code, what the run failed to prove through expectDiagnostic(app, ...): that
 * the code was asserted with its catalogued severity, and that a real synth then failed (error) or
 * passed (warning, info).
 */
export function unprovenCodes(): string[] {
  const asserted = assertedDiagnostics();
  return allCodes().flatMap(([code, info]) => {
    const severity = info.severity ?? 'error';
    const want = severity === 'error' ? 'fails' : 'passes';
    const mine = asserted.filter((a) => a.code === code);
    if (mine.some((a) => a.severity === severity && a.synth === want)) return [];
    const seen = [...new Set(mine.map((a) => `${a.severity}/${a.synth}`))].join(', ') || 'never asserted';
    return [`${code} (${severity}; needs expectDiagnostic(app, '${code}', '${severity}') on a tree where synth ${want === 'fails' ? 'fails' : 'has no errors'}; seen: ${seen})`];
  });
}

// Root-level hook: after every test of a full run, each code must have had an executed assertion.
after(function () {
  if (!fullRun()) return;
  const missing = unprovenCodes();
  if (missing.length) throw new Error(`${missing.length} diagnostic code(s) have no executed severity assertion (see docs/testing.md):\n  ${missing.join('\n  ')}`);
  console.log(`  catalogue meta-check: all ${allCodes().length} codes had an executed expectDiagnostic with their severity and synth outcome (${assertedDiagnostics().length} assertions)`);
});

describe('catalogue', () => {
  it('the meta-check sees assertions only when they run', () => {
    const before = unprovenCodes().length;
    const { app, site } = Testing.site();
    new Container(site, 'db', { image: 'docker.io/library/postgres:latest' });
    expect(() => expectDiagnostic(app, 'IMAGE002', 'warning')).to.throw(/expected IMAGE002 to be a warning, got an error/);
    expect(() => expectDiagnostic(app, 'IMAGE001', 'error')).to.throw(/expected IMAGE001; got/);
    expectDiagnostic(app, 'IMAGE002', 'error');
    expect(unprovenCodes().length).to.be.at.most(before);
    expect(assertedDiagnostics().filter((a) => a.code === 'IMAGE002').map((a) => a.synth)).to.include('fails');
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
