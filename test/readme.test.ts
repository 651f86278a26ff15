import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as lib from '../lib';
import { Testing } from '../lib/testing';

/** Runs the README's site (its first ts block) against this checkout and returns the app. */
function readmeApp(patch: (src: string) => string = (s) => s): lib.App {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const src = patch(/```ts\n([\s\S]*?)```/.exec(readme)![1])
    .replace(/^import .* from 'quadlet-cdk';$/m, '')
    .replace('new App()', "new App({ outdir: '/nonexistent' })")
    .replace('app.synth();', 'return app;');
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  return new Function(...Object.keys(lib), js)(...Object.values(lib));
}

function block(after: string, lang: string): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const at = readme.indexOf(after);
  return new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at))![1];
}

describe('README', () => {
  it('the wiki gets every variable Wiki.js reads to reach its database', () => {
    const app = readmeApp();
    const wiki = app.node.findAll().find((c): c is lib.Container => c instanceof lib.Container && c.name === 'wiki')!;
    for (const v of ['DB_TYPE', 'DB_HOST', 'DB_PORT', 'DB_USER', 'DB_NAME']) expect(wiki.envValue(v), v).to.not.equal(undefined);
    expect(wiki.envValue('DB_HOST')).to.equal('wiki-db');
    expect(wiki.envFiles.flatMap((f) => f.secretNames)).to.include('DB_PASS');
  });

  it('the 23-line site writes exactly the files and the unit the README shows', () => {
    const files = Testing.synth(readmeApp());
    const listed = block('It writes, under the output folder:', '').trim().split('\n').filter((f) => !f.startsWith('.quadlet-cdk'));
    expect(Object.keys(files).sort()).to.deep.equal(listed.sort());
    expect(files['.config/containers/systemd/wiki.container']).to.equal(block('and `wiki.container` reads:', 'ini'));
  });

  it('the error example is what synth prints', () => {
    const app = readmeApp((s) => s.replace("'docker.io/library/postgres:16.4'", "'postgres'"));
    let message = '';
    try {
      app.synthFiles();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message + '\n').to.equal(block('writes nothing, and says:', ''));
  });
});
