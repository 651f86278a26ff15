import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Container, EnvFile, LocalLlmStack, MariaDb, Network, PostgresDatabase, Secret } from '../../lib';
import { systemdArgv, Testing } from '../../lib/testing';
import { values } from './support';

const Q = '.config/containers/systemd';
const PASSWORD = 'c0ffee'.repeat(10);

/** A wiki that takes a DATABASE_URL, a mail archive that takes the password as a variable. */
function site() {
  const { app, site } = Testing.site();
  new Network(site, 'net', { default: true });
  const wikiDb = new PostgresDatabase(site, 'wiki-db');
  const wiki = new Container(site, 'wiki', { image: 'ghcr.io/requarks/wiki:2.5.304' });
  const wikiEnv = new EnvFile(site, 'wiki-env', { name: 'wiki', values: { DB_TYPE: 'postgres' } });
  wikiDb.connect(wiki, { envFile: wikiEnv });
  const pilerDb = new MariaDb(site, 'piler-mysql');
  const piler = new Container(site, 'piler', { image: 'docker.io/sutoj/piler:1.4.5' });
  pilerDb.connect(piler, { envFile: new EnvFile(site, 'piler-env', { name: 'piler' }), hostVar: 'MYSQL_HOSTNAME', databaseVar: 'MYSQL_DATABASE', userVar: 'MYSQL_USER', passwordVar: 'MYSQL_PASSWORD' });
  return { app, site, wikiDb, wiki, pilerDb, piler };
}

/** A stand-in for podman: `secret exists|create|inspect` against one folder, a file per secret. */
function fakePodman(dir: string): string {
  const bin = path.join(dir, 'podman');
  fs.writeFileSync(bin, [
    '#!/bin/sh',
    `store=${dir}/store`,
    'mkdir -p "$store"',
    'case "$1 $2" in',
    '  "secret exists") test -f "$store/$3" ;;',
    '  "secret create") test ! -f "$store/$3" && cat > "$store/$3" ;;',
    // inspect --showsecret --format '{{.SecretData}}' NAME
    '  "secret inspect") cat "$store/$6" ;;',
    '  *) exit 2 ;;',
    'esac',
  ].join('\n') + '\n', { mode: 0o755 });
  return bin;
}

/** Run a generated Exec line as systemd would, with podman and %t pointed at `dir`. */
function runExec(line: string, dir: string): void {
  const argv = systemdArgv(line).map((a) => a.replace(/\/usr\/bin\/podman/g, path.join(dir, 'podman')).replace(/^%t\//, `${dir}/run/`));
  execFileSync(argv[0], argv.slice(1), { stdio: 'pipe' });
}

describe('secrets defined once', () => {
  it('a database password is one generated podman secret that the database and its consumers read', () => {
    const { app, wikiDb, pilerDb } = site();
    const files = Testing.synth(app);
    const unit = (n: string) => files[`${Q}/${n}`];
    expect(wikiDb.passwordSecret.secretName).to.equal('wiki-db-password');
    expect(values(unit('wiki-db.container'), 'Secret')).to.deep.equal(['wiki-db-password,type=env,target=POSTGRES_PASSWORD']);
    expect(values(unit('piler-mysql.container'), 'Secret')).to.deep.equal([
      'piler-mysql-password,type=env,target=MYSQL_PASSWORD', 'piler-mysql-root-password,type=env,target=MYSQL_ROOT_PASSWORD',
    ]);
    expect(pilerDb.rootPasswordSecret?.secretName).to.equal('piler-mysql-root-password');
    // A consumer that takes the password as a variable reads the same secret.
    expect(values(unit('piler.container'), 'Secret')).to.deep.equal(['piler-mysql-password,type=env,target=MYSQL_PASSWORD']);
    // Every container that reads a secret starts after the site's secrets unit.
    for (const n of ['wiki-db.container', 'wiki.container', 'piler-mysql.container', 'piler.container']) {
      expect(values(unit(n), 'Requires')[0], n).to.match(/(^| )test-secrets\.service( |$)/);
    }
    // No env template asks for a password: each secret is listed once, as a podman secret.
    const templates = Object.entries(files).filter(([p]) => p.endsWith('.env.tmpl')).map(([, c]) => c).join('\n');
    expect(templates).not.to.match(/PASSWORD|DATABASE_URL/);
    const docs = app.node.findAll().filter((c): c is Secret => c instanceof Secret).map((s) => s.secretName).sort();
    expect(docs).to.deep.equal(['piler-mysql-password', 'piler-mysql-root-password', 'wiki-db-password']);
  });

  it('the secrets unit creates each generated secret once, 64 hex characters, and keeps it', () => {
    const { app } = site();
    const service = Testing.synth(app)['.config/systemd/user/test-secrets.service'];
    expect(values(service, 'Type')).to.deep.equal(['oneshot']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-secrets-unit-'));
    try {
      fakePodman(dir);
      runExec(values(service, 'ExecStart')[0], dir);
      const first = fs.readFileSync(path.join(dir, 'store', 'wiki-db-password'), 'utf8');
      expect(first).to.match(/^[0-9a-f]{64}$/);
      expect(fs.readdirSync(path.join(dir, 'store')).sort()).to.deep.equal(['piler-mysql-password', 'piler-mysql-root-password', 'wiki-db-password']);
      runExec(values(service, 'ExecStart')[0], dir);
      expect(fs.readFileSync(path.join(dir, 'store', 'wiki-db-password'), 'utf8')).to.equal(first);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a secret the operator provides stops the secrets unit, naming the command, until it exists', () => {
    const { app, site: s } = Testing.site();
    const key = new Secret(s, 'api-key', { description: 'the upstream API key' });
    new Container(s, 'api', { image: 'docker.io/example/api:1.2.0', secrets: [{ secret: key, env: 'API_KEY' }] });
    const files = Testing.synth(app);
    const service = files['.config/systemd/user/test-secrets.service'];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-secrets-unit-'));
    try {
      fakePodman(dir);
      expect(() => runExec(values(service, 'ExecStart')[0], dir)).to.throw(/podman secret api-key is missing: create it once with: podman secret create api-key -/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a DATABASE_URL is composed at start into a 0600 runtime file, read by podman, then deleted; the unit holds no value', () => {
    const { app, wiki } = site();
    app.registerSecretValue(PASSWORD);
    const unit = Testing.synth(app)[`${Q}/wiki.container`];
    expect(values(unit, 'EnvironmentFile')).to.deep.equal(['%h/.config/test/wiki.env', '%t/test/wiki-composed.env']);
    expect(values(unit, 'ExecStartPost')).to.deep.equal(['-/bin/rm -f %t/test/wiki-composed.env']);
    expect(wiki.composedEnv.has('DATABASE_URL')).to.equal(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-compose-'));
    try {
      fakePodman(dir);
      fs.mkdirSync(path.join(dir, 'store'));
      fs.writeFileSync(path.join(dir, 'store', 'wiki-db-password'), `${PASSWORD}\n`);
      runExec(values(unit, 'ExecStartPre')[0], dir);
      const file = path.join(dir, 'run', 'test', 'wiki-composed.env');
      expect(fs.readFileSync(file, 'utf8')).to.equal(`DATABASE_URL=postgresql://wiki:${PASSWORD}@wiki-db:5432/wiki\n`);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      runExec(values(unit, 'ExecStartPost')[0].slice(1), dir);
      expect(fs.existsSync(file)).to.equal(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('LocalLlmStack composes LiteLLM\'s DATABASE_URL from its database\'s secret instead of a template entry', () => {
    const { app, site: s } = Testing.site();
    new Network(s, 'net', { default: true });
    const llm = new LocalLlmStack(s, 'llm', {
      llamaSwap: { image: 'ghcr.io/mostlygeek/llama-swap:v150-vulkan', modelDir: '/srv/models' },
      models: { 'qwen3-4b': { modelFile: 'qwen3-4b/Qwen3-4B-Q8_0.gguf' } },
      gateway: { image: 'ghcr.io/berriai/litellm:v1.80.0-stable' },
      chat: false,
    });
    const files = Testing.synth(app);
    expect(llm.gateway.envFile.secretNames).not.to.include('DATABASE_URL');
    expect(llm.gateway.container.composedEnv.get('DATABASE_URL')).to.deep.equal(llm.gatewayDatabase!.urlParts());
    expect(values(files[`${Q}/litellm.container`], 'ExecStartPre')[0]).to.contain('litellm-db-password');
  });
});
