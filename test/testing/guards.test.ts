/**
 * The suite guards itself: a stray `.only` fails the run, and update variables (which make tests
 * rewrite what they compare against) are refused under CI.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing, updateRequested } from '../../lib/testing';

const ROOT = path.resolve(__dirname, '..', '..');
const MOCHA = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');

/** Runs `fn` with the given environment variables set (undefined: unset), then restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) if (x === undefined) delete process.env[k]; else process.env[k] = x;
  };
  apply(vars);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

/** Mocha with the repository's .mocharc.json on the given spec files, in a child process. */
function mocha(specs: string[], env: Record<string, string | undefined> = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  // Without a `spec` of its own the config's spec list (the whole suite) would be added to ours.
  const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, '.mocharc.json'), 'utf8'));
  delete cfg.spec;
  delete cfg['//'];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-mocharc-'));
  try {
    fs.writeFileSync(path.join(tmp, 'mocharc.json'), JSON.stringify(cfg));
    return spawnSync(process.execPath, [MOCHA, '--config', path.join(tmp, 'mocharc.json'), '--reporter', 'dot', ...specs], { cwd: ROOT, env: childEnv, encoding: 'utf8', timeout: 120_000 });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes a throwaway spec file outside the repository and hands its path to `fn`. */
function withProbe(source: string, fn: (spec: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-probe-'));
  try {
    const spec = path.join(dir, 'probe.test.ts');
    fs.writeFileSync(spec, source);
    fn(spec);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('suite guards', function () {
  this.timeout(180_000);

  it('update variables work locally and are refused under CI', () => {
    withEnv({ CI: undefined, QUADLET_CDK_REQUIRE_VALIDATORS: undefined, UPDATE_X: '1' }, () => expect(updateRequested('UPDATE_X')).to.equal(true));
    withEnv({ CI: undefined, QUADLET_CDK_REQUIRE_VALIDATORS: undefined, UPDATE_X: undefined }, () => expect(updateRequested('UPDATE_X')).to.equal(false));
    for (const ci of [{ CI: 'true' }, { CI: '1' }, { CI: undefined, QUADLET_CDK_REQUIRE_VALIDATORS: '1' }]) {
      withEnv({ QUADLET_CDK_REQUIRE_VALIDATORS: undefined, ...ci, UPDATE_X: '1' }, () =>
        expect(() => updateRequested('UPDATE_X'), JSON.stringify(ci)).to.throw(/UPDATE_X=1 is refused under CI/));
    }
    withEnv({ CI: 'false', QUADLET_CDK_REQUIRE_VALIDATORS: undefined, UPDATE_X: '1' }, () => expect(updateRequested('UPDATE_X')).to.equal(true));
  });

  it('Testing.golden refuses UPDATE_GOLDEN=1 under CI and leaves the golden tree alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-golden-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.txt'), 'old');
      withEnv({ CI: 'true', UPDATE_GOLDEN: '1' }, () => expect(() => Testing.golden({ 'a.txt': 'new' }, dir)).to.throw(/refused under CI/));
      expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).to.equal('old');
      withEnv({ CI: 'true', UPDATE_GOLDEN: undefined }, () => expect(Testing.golden({ 'a.txt': 'new' }, dir)).to.have.length(1));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a run under CI with UPDATE_GOLDEN=1 (or any UPDATE_ variable) fails before any test', () => {
    withProbe("describe('probe', () => { it('passes', () => undefined); });\n", (spec) => {
      expect(mocha([spec], { CI: undefined, QUADLET_CDK_REQUIRE_VALIDATORS: undefined, UPDATE_GOLDEN: undefined }).status).to.equal(0);
      for (const [name, env] of [['UPDATE_GOLDEN', { CI: 'true' }], ['UPDATE_SOMETHING_NEW', { CI: undefined, QUADLET_CDK_REQUIRE_VALIDATORS: '1' }]] as const) {
        const res = mocha([spec], { ...env, [name]: '1' });
        expect(res.status, res.stdout + res.stderr).to.not.equal(0);
        expect(res.stdout + res.stderr).to.contain(`${name}=1 is refused under CI`).and.not.contain('1 passing');
      }
    });
  });

  it('the mocha config forbids .only: a spec with it.only fails the run', () => {
    withProbe("describe('probe', () => { it.only('runs alone', () => undefined); it('is skipped', () => undefined); });\n", (spec) => {
      const res = mocha([spec]);
      expect(res.status, res.stdout + res.stderr).to.not.equal(0);
      expect(res.stdout + res.stderr).to.contain('`.only` forbidden');
    });
  });
});
