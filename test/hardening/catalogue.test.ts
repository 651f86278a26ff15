/**
 * Every bad input of the catalogue produces its code (never an exception), and
 * docs/errors-catalogue.md shows each input with the exact message synth prints for it.
 * Regenerate the doc with `UPDATE_ERRORS_CATALOGUE=1 npx mocha`.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { allCodes, Diagnostic, formatDiagnostics, writeOutput } from '../../lib';
import { expectDiagnostic, expectOutputError, Testing, updateRequested } from '../../lib/testing';
import { BAD_INPUTS, BadInput } from './bad-inputs';
import { BAD_DEPLOYS, BadDeploy } from './bad-deploys';
import { BAD_OUTPUTS, BadOutput, NEXT, prepareBadOutput } from './bad-outputs';

const DOC = path.resolve(__dirname, '../../docs/errors-catalogue.md');

function run(c: BadInput): Diagnostic[] {
  const { app, site } = Testing.site({ domains: ['example.org'], ...c.site });
  c.build(site, app);
  return Testing.diagnostics(app);
}

/** Run `fn` on a fresh folder made bad by `c`, then delete the folder. */
function withBadOutput<T>(c: BadOutput, fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-bad-output-'));
  try {
    prepareBadOutput(c, dir);
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Run a bad deploy on a fresh root, then delete it; the error with the root shown as `<root>`. */
function deployError(c: BadDeploy): { code: string; severity: string; message: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-bad-deploy-'));
  try {
    const e = c.run(root);
    if (!e) throw new Error(`${c.code}: apply did not fail`);
    return { code: e.code, severity: e.diagnostic.severity, message: e.message.split(root).join('<root>') };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The TypeScript source of each case's `build` (or `prepare`) function, in order, read from bad-inputs.ts (or bad-outputs.ts). */
function buildSources(source = 'bad-inputs.ts', list = 'BAD_INPUTS', fn = 'build'): string[] {
  const file = path.resolve(__dirname, source);
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isVariableDeclaration(n) && n.name.getText() === list && n.initializer && ts.isArrayLiteralExpression(n.initializer)) {
      for (const el of n.initializer.elements) {
        const prop = ts.isObjectLiteralExpression(el) ? el.properties.find((p) => p.name?.getText() === fn) : undefined;
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
    `And ${BAD_OUTPUTS.length} output folders that synth refuses to write (an \`OutputError\` with the code; nothing in the folder changes):`,
    '',
    '| # | code | bad output folder |',
    '| ---: | --- | --- |',
    ...BAD_OUTPUTS.map((c, i) => `| O${i + 1} | [${c.code}](#o${i + 1}-${c.code.toLowerCase()}) | ${c.what} |`),
    '',
    `And ${BAD_DEPLOYS.length} hosts that \`quadlet-cdk apply\` refuses or fails on (a \`DeployError\` with the code; see [deploy.md](deploy.md)):`,
    '',
    '| # | code | bad host |',
    '| ---: | --- | --- |',
    ...BAD_DEPLOYS.map((c, i) => `| D${i + 1} | [${c.code}](#d${i + 1}-${c.code.toLowerCase()}) | ${c.what} |`),
    '',
  ];
  BAD_INPUTS.forEach((c, i) => {
    const found = run(c).filter((d) => d.code === c.code);
    out.push(`## ${i + 1}. ${c.code}`, '', `${c.what[0].toUpperCase()}${c.what.slice(1)} (${c.severity}).`, '');
    if (c.site) out.push(`Site props: \`${JSON.stringify(c.site)}\``, '');
    out.push('```ts', sources[i], '```', '', '```', formatDiagnostics(found).split('\n').slice(1).join('\n'), '```', '');
  });
  const prepared = buildSources('bad-outputs.ts', 'BAD_OUTPUTS', 'prepare');
  out.push('## Output folders', '', 'Each folder holds the output of an earlier synth (`PREVIOUS` in test/hardening/bad-outputs.ts), is then changed by the code shown, and the next synth writes into it. `<out>` is the output folder.', '');
  BAD_OUTPUTS.forEach((c, i) => {
    const message = withBadOutput(c, (dir) => expectOutputError(() => writeOutput(dir, NEXT), c.code).message.split(dir).join('<out>'));
    out.push(`## O${i + 1}. ${c.code}`, '', `${c.what[0].toUpperCase()}${c.what.slice(1)}.`, '');
    out.push('```ts', prepared[i], '```', '', '```', message, '```', '');
  });
  const deploys = buildSources('bad-deploys.ts', 'BAD_DEPLOYS', 'run');
  out.push('## Hosts', '', 'Each case runs `apply` of the small site of test/deploy/support.ts on a fresh root `<root>` with a scripted systemd (test/deploy/fake-host.ts).', '');
  BAD_DEPLOYS.forEach((c, i) => {
    out.push(`## D${i + 1}. ${c.code}`, '', `${c.what[0].toUpperCase()}${c.what.slice(1)}.`, '');
    out.push('```ts', deploys[i], '```', '', '```', deployError(c).message, '```', '');
  });
  return out.join('\n');
}

describe('errors catalogue (hardening)', () => {
  it('has at least 50 bad inputs, of at least 40 codes', () => {
    expect(BAD_INPUTS.length).to.be.at.least(50);
    expect(new Set(BAD_INPUTS.map((c) => c.code)).size).to.be.at.least(40);
  });

  it('covers every registered code', () => {
    const covered = new Set([...BAD_INPUTS, ...BAD_OUTPUTS, ...BAD_DEPLOYS].map((c) => c.code));
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

  BAD_OUTPUTS.forEach((c, i) => {
    it(`O${i + 1}. ${c.code}: ${c.what}`, () => {
      expect(known.has(c.code), `${c.code} is not a registered code`).to.equal(true);
      withBadOutput(c, (dir) => expectOutputError(() => writeOutput(dir, NEXT), c.code, dir));
    });
  });

  BAD_DEPLOYS.forEach((c, i) => {
    it(`D${i + 1}. ${c.code}: ${c.what}`, () => {
      const e = deployError(c);
      expect(known.has(c.code), `${c.code} is not a registered code`).to.equal(true);
      expect([e.code, e.severity]).to.deep.equal([c.code, 'error']);
    });
  });

  it('docs/errors-catalogue.md is current', () => {
    const text = renderCatalogue();
    if (updateRequested('UPDATE_ERRORS_CATALOGUE')) fs.writeFileSync(DOC, text);
    expect(fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '', 'run UPDATE_ERRORS_CATALOGUE=1 npx mocha').to.equal(text);
  });
});
