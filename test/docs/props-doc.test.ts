import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const LIB = path.join(__dirname, '..', '..', 'lib');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.generated.ts') ? [full] : [];
  });
}

/**
 * Every property of every exported interface in lib/ (the props and options a site author fills
 * in, and the shapes the library hands back) has a description; every optional one also says
 * what happens without it (`@default`). The API reference (docs/api/) is generated from these.
 */
export function undocumentedProps(): string[] {
  const problems: string[] = [];
  for (const file of sources(LIB)) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const rel = path.relative(path.join(LIB, '..'), file);
    sf.forEachChild((node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.name) continue;
        const name = `${rel}: ${node.name.text}.${member.name.getText(sf)}`;
        const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
        const text = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('').trim();
        const tags = docs.flatMap((d) => [...(d.tags ?? [])]);
        if (!text) problems.push(`${name}: no description`);
        if (member.questionToken && !tags.some((t) => t.tagName.text === 'default')) problems.push(`${name}: optional without @default`);
      }
    });
  }
  return problems;
}

describe('TSDoc of exported props', () => {
  it('every property of an exported interface has a description, and every optional one a @default', () => {
    expect(undocumentedProps()).to.deep.equal([]);
  });
});
