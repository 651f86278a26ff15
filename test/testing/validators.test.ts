import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import {
  caddyAdapt,
  caddyValidate,
  findValidators,
  quadletDryRun,
  quadletGenerate,
  requireValidators,
  systemdCalendar,
  systemdVerify,
  ValidatorPaths,
} from '../../lib/testing/validators';

const found = findValidators();

/** Skips the suite when `tool` is missing, or fails it when validators are required (CI). */
function need(ctx: Mocha.Context, tool: keyof ValidatorPaths): void {
  if (found[tool]) return;
  if (requireValidators()) throw new Error(`${tool} is missing: run scripts/ensure-validators.sh`);
  ctx.skip();
}

/** Runs `fn` with some env vars replaced (undefined = unset), restoring them after. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>): void => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

const IMAGE = 'Image=docker.io/library/caddy:2-alpine';
const WEB = `[Unit]\nDescription=web\n\n[Container]\n${IMAGE}\nPublishPort=127.0.0.1:8080:80\n\n[Install]\nWantedBy=default.target\n`;

describe('validators', () => {
  describe('findValidators / requireValidators', () => {
    it('returns absolute paths of executables', () => {
      for (const bin of Object.values(found)) {
        expect(path.isAbsolute(bin), bin).to.equal(true);
        fs.accessSync(bin, fs.constants.X_OK);
      }
    });

    it('prefers an executable env var and ignores a bogus one', () => {
      expect(withEnv({ CADDY_BIN: '/bin/sh' }, () => findValidators().caddy)).to.equal('/bin/sh');
      expect(withEnv({ CADDY_BIN: '/nonexistent/caddy' }, () => findValidators().caddy)).to.equal(found.caddy);
    });

    it('requires validators on CI or when asked to', () => {
      const check = (ci: string | undefined, flag: string | undefined): boolean =>
        withEnv({ CI: ci, QUADLET_CDK_REQUIRE_VALIDATORS: flag }, requireValidators);
      expect(check(undefined, undefined)).to.equal(false);
      expect(check('', undefined)).to.equal(false);
      expect(check('false', undefined)).to.equal(false);
      expect(check('true', undefined)).to.equal(true);
      expect(check('1', undefined)).to.equal(true);
      expect(check(undefined, '1')).to.equal(true);
      expect(check(undefined, '0')).to.equal(false);
    });

    it('throws a clear error when a binary cannot be run', () => {
      expect(() => caddyValidate({ Caddyfile: '' }, 'Caddyfile', { bin: '/nonexistent/caddy' })).to.throw(
        /failed to run \/nonexistent\/caddy/,
      );
    });
  });

  describe('quadletDryRun / quadletGenerate', function () {
    before(function () {
      need(this, 'quadlet');
    });

    it('generates web.service from a valid .container', () => {
      const res = quadletDryRun({ 'web.container': WEB, 'sub/data.volume': '[Volume]\n' });
      expect(res.ok, res.stderr).to.equal(true);
      expect(res.exitCode).to.equal(0);
      expect(Object.keys(res.services).sort()).to.deep.equal(['data-volume.service', 'web.service']);
      const web = res.services['web.service'];
      expect(web).to.match(/^\[Unit\]\n/);
      expect(web).to.match(/[^\n]\n$/);
      expect(web).to.include('[X-Container]');
      expect(web).to.match(/^ExecStart=\/usr\/bin\/podman run --name systemd-%N .*--publish 127\.0\.0\.1:8080:80 /m);
      // rootless by default
      expect(web).to.include('After=podman-user-wait-network-online.service');
    });

    it('uses rootful semantics with rootless: false', () => {
      const res = quadletDryRun({ 'web.container': WEB }, { rootless: false });
      expect(res.ok, res.stderr).to.equal(true);
      expect(res.services['web.service']).to.include('After=network-online.target');
    });

    it('fails a .container with an unknown key but still prints the others', () => {
      const res = quadletDryRun({ 'bad.container': `[Container]\n${IMAGE}\nFooBar=1\n`, 'web.container': WEB });
      expect(res.ok).to.equal(false);
      expect(res.exitCode).to.equal(1);
      expect(res.stderr).to.include(`converting "bad.container": unsupported key 'FooBar' in group 'Container'`);
      expect(Object.keys(res.services)).to.deep.equal(['web.service']);
    });

    it('fails on a reference to a missing .network', () => {
      const res = quadletDryRun({ 'web.container': `[Container]\n${IMAGE}\nNetwork=missing.network\n` });
      expect(res.ok).to.equal(false);
      expect(res.stderr).to.include('requested Quadlet unit missing.network was not found');
    });

    it('real run writes [Install] symlinks and cleans up', () => {
      const res = quadletGenerate({ 'web.container': WEB.replace('[Install]\n', '[Install]\nAlias=www.service\n') });
      try {
        expect(res.ok, res.stderr).to.equal(true);
        expect(fs.readlinkSync(path.join(res.outDir, 'default.target.wants', 'web.service'))).to.equal('../web.service');
        expect(fs.readlinkSync(path.join(res.outDir, 'www.service'))).to.equal('web.service');
        expect(Object.keys(res.services)).to.deep.equal(['web.service']);
        expect(res.services['web.service']).to.match(/^ExecStart=\/bin\/true run /m);
        expect(res.services['web.service']).to.include(`SourcePath=${res.unitDir}/web.container`);
      } finally {
        res.cleanup();
      }
      expect(fs.existsSync(res.outDir)).to.equal(false);
    });
  });

  describe('systemdVerify', function () {
    before(function () {
      need(this, 'systemdAnalyze');
      need(this, 'quadlet');
    });

    const timer = '[Unit]\nDescription=nightly job\n\n[Timer]\nOnCalendar=*-*-* 03:00:00 Europe/Paris\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n';
    const job = '[Unit]\nDescription=job\nRequires=web.service\nAfter=web.service\n\n[Service]\nType=oneshot\nExecStart=/bin/sh -c "echo run"\n';
    const target = '[Unit]\nDescription=stack\nWants=web.service job.timer\n\n[Install]\nWantedBy=default.target\n';

    for (const rootless of [true, false]) {
      it(`passes a valid quadlet + timer/service/target set (rootless=${rootless})`, () => {
        const res = systemdVerify(
          { 'web.container': WEB },
          { 'job.timer': timer, 'job.service': job, 'stack.target': target },
          { rootless },
        );
        expect(res.ok, res.output).to.equal(true);
        expect(res.perUnit).to.deep.equal({ 'job.service': '', 'job.timer': '', 'stack.target': '', 'web.service': '' });
      });
    }

    it('fails on an unescaped % in Environment= (fatal in ExecStart)', () => {
      const res = systemdVerify({ 'pct.container': `[Container]\n${IMAGE}\nEnvironment=P=50%z\n` }, {});
      expect(res.ok).to.equal(false);
      expect(res.perUnit['pct.service']).to.include('Failed to resolve unit specifiers in P=50%z: Invalid slot');
    });

    it('accepts an escaped %%', () => {
      const res = systemdVerify({ 'pct.container': `[Container]\n${IMAGE}\nEnvironment="P=50%%"\n` }, {});
      expect(res.ok, res.output).to.equal(true);
    });

    it('fails on a lone ; in Exec= of a non-oneshot container', () => {
      const res = systemdVerify({ 'semi.container': `[Container]\n${IMAGE}\nExec=echo a ; echo b\n` }, {});
      expect(res.ok).to.equal(false);
      expect(res.perUnit['semi.service']).to.include('more than one ExecStart= setting');
    });

    it('fails on After=app.container although systemd only warns (exit 0)', () => {
      const dep = `[Unit]\nAfter=app.container\n\n[Container]\n${IMAGE}\n`;
      const res = systemdVerify({ 'dep.container': dep, 'app.container': `[Container]\n${IMAGE}\n` }, {});
      expect(res.ok).to.equal(false);
      expect(res.perUnit['app.service']).to.equal('');
      expect(res.perUnit['dep.service']).to.include('Failed to add dependency on app.container');
    });

    it('fails on an unknown key and on a missing required unit in plain units', () => {
      const typo = systemdVerify({}, { 'typo.service': '[Service]\nExecStart=/bin/true\nRestrat=always\n' });
      expect(typo.ok).to.equal(false);
      expect(typo.output).to.include("Unknown key 'Restrat' in section [Service]");
      const orphan = systemdVerify({}, { 'a.service': '[Unit]\nRequires=nothere.service\n[Service]\nExecStart=/bin/true\n' });
      expect(orphan.ok).to.equal(false);
      expect(orphan.output).to.include('Unit nothere.service not found');
    });

    it('ignores binaries missing on this host unless told not to', () => {
      const units = { 'b.service': '[Service]\nType=oneshot\nExecStart=/usr/local/bin/backup.sh --now\n' };
      const lenient = systemdVerify({}, units);
      expect(lenient.ok, lenient.output).to.equal(true);
      expect(lenient.ignored).to.deep.equal([
        'b.service: Command /usr/local/bin/backup.sh is not executable: No such file or directory',
      ]);
      const strict = systemdVerify({}, units, { allowMissingExecutables: false });
      expect(strict.ok).to.equal(false);
      expect(strict.perUnit['b.service']).to.include('is not executable');
    });

    it('reports generator errors and name collisions', () => {
      const res = systemdVerify(
        { 'bad.container': `[Container]\n${IMAGE}\nFooBar=1\n`, 'web.container': WEB },
        { 'web.service': '[Service]\nExecStart=/bin/true\n' },
      );
      expect(res.ok).to.equal(false);
      expect(res.output).to.include(`unsupported key 'FooBar'`);
      expect(res.output).to.include('web.service: plain unit collides');
    });
  });

  describe('systemdCalendar', function () {
    before(function () {
      need(this, 'systemdAnalyze');
    });

    it('accepts a zoned daily expression', () => {
      const res = systemdCalendar('*-*-* 03:00:00 Europe/Paris', { iterations: 3 });
      expect(res.ok, res.output).to.equal(true);
      expect(res.normalized).to.equal('*-*-* 03:00:00 Europe/Paris');
      expect(res.next).to.have.length(3);
      // 03:00 Paris is 02:00 UTC in winter, 01:00 UTC in summer
      for (const n of res.next ?? []) expect(n).to.match(/ 0[12]:00:00 UTC$/);
    });

    it('normalizes shorthands', () => {
      expect(systemdCalendar('daily').normalized).to.equal('*-*-* 00:00:00');
    });

    it('rejects garbage', () => {
      const res = systemdCalendar('bogus');
      expect(res.ok).to.equal(false);
      expect(res.normalized).to.equal(undefined);
      expect(res.output).to.include("Failed to parse calendar specification 'bogus'");
    });
  });

  describe('caddyValidate / caddyAdapt', function () {
    before(function () {
      need(this, 'caddy');
    });

    const tree = {
      'Caddyfile': '{\n\tauto_https off\n\tadmin off\n}\n\nimport routes/*.caddy\n',
      'routes/web.caddy': 'http://web.example.com {\n\treverse_proxy web:8080\n}\n',
    };

    it('validates a good tree with relative imports', () => {
      const res = caddyValidate(tree);
      expect(res.ok, res.output).to.equal(true);
      expect(res.output).to.include('Valid configuration');
    });

    it('rejects a typo and a missing brace', () => {
      const typo = caddyValidate({ ...tree, 'routes/web.caddy': 'http://web.example.com {\n\treverse_prxy web:8080\n}\n' });
      expect(typo.ok).to.equal(false);
      expect(typo.output).to.include('unrecognized directive: reverse_prxy');
      const brace = caddyValidate({ ...tree, 'routes/web.caddy': 'http://web.example.com {\n\treverse_proxy web:8080\n' });
      expect(brace.ok).to.equal(false);
    });

    it('validates a file not named Caddyfile', () => {
      expect(caddyValidate({ 'site.caddy': tree['routes/web.caddy'] }, 'site.caddy').ok).to.equal(true);
    });

    it('adapts to JSON', () => {
      const res = caddyAdapt(tree);
      expect(res.ok, res.output).to.equal(true);
      const server = res.config.apps.http.servers.srv0;
      expect(server.listen).to.deep.equal([':80']);
      expect(server.routes[0].match).to.deep.equal([{ host: ['web.example.com'] }]);
      expect(JSON.stringify(server.routes[0].handle)).to.include('"dial":"web:8080"');
    });

    it('returns ok=false and no config for a broken tree', () => {
      const res = caddyAdapt({ Caddyfile: 'import missing.caddy\n' });
      expect(res.ok).to.equal(false);
      expect(res.config).to.equal(undefined);
      expect(res.output).to.include('File to import not found');
    });
  });
});

describe('npm test fetches the validators itself', () => {
  const root = path.resolve(__dirname, '..', '..');

  it('runs scripts/ensure-validators.sh --require before anything else, and never lets a validator test skip', () => {
    const test = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks.test;
    expect(test.steps[0]).to.deep.equal({ exec: 'bash scripts/ensure-validators.sh --require' });
    expect(test.env).to.include({ QUADLET_CDK_REQUIRE_VALIDATORS: '1' });
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.test).to.equal('projen test');
  });

  it('offline, it says what is missing and why, and fails', function () {
    this.timeout(120_000);
    // A fresh checkout (no .tools/) on a machine whose apt cannot reach Debian: apt-get fails as it does offline.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-offline-'));
    try {
      fs.mkdirSync(path.join(tmp, 'scripts'));
      fs.mkdirSync(path.join(tmp, 'bin'));
      fs.copyFileSync(path.join(root, 'scripts', 'ensure-validators.sh'), path.join(tmp, 'scripts', 'ensure-validators.sh'));
      fs.writeFileSync(path.join(tmp, 'bin', 'apt-get'), '#!/bin/sh\necho "Err: Temporary failure resolving deb.debian.org" >&2\nexit 100\n', { mode: 0o755 });
      const systemCaddy = spawnSync('sh', ['-c', 'command -v caddy']).status === 0;
      const systemQuadlet = fs.existsSync('/usr/libexec/podman/quadlet');
      if (systemCaddy && systemQuadlet) this.skip(); // nothing to fetch on this machine
      const r = spawnSync('bash', [path.join(tmp, 'scripts', 'ensure-validators.sh'), '--require'], {
        encoding: 'utf8', env: { ...process.env, PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}` },
      });
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stdout).to.match(/ensure-validators: missing: .*(quadlet|caddy)/);
      expect(r.stdout).to.contain('if this machine is offline, connect it and run npm test again');
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
