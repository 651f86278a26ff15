/**
 * No secret value ever reaches an output file. Every app (apps/*.ts) and example (examples/**.ts)
 * is synthesized twice: once to learn the secrets it declares (env template entries with empty
 * values, podman Secrets), then again with a known random value supplied for each, in every way
 * an app could pick one up: the process environment, the real `.env` files beside the
 * templates in the output folder, and `app.registerSecretValue` (so CORE005 would also fire).
 * Every file written is scanned for every value. A negative control proves the scan finds a leak.
 */
import { expect } from 'chai';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Container, Secret, Site, ValidationError } from '../../lib';

const ROOT = path.resolve(__dirname, '../..');

function sources(): string[] {
  const list = (dir: string): string[] => (fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? list(path.join(dir, e.name)) : /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []))
    : []);
  return [...list(path.join(ROOT, 'apps')), ...list(path.join(ROOT, 'examples'))].sort();
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Runs one app module as `npx projen synth` does (it synthesizes itself, or exports a default
 * function) into `outdir`, with `beforeSynth` called on each App first. Returns the apps.
 */
function runApp(file: string, outdir: string, beforeSynth: (app: App) => void = () => {}): App[] {
  const apps: App[] = [];
  const synthFiles = App.prototype.synthFiles;
  const prior = process.env.QUADLET_CDK_OUTDIR;
  process.env.QUADLET_CDK_OUTDIR = outdir;
  App.prototype.synthFiles = function (this: App, ...args) {
    if (!apps.includes(this)) {
      apps.push(this);
      beforeSynth(this);
    }
    return synthFiles.apply(this, args);
  };
  try {
    delete require.cache[require.resolve(file)];
    const mod = require(file);
    if (apps.length === 0 && typeof mod.default === 'function') {
      const app = new App({ outdir });
      mod.default(app);
      app.synth();
    }
  } finally {
    App.prototype.synthFiles = synthFiles;
    if (prior === undefined) delete process.env.QUADLET_CDK_OUTDIR;
    else process.env.QUADLET_CDK_OUTDIR = prior;
  }
  return apps;
}

/** Secret names an output declares: template entries with empty values, and podman Secrets. */
function declaredSecrets(outdir: string, apps: App[]): Set<string> {
  const names = new Set<string>();
  for (const f of filesUnder(outdir).filter((p) => /\.env\.tmpl$/.test(p))) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=$/gm)) names.add(m[1]);
  }
  for (const app of apps) for (const c of app.node.findAll()) if (c instanceof Secret) names.add(c.secretName);
  return names;
}

describe('secrets never reach the output (hardening)', function () {
  this.timeout(120_000);
  let work: string;
  before(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-secrets-'))));
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('there are apps to check', () => {
    expect(sources().length).to.be.greaterThan(0);
  });

  for (const file of sources()) {
    const name = path.relative(ROOT, file);
    it(`${name}: no supplied secret value appears in any output file`, () => {
      const first = path.join(work, `${name.replace(/\W+/g, '-')}-1`);
      const declared = declaredSecrets(first, runApp(file, first));
      expect(declared.size, `${name} declares no secrets; is the scan looking at the right files?`).to.be.greaterThan(0);

      const values = new Map([...declared].map((n) => [n, `qcdk-canary-${n}-${randomBytes(6).toString('hex')}`]));
      const saved = new Map([...values.keys()].map((n) => [n, process.env[n]]));
      const outdir = path.join(work, `${name.replace(/\W+/g, '-')}-2`);
      fs.mkdirSync(outdir, { recursive: true });
      for (const tmpl of filesUnder(first).filter((p) => p.endsWith('.env.tmpl'))) {
        // The real env file beside each template, as on the host: a user file synth never reads.
        const real = path.join(outdir, path.relative(first, tmpl).replace(/\.tmpl$/, ''));
        fs.mkdirSync(path.dirname(real), { recursive: true });
        fs.writeFileSync(real, [...values].map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
      }
      try {
        for (const [k, v] of values) process.env[k] = v;
        runApp(file, outdir, (app) => values.forEach((v) => app.registerSecretValue(v)));
      } finally {
        for (const [k, v] of saved) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
      const written = filesUnder(outdir).filter((p) => !/\.env$/.test(p) || p.endsWith('.quadlet-cdk-manifest.json'));
      expect(written.length).to.be.greaterThan(1);
      const leaks: string[] = [];
      for (const f of written) {
        const text = fs.readFileSync(f, 'utf8');
        for (const [k, v] of values) if (text.includes(v)) leaks.push(`${path.relative(outdir, f)} contains the value of ${k}`);
      }
      expect(leaks).to.deep.equal([]);
      // The real env files are the user's: still there, unchanged.
      for (const real of filesUnder(outdir).filter((p) => p.endsWith('.env'))) {
        expect(fs.readFileSync(real, 'utf8')).to.include('qcdk-canary-');
      }
    });
  }

  it('negative control: a value that does leak is caught by the scan and by CORE005', () => {
    const value = `qcdk-canary-LEAK-${randomBytes(6).toString('hex')}`;
    const app = new App({ outdir: path.join(work, 'leak') });
    const site = new Site(app, 'leak');
    app.registerSecretValue(value);
    new Container(site, 'web', { image: 'docker.io/library/alpine:3.20', command: ['echo', value] });
    expect(() => app.synth()).to.throw(ValidationError, /CORE005/);
    const files = app.synthFiles({ allowErrors: true }).files;
    expect(files.some((f) => f.content.includes(value))).to.equal(true);
  });
});
