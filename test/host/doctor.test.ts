import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, checkHost, HostProbe, localProbe, Site } from '../../lib';
import sodimo from '../../apps/sodimo';
import { cli } from '../cli/support';

const HOME = '/home/alice';

/** A host tree under a temp folder: a user alice (uid 1000) and whatever `files` add. */
function fakeRoot(files: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-doctor-'));
  const all: Record<string, string> = {
    'etc/passwd': `root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::${HOME}:/bin/sh\n`,
    'etc/group': 'root:x:0:\nalice:x:1000:\nvideo:x:44:\n',
    'proc/sys/net/ipv4/ip_unprivileged_port_start': '1024\n',
    'proc/net/tcp': '  sl  local_address rem_address   st\n',
    'proc/net/tcp6': '  sl  local_address rem_address   st\n',
    ...files,
  };
  for (const [p, content] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), content);
  }
  return root;
}

/** What a prepared host holds for the reference site (its own output installed aside). */
function preparedFiles(): Record<string, string> {
  const envs = ['email-drain', 'litellm-db', 'litellm', 'openwebui-db', 'openwebui', 'paperclip-db', 'paperclip', 'piler-mysql', 'piler', 'postfix', 'sodiwin-etl', 'twenty-db', 'twenty', 'vaultwarden'];
  return {
    'etc/group': 'root:x:0:\nalice:x:1000:\nvideo:x:44:alice\n',
    'etc/subuid': 'alice:100000:65536\n',
    'etc/subgid': 'alice:100000:65536\n',
    'var/lib/systemd/linger/alice': '',
    'proc/sys/net/ipv4/ip_unprivileged_port_start': '25\n',
    'usr/lib/systemd/user/podman.socket': '[Socket]\n',
    [`${HOME.slice(1)}/.config/systemd/user/sodimo.target`.replace(/^\//, '')]: '[Unit]\nWants=podman.socket sodimo-email-drain.service\n',
    'dev/dri/renderD128': '',
    [`${HOME.slice(1)}/.config/sodimo/dovecot/dovecot.conf`]: '',
    [`${HOME.slice(1)}/.config/sodimo/dovecot/users.d/alice`]: '',
    [`${HOME.slice(1)}/.config/sodimo/paperclip/models.json`]: '{}',
    [`${HOME.slice(1)}/.local/bin/sodimo-email-drain`]: '#!/bin/sh\n',
    [`${HOME.slice(1)}/.local/share/llama-models/README`]: '',
    'mnt/sodiwin-dumps/x.csv': '',
    ...Object.fromEntries(envs.map((e) => [`${HOME.slice(1)}/.config/sodimo/${e}.env`, ''])),
  };
}

function reference(): { app: App; site: Site } {
  const app = new App({ outdir: '/nonexistent' });
  return { app, site: sodimo(app) };
}

describe('doctor: checkHost', () => {
  const roots: string[] = [];
  after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
  const root = (files?: Record<string, string>) => {
    const r = fakeRoot(files);
    roots.push(r);
    return r;
  };

  it('on a bare host reports each of the six failures of the first real run, with its fix', () => {
    const { site } = reference();
    const report = checkHost(site, { root: root(), user: 'alice' });
    expect(report.ok).to.equal(false);
    const missing = new Map(report.checks.filter((c) => c.status === 'missing').map((c) => [c.id, c]));
    const sysctl = missing.get('sysctl:net.ipv4.ip_unprivileged_port_start')!;
    expect(sysctl.found).to.equal('net.ipv4.ip_unprivileged_port_start = 1024');
    expect(sysctl.fix.text).to.contain('host/etc/sysctl.d/60-sodimo.conf');
    expect(sysctl.fix.command).to.deep.equal({ as: 'root', sh: 'sysctl -p /etc/sysctl.d/60-sodimo.conf' });
    expect(missing.get('host-unit:podman.socket')!.fix.command).to.deep.equal({ as: 'user', sh: 'systemctl --user enable --now podman.socket' });
    expect(missing.get('path:%h/.config/sodimo/dovecot/dovecot.conf')!.found).to.equal(`no ${HOME}/.config/sodimo/dovecot/dovecot.conf`);
    expect(missing.get('path:%h/.config/sodimo/paperclip/models.json')!.fix.text).to.contain('sodimo/dotfiles');
    expect(missing.get('path:%h/.local/bin/sodimo-email-drain')!.neededBy).to.deep.equal(['sodimo-email-drain.service']);
    expect(missing.get('device:/dev/dri')!.found).to.equal('no /dev/dri');
    expect(missing.get('device:/dev/kfd')!.found).to.equal('no /dev/kfd');
    expect(missing.get('linger')!.fix.command).to.deep.equal({ as: 'root', sh: 'loginctl enable-linger alice' });
    expect(missing.get('subids')!.found).to.equal('0 subuids, 0 subgids');
    // Under --root, podman and systemd are not run.
    expect(report.checks.find((c) => c.id === 'podman')!.status).to.equal('unknown');
  });

  it('on a prepared host everything is ok but the GPU node this test cannot make', () => {
    const { site } = reference();
    const r = root(preparedFiles());
    const kfd = process.getuid?.() === 0 && spawnSync('mknod', [path.join(r, 'dev/kfd'), 'c', '1', '3']).status === 0;
    fs.chmodSync(path.join(r, HOME.slice(1), '.local/bin/sodimo-email-drain'), 0o755);
    const report = checkHost(site, { root: r, user: 'alice' });
    const notOk = report.checks.filter((c) => c.status !== 'ok').map((c) => `${c.id}: ${c.found}`);
    expect(notOk).to.deep.equal([
      `podman: not run under ${r}`, `systemd: not run under ${r}`, ...(kfd ? [] : ['device:/dev/kfd: no /dev/kfd']),
    ]);
    expect(report.checks.find((c) => c.id === 'host-unit:podman.socket')!.found).to.equal('wanted by the installed sodimo.target');
  });

  it('a file of the wrong kind, an unreadable one, a missing group and a busy port are missing', () => {
    const { site } = reference();
    const files = preparedFiles();
    files['etc/group'] = 'root:x:0:\nalice:x:1000:\nvideo:x:44:\n';
    // 127.0.0.1:80 (caddy) listening: 0100007F:0050, state 0A.
    files['proc/net/tcp'] = '  sl  local_address rem_address   st\n   0: 0100007F:0050 00000000:0000 0A 0\n';
    delete files[`${HOME.slice(1)}/.config/sodimo/paperclip/models.json`];
    files[`${HOME.slice(1)}/.config/sodimo/paperclip/models.json/x`] = '';
    const r = root(files);
    fs.chmodSync(path.join(r, HOME.slice(1), '.local/bin/sodimo-email-drain'), 0o644);
    fs.chownSync(path.join(r, HOME.slice(1), '.local/bin/sodimo-email-drain'), 1000, 1000);
    const report = checkHost(site, { root: r, user: 'alice' });
    const found = (id: string) => report.checks.find((c) => c.id === id)!;
    expect(found('port:tcp:127.0.0.1:80')).to.include({ status: 'missing', found: '127.0.0.1:80 is in use' });
    expect(found('device:/dev/dri')).to.include({ status: 'missing', found: 'alice is not in group video' });
    expect(found('device:/dev/dri').fix.command).to.deep.equal({ as: 'root', sh: 'usermod -aG video alice' });
    expect(found('path:%h/.config/sodimo/paperclip/models.json').found).to.match(/is a folder, not a file/);
    expect(found('path:%h/.local/bin/sodimo-email-drain').found).to.match(/is not executable by alice \(mode 644\)/);
    // Skipped kinds are not checked at all (a running site holds its own ports).
    expect(checkHost(site, { root: r, user: 'alice', skip: ['port'] }).checks.some((c) => c.kind === 'port')).to.equal(false);
  });

  it('a probe reports what a host tool says: an old podman is missing, a missing one too', () => {
    const { site } = reference();
    const base = localProbe(root(preparedFiles()));
    const probe = (podman: string | null): HostProbe => ({ ...base, version: (t) => (t === 'podman' ? podman : 'systemd 257 (257.9-1)') });
    const check = (p: HostProbe) => checkHost(site, { probe: p, user: 'alice' }).checks.find((c) => c.id === 'podman')!;
    expect(check(probe('podman version 5.2.1'))).to.include({ status: 'missing', found: 'podman version 5.2.1' });
    expect(check(probe('podman version 5.4.2')).status).to.equal('ok');
    expect(check(probe(null))).to.include({ status: 'missing', found: 'podman is not installed' });
    expect(checkHost(site, { probe: probe('podman version 5.4.2'), user: 'alice' }).checks.find((c) => c.id === 'systemd')!.status).to.equal('ok');
  });
});

describe('doctor: the command', () => {
  let bare: string;
  let ready: string;
  before(() => {
    bare = fakeRoot();
    ready = fakeRoot(preparedFiles());
    fs.rmSync(path.join(ready, 'dev/dri'), { recursive: true });
    fs.chmodSync(path.join(ready, HOME.slice(1), '.local/bin/sodimo-email-drain'), 0o755);
  });
  after(() => [bare, ready].forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

  it('prints ok / MISSING with the fix and exits 1 when something is missing', async () => {
    const r = await cli(['doctor', 'apps/sodimo.ts', '--root', bare, '--user', 'alice']);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/^ {2}MISSING net\.ipv4\.ip_unprivileged_port_start <= 25 \(caddy\.container, dovecot\.container, postfix\.container\): net\.ipv4\.ip_unprivileged_port_start = 1024$/m);
    expect(r.stdout).to.match(/^ {10}fix: `sudo install -m 644 host\/etc\/sysctl\.d\/60-sodimo\.conf/m);
    expect(r.stdout).to.match(/^ {2}ok {6}tcp port 127\.0\.0\.1:80 free/m);
    expect(r.stderr).to.contain('checking apps/sodimo.ts site sodimo...');
  });

  it('--json lists every check for tools; --skip leaves kinds out', async () => {
    const r = await cli(['doctor', 'apps/sodimo.ts', '--root', ready, '--user', 'alice', '--json', '--skip', 'device']);
    expect(r.code, r.stdout).to.equal(0);
    const [report] = JSON.parse(r.stdout);
    expect(report).to.include({ app: 'apps/sodimo.ts', site: 'sodimo', user: 'alice', ok: true });
    expect(report.checks.map((c: any) => c.kind)).to.not.include('device');
    expect(report.checks.find((c: any) => c.id === 'linger')).to.deep.include({ status: 'ok', found: 'enabled' });
  });

  it('an unknown kind to skip is a usage error', async () => {
    const r = await cli(['doctor', 'apps/sodimo.ts', '--skip', 'sockets']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('--skip: unknown kind sockets');
  });
});
