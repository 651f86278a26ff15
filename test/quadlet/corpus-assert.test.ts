import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { assertionsOf, csvRecord, evaluate, knownKind, shellWords } from './corpus-assert';

const SERVICE = [
  '[Unit]',
  'After=network-online.target',
  'After=',
  'RequiresMountsFor=%t/containers',
  '[Service]',
  'Environment=PODMAN_SYSTEMD_UNIT=%n',
  'ExecStart=/usr/bin/podman --log-level debug run --name systemd-%N --env "A=b c" --mount "type=bind,src=/tmp,\\"dst=/path,1\\"" \\',
  '  --env "N=x\\ny" localhost/imagename top',
  'ExecStopPost=-/usr/bin/podman rm -v -f -i systemd-%N',
  '',
].join('\n');

function run(line: string, service: string | null = SERVICE, extra: { outDir?: string; stderr?: string } = {}): string | undefined {
  const [a] = assertionsOf(`## ${line}`);
  return evaluate(a, { service: service ?? undefined, outDir: extra.outDir, stderr: extra.stderr ?? '' });
}

describe('corpus assertion interpreter', () => {
  it('splits assertion lines like go-shellwords and applies \\n and \\t', () => {
    expect(shellWords(`assert-x "a b" 'c\\d' e\\ f "g\\"h"`)).to.deep.equal(['assert-x', 'a b', 'c\\d', 'e f', 'g"h']);
    const [a] = assertionsOf('## !assert-podman-args --env "N=x\\\\ny"');
    expect(a).to.include({ kind: 'assert-podman-args', negate: true });
    expect(a.args).to.deep.equal(['--env', 'N=x\ny']);
    expect(assertionsOf('# assert-key-is A B C\n## assert-failed')).to.have.length(1);
  });

  it('reads key=value lists as Go csv does', () => {
    expect(csvRecord('type=bind,src=/tmp,"dst=/path,1"', ',')).to.deep.equal(['type=bind', 'src=/tmp', 'dst=/path,1']);
    expect(csvRecord('a="b"', ',')).to.equal(undefined);
  });

  it('evaluates podman argument assertions on ExecStart (continuation lines joined)', () => {
    expect(run('assert-podman-args "--env" "A=b c"')).to.equal(undefined);
    expect(run('assert-podman-args "--env" "A=b"')).to.match(/^failed/);
    expect(run('!assert-podman-args "--env" "A=b"')).to.equal(undefined);
    expect(run('assert-podman-args --env "N=x\\\\ny"')).to.equal(undefined);
    expect(run('assert-podman-final-args localhost/imagename top')).to.equal(undefined);
    expect(run('assert-podman-final-args localhost/imagename')).to.match(/^failed/);
    expect(run('assert-podman-final-args-regex local.* t.p')).to.equal(undefined);
    expect(run('assert-podman-args-regex --name systemd-.*')).to.equal(undefined);
    expect(run('assert-podman-global-args run --log-level debug')).to.equal(undefined);
    expect(run('assert-podman-global-args run --name systemd-%N')).to.match(/^failed/);
    expect(run('assert-podman-args-key-val "--mount" "," "src=/tmp,type=bind,\\"dst=/path,1\\""')).to.equal(undefined);
    expect(run('assert-podman-args-key-val "--mount" "," "type=bind,src=/tmp"')).to.match(/^failed/);
    expect(run('assert-podman-args-key-val-regex "--mount" "," "type=b.*,src=/t.*,\\"dst=/path,.\\""')).to.equal(undefined);
    expect(run('assert-podman-stop-post-args rm -v')).to.equal(undefined);
    expect(run('assert-podman-stop-post-final-args -i systemd-%N')).to.equal(undefined);
  });

  it('evaluates key assertions on raw values', () => {
    expect(run('assert-key-is Unit After network-online.target ""')).to.equal(undefined);
    expect(run('assert-last-key-is-regex Unit After "^$"')).to.equal(undefined);
    expect(run('assert-key-is-regex Unit RequiresMountsFor "%t/.*"')).to.equal(undefined);
    expect(run('assert-has-key Service Environment PODMAN_SYSTEMD_UNIT=%n')).to.equal(undefined);
    expect(run('assert-key-contains Service ExecStart "--env"')).to.equal(undefined);
    expect(run('assert-key-not-contains Service ExecStart "--user"')).to.equal(undefined);
    expect(run('assert-last-key-contains Unit After network')).to.match(/^failed/);
    expect(run('assert-last-key-not-contains Unit After network')).to.equal(undefined);
    expect(run('assert-key-is-empty Service Restart')).to.equal(undefined);
    expect(run('assert-key-is-empty Unit After')).to.match(/^failed/);
  });

  it('reads symlinks, stderr and whether a service was written', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-assert-'));
    try {
      fs.mkdirSync(path.join(dir, 'default.target.wants'));
      fs.symlinkSync('../a.service', path.join(dir, 'default.target.wants/a.service'));
      expect(run('assert-symlink default.target.wants/a.service ../a.service', SERVICE, { outDir: dir })).to.equal(undefined);
      expect(run('assert-symlink default.target.wants/b.service ../b.service', SERVICE, { outDir: dir })).to.match(/^failed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(run('assert-stderr-contains "not supported"', SERVICE, { stderr: 'Warning: User is not supported' })).to.equal(undefined);
    expect(run('assert-failed', null)).to.equal(undefined);
    expect(run('assert-failed')).to.match(/^failed/);
    expect(run('assert-podman-args x', null)).to.match(/no service/);
    expect(run('assert-unknown-kind x')).to.match(/unknown assertion kind/);
    expect(knownKind('assert-podman-reload-final-args-regex')).to.equal(true);
    expect(knownKind('assert-podman-bogus-args')).to.equal(false);
  });
});
