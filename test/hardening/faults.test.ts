/**
 * Output that survives faults: a synth killed at every point of its write, user files never
 * touched, an unwritable folder, and concurrent synths serialized by the lock. The writes run
 * in child processes (plain node on a transpiled copy of lib/core/output.ts, ~50 ms each) that
 * are killed with SIGKILL: no finally blocks, no exit handlers.
 */
import { spawn, spawnSync } from 'child_process';
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { Worker } from 'worker_threads';
import { GeneratedFile, MANIFEST_FILE, outputState, recoverOutput, verifyOutput, writeOutput } from '../../lib/core/output';

const OUTPUT_TS = path.resolve(__dirname, '../../lib/core/output.ts');

/** A folder (world-readable, for the unprivileged child) with output.js (and its modules) and the child script. */
function buildChild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-fault-bin-'));
  fs.chmodSync(dir, 0o755);
  // output.ts and every module of lib/core it requires, transitively (output-lock.ts, diagnostics.ts, ...).
  const todo = ['output'];
  for (const done = new Set<string>(); todo.length;) {
    const name = todo.pop()!;
    if (done.has(name)) continue;
    done.add(name);
    const js = ts.transpileModule(fs.readFileSync(path.join(path.dirname(OUTPUT_TS), `${name}.ts`), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    fs.writeFileSync(path.join(dir, `${name}.js`), js);
    for (const m of js.matchAll(/require\("\.\/([a-z-]+)"\)/g)) todo.push(m[1]);
  }
  // argv: outdir, files.json, killAt (0 = never), lockWaitMs, log file ('' = none), uid ('' = keep)
  fs.writeFileSync(path.join(dir, 'child.js'), `
const fs = require('fs');
const [outdir, filesJson, killAtText, waitText, log, uid] = process.argv.slice(2);
if (uid) { process.setgid(Number(uid)); process.setuid(Number(uid)); }
const killAt = Number(killAtText);
let ops = 0;
const now = () => performance.timeOrigin + performance.now();
for (const name of ['writeFileSync', 'renameSync', 'rmSync', 'mkdirSync', 'linkSync', 'rmdirSync', 'unlinkSync']) {
  const orig = fs[name];
  fs[name] = function (...args) {
    if (++ops === killAt) process.kill(process.pid, 'SIGKILL');
    const target = args[name === 'linkSync' ? 1 : 0];
    const lockOp = log && typeof target === 'string' && target.endsWith('.quadlet-cdk.lock');
    if (lockOp && name === 'rmSync') fs.appendFileSync(log, 'release ' + process.pid + ' ' + now() + '\\n');
    const r = orig.apply(this, args);
    if (lockOp && name === 'linkSync') fs.appendFileSync(log, 'acquire ' + process.pid + ' ' + now() + '\\n');
    return r;
  };
}
const { writeOutput } = require('./output.js');
const files = JSON.parse(fs.readFileSync(filesJson, 'utf8'));
try {
  writeOutput(outdir, files, { lockWaitMs: Number(waitText) });
  process.stdout.write(JSON.stringify({ ok: true, ops }));
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, ops, error: e.message, name: e.name }));
}
`);
  return dir;
}

const f = (p: string, content: string): GeneratedFile => ({ path: p, content, constructPath: `site/${p.replace(/\W+/g, '-')}` });

/** The previous output: units, templates, docs, and `docs/legacy` that becomes a folder next time. */
function generationA(): GeneratedFile[] {
  const out: GeneratedFile[] = [];
  for (let i = 0; i < 12; i++) out.push(f(`.config/containers/systemd/svc${i}.container`, `[Container]\nImage=docker.io/library/alpine:3.${i}\n`));
  out.push(f('.config/site/svc1.env.tmpl', 'A=1\n'), f('docs/legacy', 'old doc\n'), f('docs/index.md', '# A\n'), f('only-in-a/x.txt', 'a\n'));
  return out;
}

/** The next output: some changed, some unchanged, some removed, some new, a file turned into a folder. */
function generationB(): GeneratedFile[] {
  const out: GeneratedFile[] = [];
  for (let i = 4; i < 16; i++) out.push(f(`.config/containers/systemd/svc${i}.container`, `[Container]\nImage=docker.io/library/alpine:3.${i % 2 ? i : i + 100}\n`));
  out.push(f('.config/site/svc1.env.tmpl', 'A=2\n'), f('docs/legacy/index.md', 'now a folder\n'), f('docs/index.md', '# B\n'), f('only-in-b/deep/y.txt', 'b\n'));
  return out;
}

const USER_FILES: Record<string, string> = {
  'notes.md': 'my notes\n',
  '.config/containers/systemd/mine.container': '[Container]\nImage=docker.io/library/nginx:1.27\n',
  'docs/user.txt': 'mine\n',
  'only-in-a/keep.txt': 'user file in a generated folder\n',
};

/** Every file under `dir` with its content, leaving out the writer's own bookkeeping folder and lock. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (p === '.quadlet-cdk-staging' || p === '.quadlet-cdk-trash' || p.startsWith('.quadlet-cdk.lock')) continue;
      if (e.isDirectory()) walk(p);
      else out[p] = fs.readFileSync(path.join(dir, p), 'utf8');
    }
  };
  walk('');
  return out;
}

function userFileIds(dir: string): Record<string, string> {
  return Object.fromEntries(Object.keys(USER_FILES).map((p) => {
    const st = fs.statSync(path.join(dir, p));
    return [p, `${st.ino}:${st.mtimeMs}:${fs.readFileSync(path.join(dir, p), 'utf8')}`];
  }));
}

/** A deterministic PRNG (mulberry32), so every run kills at the same points. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('output faults (hardening)', function () {
  this.timeout(120_000);
  let bin: string;
  let work: string;
  let expectedA: Record<string, string>;
  let expectedB: Record<string, string>;
  let filesA: string;
  let filesB: string;

  /** A fresh folder holding generation A and the user's files. */
  function freshA(): string {
    const dir = fs.mkdtempSync(path.join(work, 'out-'));
    writeOutput(dir, generationA());
    for (const [p, c] of Object.entries(USER_FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), c);
    }
    return dir;
  }

  function runChild(dir: string, filesJson: string, killAt: number, extra: { wait?: number; log?: string; uid?: number } = {}) {
    const r = spawnSync(process.execPath, [path.join(bin, 'child.js'), dir, filesJson, String(killAt), String(extra.wait ?? 0), extra.log ?? '', extra.uid === undefined ? '' : String(extra.uid)], { encoding: 'utf8' });
    return { signal: r.signal, result: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
  }

  before(() => {
    bin = buildChild();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-fault-'));
    fs.chmodSync(work, 0o755);
    filesA = path.join(work, 'a.json');
    filesB = path.join(work, 'b.json');
    fs.writeFileSync(filesA, JSON.stringify(generationA()));
    fs.writeFileSync(filesB, JSON.stringify(generationB()));
    const a = freshA();
    expectedA = snapshot(a);
    writeOutput(a, generationB());
    expectedB = snapshot(a);
    expect(expectedA).to.not.deep.equal(expectedB);
  });
  after(() => {
    fs.rmSync(bin, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  /**
   * The check after every kill: before recovery, the folder either is exactly A or B, or holds a
   * committed journal (the state `outputState` reports as 'committed'); after `recoverOutput` it
   * is exactly A or exactly B, user files untouched, no leftovers; and a later synth succeeds.
   */
  function checkAfterKill(dir: string, before: Record<string, string>, label: string): 'A' | 'B' {
    const raw = snapshot(dir);
    const state = outputState(dir);
    const rawIs = JSON.stringify(raw) === JSON.stringify(expectedA) ? 'A' : JSON.stringify(raw) === JSON.stringify(expectedB) ? 'B' : 'mix';
    if (rawIs === 'mix') expect(state, `${label}: a mix on disk without a committed journal`).to.equal('committed');
    if (state !== 'committed') expect(rawIs, `${label}: no committed journal, yet not one complete output`).to.not.equal('mix');
    recoverOutput(dir);
    const after = snapshot(dir);
    const is = JSON.stringify(after) === JSON.stringify(expectedA) ? 'A' : JSON.stringify(after) === JSON.stringify(expectedB) ? 'B' : undefined;
    if (is === undefined) expect.fail(`${label}: after recovery the folder is neither the old nor the new output`);
    if (state === 'committed') expect(is, `${label}: a committed write must roll forward`).to.equal('B');
    expect(userFileIds(dir), `${label}: user files`).to.deep.equal(before);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.quadlet-cdk') && n !== MANIFEST_FILE), `${label}: leftovers`).to.deep.equal([]);
    expect(verifyOutput(dir).problems).to.deep.equal([]);
    return is;
  }

  it('a synth killed at every file-system step leaves the old or the complete new output', () => {
    const dry = freshA();
    const total = runChild(dry, filesB, 0).result.ops as number;
    expect(total).to.be.greaterThan(20);
    const seen = { A: 0, B: 0 };
    // Every step (there are ~60-100): bounded, deterministic.
    for (let k = 1; k <= total; k++) {
      const dir = freshA();
      const before = userFileIds(dir);
      const r = runChild(dir, filesB, k);
      expect(r.signal, `kill at step ${k}`).to.equal('SIGKILL');
      seen[checkAfterKill(dir, before, `step ${k}/${total}`)]++;
      writeOutput(dir, generationA()); // and the folder is usable again
      expect(snapshot(dir)).to.deep.equal(expectedA);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(seen.A).to.be.greaterThan(0);
    expect(seen.B).to.be.greaterThan(0);
  });

  it('a synth killed from outside at random moments leaves the old or the complete new output', async () => {
    // A larger write, so that the kills land inside it; delays from a seeded PRNG.
    const big = generationB().concat(Array.from({ length: 200 }, (_, i) => f(`.config/containers/systemd/extra${i}.container`, `[Container]\nImage=docker.io/library/alpine:3.${i}\n`)));
    const bigJson = path.join(work, 'big.json');
    fs.writeFileSync(bigJson, JSON.stringify(big));
    const bigDir = freshA();
    writeOutput(bigDir, big);
    const expectedBig = snapshot(bigDir);
    const t0 = Date.now();
    runChild(freshA(), bigJson, 0);
    const span = Math.max(20, Date.now() - t0);
    const rand = prng(7);
    for (let i = 0; i < 10; i++) {
      const dir = freshA();
      const before = userFileIds(dir);
      const child = spawn(process.execPath, [path.join(bin, 'child.js'), dir, bigJson, '0', '0', '', '']);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, Math.floor(rand() * span)));
      child.kill('SIGKILL');
      await exited;
      const state = outputState(dir);
      recoverOutput(dir);
      const after = JSON.stringify(snapshot(dir));
      expect([JSON.stringify(expectedA), JSON.stringify(expectedBig)], `kill ${i} (${state})`).to.include(after);
      expect(userFileIds(dir)).to.deep.equal(before);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never touches a user file where a generated file would go, nor a user file in the way of a folder', () => {
    const dir = freshA();
    fs.writeFileSync(path.join(dir, '.config/containers/systemd/svc13.container'), 'mine\n');
    const r = runChild(dir, filesB, 0);
    expect(r.result.ok).to.equal(false);
    expect(r.result.error).to.match(/svc13\.container exists but was not written by quadlet-cdk/);
    expect(snapshot(dir)['.config/containers/systemd/svc13.container']).to.equal('mine\n');
    fs.rmSync(path.join(dir, '.config/containers/systemd/svc13.container'));
    fs.writeFileSync(path.join(dir, 'only-in-b'), 'a user file where a folder goes\n');
    expect(() => writeOutput(dir, generationB())).to.throw(/only-in-b is a file the manifest does not list/);
    expect(fs.readFileSync(path.join(dir, 'only-in-b'), 'utf8')).to.equal('a user file where a folder goes\n');
    expect(outputState(dir)).to.equal('clean');
    const withoutUser = snapshot(dir);
    delete withoutUser['only-in-b'];
    expect(withoutUser).to.deep.equal(expectedA);
  });

  it('gives a clear error for an unwritable output folder, and for an unwritable folder inside it, before writing anything', function () {
    const dir = freshA();
    if (process.getuid?.() === 0) {
      // root ignores modes: the child drops to nobody; the folder it may not write stays root's.
      fs.chmodSync(dir, 0o555);
      const r = runChild(dir, filesB, 0, { uid: 65534 });
      expect(r.result, r.stderr).to.include({ ok: false, name: 'OutputError' });
      expect(r.result.error).to.match(/output folder .* permission denied|cannot lock the output folder .* permission denied/);
      // Writable top, unwritable unit folder: refused before the commit, old output intact.
      spawnSync('chown', ['-R', '65534:65534', dir]);
      fs.chmodSync(dir, 0o755);
      spawnSync('chown', ['0:0', path.join(dir, '.config/containers/systemd')]);
      fs.chmodSync(path.join(dir, '.config/containers/systemd'), 0o555);
      const r2 = runChild(dir, filesB, 0, { uid: 65534 });
      expect(r2.result.ok).to.equal(false);
      expect(r2.result.error).to.match(/nothing written .*\n.*cannot write to .*containers\/systemd: permission denied/);
      expect(outputState(dir)).to.equal('clean');
      expect(snapshot(dir)).to.deep.equal(expectedA);
      fs.chmodSync(path.join(dir, '.config/containers/systemd'), 0o755);
    } else {
      fs.chmodSync(dir, 0o555);
      expect(() => writeOutput(dir, generationB())).to.throw(/cannot (write to|lock) the output folder .*permission denied/);
      fs.chmodSync(dir, 0o755);
    }
  });

  it('serializes concurrent synths into one folder: lock intervals never overlap, and the result is one complete output', async () => {
    const dir = freshA();
    const before = userFileIds(dir);
    const log = path.join(work, 'lock.log');
    fs.writeFileSync(log, '');
    const gens: string[] = [];
    const outputs: Array<Record<string, string>> = [];
    for (let g = 0; g < 4; g++) {
      const files = generationB().concat(Array.from({ length: 80 }, (_, i) => f(`gen/${g}/f${i}.txt`, `${g}:${i}\n`)));
      const p = path.join(work, `gen${g}.json`);
      fs.writeFileSync(p, JSON.stringify(files));
      gens.push(p);
      const ref = freshA();
      writeOutput(ref, files);
      outputs.push(snapshot(ref));
    }
    const results = await Promise.all(gens.map((g) => new Promise<any>((resolve) => {
      const child = spawn(process.execPath, [path.join(bin, 'child.js'), dir, g, '0', '60000', log, '']);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', () => resolve(JSON.parse(out)));
    })));
    expect(results.map((r) => r.ok), JSON.stringify(results)).to.deep.equal([true, true, true, true]);
    const events = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')).map(([what, pid, t]) => ({ what, pid, t: Number(t) }));
    expect(events.filter((e) => e.what === 'acquire')).to.have.length(4);
    events.sort((a, b) => a.t - b.t);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i].what, 'acquire, release, acquire, release ...').to.equal('acquire');
      expect(events[i + 1]).to.include({ what: 'release', pid: events[i].pid });
    }
    expect(outputs.map((o) => JSON.stringify(o))).to.include(JSON.stringify(snapshot(dir)));
    expect(userFileIds(dir)).to.deep.equal(before);
  });

  /** Run `code` (a function body with `lib`, the transpiled output.js, and `data`) in a worker thread; its return value, or a timeout. */
  function inWorker(code: string, data: unknown, timeoutMs: number): Promise<any> {
    const worker = new Worker(`const { parentPort, workerData } = require('worker_threads');
const lib = require(workerData.lib);
parentPort.postMessage((function (lib, data) { ${code} })(lib, workerData.data));`, { eval: true, workerData: { lib: path.join(bin, 'output.js'), data } });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`the worker did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      worker.on('message', (m) => {
        clearTimeout(timer);
        void worker.terminate();
        resolve(m);
      });
      worker.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
  const startOf = (pid: number) => {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  };

  it('serializes the worker threads of one process: a lock held by the same pid is not stale', async () => {
    const dir = freshA();
    const before = userFileIds(dir);
    const rounds = 8;
    const results = await Promise.all([0, 1, 2, 3].map((w) => inWorker(`
      const failed = [];
      for (let i = 0; i < data.rounds; i++) {
        const files = data.files.concat(Array.from({ length: 30 }, (_, k) => ({ path: 'w' + data.w + '/r' + i + '/f' + k, content: data.w + ':' + i + ':' + k + '\\n', constructPath: 'w' })));
        try { lib.writeOutput(data.dir, files, { lockWaitMs: 60000 }); } catch (e) { failed.push(e.message); }
      }
      return failed;`, { dir, w, rounds, files: generationB() }, 100_000)));
    expect(results.flat(), 'failed writes').to.deep.equal([]);
    expect(outputState(dir)).to.equal('clean');
    expect(verifyOutput(dir).problems).to.deep.equal([]);
    const written = Object.keys(snapshot(dir)).filter((p) => /^w\d\//.test(p));
    expect(written, 'one complete output of one worker\'s last write').to.have.length(30);
    expect(userFileIds(dir)).to.deep.equal(before);
    expect(fs.existsSync(path.join(dir, '.quadlet-cdk.lock'))).to.equal(false);
  });

  it('tells a live holder from a reused pid by the process start time', () => {
    const dir = freshA();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      const lock = (start: string) => JSON.stringify({ pid: holder.pid, start, host: os.hostname(), token: 'abc' });
      fs.writeFileSync(path.join(dir, '.quadlet-cdk.lock'), lock(startOf(holder.pid!)));
      const r = runChild(dir, filesB, 0);
      expect(r.result, r.stderr).to.include({ ok: false, name: 'OutputError' });
      expect(r.result.error).to.match(new RegExp(`^OUTPUT004 another synth \\(pid ${holder.pid}\\) is writing to`));
      expect(snapshot(dir)).to.deep.equal(expectedA);
      // The same pid, but a process that started at another time: the holder died and its pid was reused.
      fs.writeFileSync(path.join(dir, '.quadlet-cdk.lock'), lock(String(Number(startOf(holder.pid!)) - 1)));
      expect(runChild(dir, filesB, 0).result).to.include({ ok: true });
      expect(snapshot(dir)).to.deep.equal(expectedB);
      expect(fs.existsSync(path.join(dir, '.quadlet-cdk.lock'))).to.equal(false);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('bounds every wait: a takeover guard with a future or a fresh mtime never makes lockWaitMs: 0 spin', async () => {
    const dir = freshA();
    const lock = path.join(dir, '.quadlet-cdk.lock');
    const guard = `${lock}.takeover`;
    // A stale lock (dead pid) and a guard left by a live process, its mtime an hour ahead (a wrong clock).
    fs.writeFileSync(lock, '999999999 dead');
    fs.writeFileSync(guard, String(process.ppid));
    const later = new Date(Date.now() + 3600_000);
    fs.utimesSync(guard, later, later);
    const took = await inWorker(`try { lib.writeOutput(data.dir, data.files, { lockWaitMs: 0 }); return 'written'; } catch (e) { return e.message; }`,
      { dir, files: generationB() }, 15_000);
    expect(took, 'a guard whose age is off by more than 10 s is stale').to.equal('written');
    expect(fs.existsSync(guard)).to.equal(false);
    // A fresh guard of a live process: another synth is taking the stale lock over right now. Fail at once, say so.
    fs.writeFileSync(lock, '999999999 dead');
    fs.writeFileSync(guard, String(process.ppid));
    const t0 = Date.now();
    const refused = await inWorker(`try { lib.writeOutput(data.dir, data.files, { lockWaitMs: 0 }); return 'written'; } catch (e) { return e.message; }`,
      { dir, files: generationA() }, 15_000);
    expect(refused).to.match(/^OUTPUT004 another synth that is taking over a stale lock is writing to/);
    expect(Date.now() - t0).to.be.below(10_000);
    const waited = await inWorker(`const t = Date.now(); try { lib.writeOutput(data.dir, data.files, { lockWaitMs: 300 }); return 'written'; } catch (e) { return (Date.now() - t) + ' ' + e.code; }`,
      { dir, files: generationA() }, 15_000);
    expect(waited).to.match(/^\d+ OUTPUT004$/);
    expect(Number(waited.split(' ')[0])).to.be.at.least(300);
    expect(snapshot(dir)).to.deep.equal(expectedB);
  });

  it('a second synth fails at once with the holder\'s pid when it does not wait', () => {
    const dir = freshA();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      fs.writeFileSync(path.join(dir, '.quadlet-cdk.lock'), `${holder.pid} abc`);
      const r = runChild(dir, filesB, 0);
      expect(r.result.error).to.match(new RegExp(`^OUTPUT004 another synth \\(pid ${holder.pid}\\) is writing to`));
      expect(snapshot(dir)).to.deep.equal(expectedA);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
