import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { apply, ApplyOptions, DEPLOY_DIR, DeployError, InstallTree } from '../../lib/deploy';
import { MANIFEST_FILE } from '../../lib';
import { expectCodedError } from '../../lib/testing';
import { FakeHost } from './fake-host';
import { treeOf, Variant } from './support';

const SECRET = 'not-a-real-password-1234';

/** Every file under `dir` (the lock folder left out), path -> content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.name === DEPLOY_DIR) continue;
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

function expectDeployError(run: () => unknown, code: string): DeployError {
  return expectCodedError(run, code, DeployError);
}

describe('deploy: apply', () => {
  let root: string;
  let fake: FakeHost;
  const run = (v: Variant, extra: Partial<ApplyOptions> = {}) =>
    apply({ root, next: treeOf(v), host: fake.host(), uid: 1000, settleMs: 0, timeoutMs: 2000, ...extra });
  /** The host's db env file, made by its operator from the template with the secret filled in. */
  const fillSecrets = () => {
    fs.mkdirSync(path.join(root, '.config/test'), { recursive: true });
    fs.writeFileSync(path.join(root, '.config/test/app-db.env'), `POSTGRES_USER=old\nPOSTGRES_PASSWORD=${SECRET}\nEXTRA=kept\n`);
    fs.writeFileSync(path.join(root, '.config/test/litellm.env'), `LITELLM_MASTER_KEY=${SECRET}\nLITELLM_SALT_KEY=${SECRET}\n`);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-apply-'));
    fake = new FakeHost();
    fillSecrets();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('first apply: writes the files, reloads, starts every installed unit in dependency order', () => {
    const r = run({});
    expect(r.failure).to.equal(undefined);
    expect(fs.existsSync(path.join(root, MANIFEST_FILE))).to.equal(true);
    expect(fs.readFileSync(path.join(root, '.config/containers/systemd/web.container'), 'utf8')).to.include('[Container]');
    const actions = fake.actions;
    expect(actions[0]).to.equal('systemctl --user daemon-reload');
    const starts = actions.filter((a) => a.includes(' start ')).map((a) => a.split(' ').pop());
    expect(starts.indexOf('app-db.service')).to.be.within(0, starts.indexOf('web.service'));
    expect(fake.isActive('web.service')).to.equal(true);
  });

  it('env files follow their templates and keep the secrets on the host', () => {
    run({});
    const env = fs.readFileSync(path.join(root, '.config/test/app-db.env'), 'utf8');
    expect(env).to.include(`POSTGRES_PASSWORD=${SECRET}`).and.include('POSTGRES_USER=app').and.include('EXTRA=kept');
    expect(fs.statSync(path.join(root, '.config/test/app-db.env')).mode & 0o777).to.equal(0o600);
    expect(fs.readFileSync(path.join(root, '.config/test/worker.env'), 'utf8')).to.include('LEVEL=info');
  });

  it('a change restarts only that unit; applying again does nothing', () => {
    run({});
    const before = fake.commands.length;
    const r = run({ level: 'debug' });
    const actions = fake.commands.slice(before).filter((c) => !/ show /.test(c));
    expect(actions).to.deep.equal(['systemctl --user daemon-reload', 'systemctl --user restart --no-block worker.service']);
    expect(r.envFiles).to.deep.equal(['.config/test/worker.env']);
    expect(fs.readFileSync(path.join(root, '.config/test/worker.env'), 'utf8')).to.include('LEVEL=debug');
    const after = fake.commands.length;
    const again = run({ level: 'debug' });
    expect(again.written).to.deep.equal([]);
    expect(fake.commands.slice(after).filter((c) => !/ show |daemon-reload/.test(c))).to.deep.equal([]);
  });

  it('a removed unit is stopped before its files go; its volume stays unless pruned', () => {
    run({});
    const before = fake.commands.length;
    const r = run({ extra: false }, { pruneVolumes: true });
    const actions = fake.commands.slice(before).filter((c) => !/ show /.test(c));
    expect(actions.slice(0, 5)).to.deep.equal([
      'systemctl --user stop extra.service', 'systemctl --user reset-failed extra.service',
      'systemctl --user stop extra-data-volume.service', 'systemctl --user reset-failed extra-data-volume.service',
      'podman volume rm --force extra-data',
    ]);
    expect(r.removed).to.include('.config/containers/systemd/extra.container');
    expect(fs.existsSync(path.join(root, '.config/containers/systemd/extra.container'))).to.equal(false);
  });

  it('DEPLOY002: a unit that exits at once fails the apply, which restores and restarts the previous version', () => {
    run({});
    const installed = snapshot(root);
    fake.broken.add('worker.service');
    const r = run({ level: 'debug' });
    expect(r.rolledBack).to.equal(true);
    expect(expectDeployError(() => r.failure, 'DEPLOY002').message).to.include('worker.service').and.include('exited with 3');
    expect(snapshot(root)).to.deep.equal(installed);
    expect(fake.commands.filter((c) => c.includes('restart --no-block worker.service'))).to.have.length(2);
  });

  it('DEPLOY001: refuses to apply a rootless site as root, and a rootful one as a user; nothing written', () => {
    const e = expectDeployError(() => run({}, { uid: 0 }), 'DEPLOY001');
    expect(e.message).to.include('rootless');
    expectDeployError(() => run({ rootless: false }, { uid: 1000, host: fake.host(false) }), 'DEPLOY001');
    expect(fs.existsSync(path.join(root, MANIFEST_FILE))).to.equal(false);
    expect(fake.commands).to.deep.equal([]);
  });

  it('DEPLOY003: a second apply on the same root waits for none', () => {
    fs.mkdirSync(path.join(root, DEPLOY_DIR));
    fs.writeFileSync(path.join(root, DEPLOY_DIR, '.quadlet-cdk.lock'), '1 another-apply'); // pid 1 always runs
    expectDeployError(() => run({}), 'DEPLOY003');
    expect(fs.existsSync(path.join(root, MANIFEST_FILE))).to.equal(false);
  });

  it('DEPLOY004: an env file without its secrets stops the apply before anything changes', () => {
    fs.rmSync(path.join(root, '.config/test/app-db.env'));
    const e = expectDeployError(() => run({}), 'DEPLOY004');
    expect(e.details).to.deep.equal(['.config/test/app-db.env: POSTGRES_PASSWORD']);
    expect(fs.existsSync(path.join(root, MANIFEST_FILE))).to.equal(false);
    expect(fake.commands).to.deep.equal([]);
  });

  it('OUTPUT005: a file the site would overwrite that no manifest lists is a conflict, never overwritten', () => {
    const file = path.join(root, '.config/containers/systemd/web.container');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '# mine\n');
    expectDeployError(() => run({}), 'OUTPUT005');
    expect(fs.readFileSync(file, 'utf8')).to.equal('# mine\n');
  });

  it('--dry-run and --no-systemd list the commands; only --no-systemd writes, and neither runs systemctl', () => {
    const dry = run({}, { dryRun: true });
    expect(dry.commands[0]).to.equal('systemctl --user daemon-reload');
    expect(fs.existsSync(path.join(root, MANIFEST_FILE))).to.equal(false);
    const staged = run({}, { noSystemd: true });
    expect(staged.commands).to.deep.equal(dry.commands);
    expect(fs.existsSync(path.join(root, MANIFEST_FILE))).to.equal(true);
    expect(fake.commands).to.deep.equal([]);
  });

  it('never writes outside the root, whatever the tree says', () => {
    const next = treeOf({});
    const evil: InstallTree = { ...next, files: new Map([...next.files, ['../escape.txt', 'x']]) };
    expect(() => apply({ root, next: evil, host: fake.host(), uid: 1000 })).to.throw(/OUTPUT001/);
    expect(fs.existsSync(path.join(root, '..', 'escape.txt'))).to.equal(false);
  });
});
