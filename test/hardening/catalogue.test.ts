/**
 * Every bad input of the catalogue produces its code (never an exception), and
 * docs/errors-catalogue.md shows each input with the exact message synth prints for it.
 * Regenerate the doc with `UPDATE_ERRORS_CATALOGUE=1 npx mocha`.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { allCodes, Diagnostic, formatDiagnostics } from '../../lib';
import { expectDiagnostic, Testing, updateRequested } from '../../lib/testing';
import { BAD_INPUTS, BadInput } from './bad-inputs';

const DOC = path.resolve(__dirname, '../../docs/errors-catalogue.md');

function run(c: BadInput): Diagnostic[] {
  const { app, site } = Testing.site({ domains: ['example.org'], ...c.site });
  c.build(site, app);
  return Testing.diagnostics(app);
}

/** The TypeScript source of each case's build function, in order, read from bad-inputs.ts. */
function buildSources(): string[] {
  const file = path.resolve(__dirname, 'bad-inputs.ts');
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && n.name.getText() === 'BAD_INPUTS' && n.initializer && ts.isArrayLiteralExpression(n.initializer)) {
      for (const el of n.initializer.elements) {
        const prop = ts.isObjectLiteralExpression(el) ? el.properties.find((p) => p.name?.getText() === 'build') : undefined;
        const text = prop && ts.isPropertyAssignment(prop) ? prop.initializer.getText() : '';
        // Statements sit two levels deeper than the closing brace in the source: dedent to it.
        const lines = text.split('\n');
        const last = lines[lines.length - 1];
        const indent = lines.length > 1 ? last.length - last.trimStart().length : 0;
        out.push(lines.map((l, i) => (i === 0 ? l : l.slice(Math.min(indent, l.length - l.trimStart().length)))).join('\n'));
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

export function renderCatalogue(): string {
  const sources = buildSources();
  const out = [
    '# Errors catalogue',
    '',
    '<!-- Generated from test/hardening/bad-inputs.ts by test/hardening/catalogue.test.ts (UPDATE_ERRORS_CATALOGUE=1 npx mocha). Do not edit. -->',
    '',
    `${BAD_INPUTS.length} bad inputs covering all ${new Set(BAD_INPUTS.map((c) => c.code)).size} codes, each with the code synth answers with, its severity and the exact message it prints.`,
    'Every one is a test: the input must produce its code with that severity, an error must fail the synth and write nothing, a warning must not; never an exception. `s` is a site named `test`',
    `(domains \`example.org\`), \`app\` its App, and \`IMG\` a valid pinned image. For what each code means in general, see [diagnostics.md](diagnostics.md).`,
    '',
    '| # | code | severity | bad input |',
    '| ---: | --- | --- | --- |',
    ...BAD_INPUTS.map((c, i) => `| ${i + 1} | [${c.code}](#${i + 1}-${c.code.toLowerCase()}) | ${c.severity} | ${c.what} |`),
    '',
  ];
  BAD_INPUTS.forEach((c, i) => {
    const found = run(c).filter((d) => d.code === c.code);
    out.push(`## ${i + 1}. ${c.code}`, '', `${c.what[0].toUpperCase()}${c.what.slice(1)} (${c.severity}).`, '');
    if (c.site) out.push(`Site props: \`${JSON.stringify(c.site)}\``, '');
    out.push('```ts', sources[i], '```', '', '```', formatDiagnostics(found).split('\n').slice(1).join('\n'), '```', '');
  });
  return out.join('\n');
}

describe('errors catalogue (hardening)', () => {
  it('has at least 50 bad inputs, of at least 40 codes', () => {
    expect(BAD_INPUTS.length).to.be.at.least(50);
    expect(new Set(BAD_INPUTS.map((c) => c.code)).size).to.be.at.least(40);
  });

  it('covers every registered code', () => {
    const covered = new Set(BAD_INPUTS.map((c) => c.code));
    expect(allCodes().map(([c]) => c).filter((c) => !covered.has(c))).to.deep.equal([]);
  });

  const known = new Set(allCodes().map(([c]) => c));
  BAD_INPUTS.forEach((c, i) => {
    it(`${i + 1}. ${c.code} (${c.severity}): ${c.what}`, () => {
      const { app, site } = Testing.site({ domains: ['example.org'], ...c.site });
      expect(() => c.build(site, app)).to.not.throw();
      let diagnostics: Diagnostic[] = [];
      expect(() => (diagnostics = Testing.diagnostics(app))).to.not.throw();
      expectDiagnostic(app, c.code, c.severity);
      for (const d of diagnostics) {
        expect(known.has(d.code), `${d.code} is not registered`).to.equal(true);
        expect(d.message, d.code).to.be.a('string').and.not.equal('');
        expect(d.hint, d.code).to.be.a('string').and.not.equal('');
        expect(d.path, d.code).to.be.a('string');
      }
    });
  });

  it('docs/errors-catalogue.md is current', () => {
    const text = renderCatalogue();
    if (updateRequested('UPDATE_ERRORS_CATALOGUE')) fs.writeFileSync(DOC, text);
    expect(fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '', 'run UPDATE_ERRORS_CATALOGUE=1 npx mocha').to.equal(text);
  });
});
