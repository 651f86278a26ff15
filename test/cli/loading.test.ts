/**
 * How the `quadlet-cdk` command loads code: only the subcommand that runs, and TypeScript through
 * the cached esbuild loader (bin/ts-hook.js) with V8's code cache and source maps on the side.
 * Fresh node processes, since mocha's own process has ts-node and every module loaded already.
 */
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { allCommands, COMMAND_LOADERS } from '../../lib/cli/registry';
import { ROOT } from './support';

const HOOK = JSON.stringify(path.join(ROOT, 'bin', 'ts-hook'));

/** Runs `script` in a fresh node with the bin's loader registered; returns its stdout. */
function node(script: string, cwd: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): string {
  return execFileSync(process.execPath, [...args, '-e', `require(${HOOK}).register();\n${script}`], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('quadlet-cdk: what the command loads', () => {
  it('every loader gives the command of its name, in the order the help lists them', () => {
    expect(allCommands().map((c) => c.name)).to.deep.equal(COMMAND_LOADERS.map(([name]) => name));
  });

  it('loads the registry without any subcommand, and `synth` without the others\' modules', () => {
    const script = `const before = new Set(Object.keys(require.cache));
const { commandNamed } = require(${JSON.stringify(path.join(ROOT, 'lib', 'cli', 'registry'))});
const rel = (ids) => ids.map((id) => require('path').relative(${JSON.stringify(ROOT)}, id));
const registry = rel(Object.keys(require.cache).filter((id) => !before.has(id)));
commandNamed('synth');
console.log(JSON.stringify({ registry, synth: rel(Object.keys(require.cache)) }));`;
    const { registry, synth } = JSON.parse(node(script, ROOT));
    expect(registry.sort()).to.deep.equal(['lib/cli/args.ts', 'lib/cli/command.ts', 'lib/cli/registry.ts']);
    expect(synth).to.include('lib/cli/synth-command.ts');
    for (const other of ['lib/import/', 'lib/deploy/', 'lib/host/', 'lib/testing/', 'lib/cli/graph-command.ts', 'lib/cli/validate-command.ts', 'node_modules/smol-toml/']) {
      expect(synth.filter((id: string) => id.startsWith(other)), other).to.deep.equal([]);
    }
  });
});

describe('quadlet-cdk: the TypeScript loader (bin/ts-hook.js)', () => {
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-hook-'));
    cache = path.join(dir, 'cache');
    fs.writeFileSync(path.join(dir, 'data.json'), '{ "n": 2 }\n');
    fs.writeFileSync(path.join(dir, 'mod.ts'), `import * as path from 'path';
interface Shape { readonly n: number }
const data: Shape = require('./data.json');
export const where = path.basename(require.resolve('./data.json'));
export const doubled = data.n * 2;
export { later } from './dyn';
export function boom(): never {
  throw new Error('boom');
}
`);
    // import() from a vm.Script needs an experimental flag in node 20: node compiles this one itself.
    fs.writeFileSync(path.join(dir, 'dyn.ts'), `export async function later(): Promise<string> {
  const { sep } = await import('path');
  return sep;
}
`);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[] = []) => JSON.parse(node(`const m = require('./mod.ts');
let line;
try { m.boom(); } catch (e) { line = /mod\\.ts:(\\d+)/.exec(e.stack)[1]; }
m.later().then((sep) => console.log(JSON.stringify({ where: m.where, doubled: m.doubled, sep, line: Number(line), isMain: require.main === undefined })));`, dir, { QUADLET_CDK_CACHE_DIR: cache }, args));
  const entries = () => fs.readdirSync(cache, { recursive: true }).map(String).filter((f) => f.includes('.')).map((f) => f.replace(/^.*?[0-9a-f]{64}/, '')).sort();

  it('gives a module require, require.resolve and import() as node does, and caches the JavaScript, its map and V8\'s code', () => {
    const first = run();
    expect(first).to.include({ where: 'data.json', doubled: 4, sep: '/' });
    const tag = process.versions.v8.replace(/[^0-9a-z]+/gi, '_');
    expect(entries()).to.deep.equal([`.${tag}.v8`, '.js', '.js', '.js.map', '.js.map']);
    const second = run();
    expect(second).to.deep.equal(first);
    expect(entries()).to.have.length(5);
  });

  it('maps stack traces back to the TypeScript line under --enable-source-maps', () => {
    const plain = run();
    const mapped = run(['--enable-source-maps']);
    expect(mapped.line).to.equal(8); // the throw in mod.ts
    expect(plain.line).to.not.equal(8); // without: the transpiled line, at no cost
  });

  it('a changed file gets a new entry; a damaged code cache is ignored and written again', () => {
    run();
    const v8 = fs.readdirSync(cache, { recursive: true }).map(String).find((f) => f.endsWith('.v8'))!;
    fs.writeFileSync(path.join(cache, v8), 'not a code cache');
    expect(run().doubled).to.equal(4);
    expect(fs.readFileSync(path.join(cache, v8), 'utf8')).to.not.equal('not a code cache');
    fs.writeFileSync(path.join(dir, 'data.json'), '{ "n": 5 }\n');
    fs.appendFileSync(path.join(dir, 'mod.ts'), 'export const more = 1;\n');
    expect(run().doubled).to.equal(10);
    expect(entries()).to.have.length(8);
  });

  it('a cache folder it cannot write only costs speed', () => {
    fs.writeFileSync(path.join(dir, 'file'), ''); // a file where the cache folder would go: even root cannot write there
    const r = JSON.parse(node(`const m = require('./mod.ts'); console.log(JSON.stringify({ doubled: m.doubled }));`, dir, { QUADLET_CDK_CACHE_DIR: path.join(dir, 'file', 'cache') }));
    expect(r.doubled).to.equal(4);
  });

  it('without a cache entry for a file it transpiles it, and reports a syntax error with the file name', () => {
    fs.writeFileSync(path.join(dir, 'bad.ts'), 'export const = ;\n');
    const r = spawnSync(process.execPath, ['-e', `require(${HOOK}).register(); require('./bad.ts');`], { cwd: dir, encoding: 'utf8', env: { ...process.env, QUADLET_CDK_CACHE_DIR: cache } });
    expect(r.status).to.not.equal(0);
    expect(r.stderr).to.contain('bad.ts');
  });
});
