import { expect } from 'chai';
import { App, Caddy, Container, ContainerJob, home, HostFile, Network, prerequisitesOf, Route, Service, Site, Specifier, systemdText, Target, Timer } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import sodimo from '../../apps/sodimo';

const IMG = 'docker.io/library/alpine:3.20';
const socket = systemdText(Specifier.runtimeDir, '/podman/podman.sock');

function site(props: ConstructorParameters<typeof Site>[2] = {}) {
  return Testing.site({ domains: ['example.org'], ...props });
}

function prereqs(app: App, s: Site) {
  return prerequisitesOf(s, app.synthFiles().files);
}

describe('host prerequisites', () => {
  it('a rootless port below 1024 ships a sysctl file set to the lowest such port, named with the units', () => {
    const { app, site: s } = site();
    new Container(s, 'web', { image: IMG, publish: [{ container: 80, host: 80 }] });
    new Container(s, 'mail', { image: IMG, publish: [{ container: 25, public: true }, { container: 8025 }] });
    const files = Testing.synth(app);
    expect(files['host/etc/sysctl.d/60-test.conf']).to.match(/^net\.ipv4\.ip_unprivileged_port_start = 25$/m);
    expect(files['host/etc/sysctl.d/60-test.conf']).to.contain('web.container 80').and.contain('mail.container 25');
    const p = prereqs(app, s).find((x) => x.kind === 'sysctl')!;
    expect(p.sysctl).to.deep.equal({ key: 'net.ipv4.ip_unprivileged_port_start', atMost: 25 });
    expect(p.neededBy).to.deep.equal(['mail.container', 'web.container']);
    expect(p.shipped).to.equal('host/etc/sysctl.d/60-test.conf');
  });

  it('no sysctl for ports from 1024 up, nor on a rootful site', () => {
    const a = site();
    new Container(a.site, 'web', { image: IMG, publish: [{ container: 80, host: 8080 }] });
    expect(Object.keys(Testing.synth(a.app)).filter((f) => f.includes('sysctl'))).to.deep.equal([]);
    const b = site({ rootless: false });
    new Container(b.site, 'web', { image: IMG, publish: [{ container: 80, host: 80 }] });
    expect(Object.keys(Testing.synth(b.app)).filter((f) => f.includes('sysctl'))).to.deep.equal([]);
    expect(prereqs(b.app, b.site).map((p) => p.kind)).to.not.include('sysctl').and.not.include('linger');
  });

  it('a mounted podman socket: the container wants and starts after podman.socket, and the site target wants it', () => {
    const { app, site: s } = site();
    new Target(s, 'target');
    new Container(s, 'cockpit', { image: IMG, volumes: [{ hostPath: socket, path: '/run/podman/podman.sock' }] });
    const files = Testing.synth(app);
    expect(files['.config/containers/systemd/cockpit.container']).to.match(/^Wants=podman\.socket$/m).and.match(/^After=podman\.socket$/m);
    expect(files['.config/systemd/user/test.target']).to.match(/^Wants=podman\.socket$/m);
    const p = prereqs(app, s).find((x) => x.kind === 'host-unit')!;
    expect(p).to.include({ unit: 'podman.socket' });
    expect(p.neededBy).to.deep.equal(['cockpit.container']);
    // The socket itself is no host file to provide.
    expect(prereqs(app, s).filter((x) => x.kind === 'path')).to.deep.equal([]);
  });

  it('devices come with the groups the container adds; optional devices are not required', () => {
    const { app, site: s } = site();
    new Container(s, 'gpu', { image: IMG, addDevice: ['/dev/dri', '-/dev/kfd'], groupAdd: ['video', '44'] });
    const devices = prereqs(app, s).filter((x) => x.kind === 'device');
    expect(devices.map((d) => d.device)).to.deep.equal([{ path: '/dev/dri', groups: ['video'] }]);
  });

  it('host files and folders a unit mounts or runs, unless the site generates them, with where they come from', () => {
    const { app, site: s } = site();
    const caddy = new Caddy(s, 'caddy');
    new Network(s, 'net', { default: true });
    const web = new Container(s, 'web', {
      image: IMG, ports: [80],
      volumes: [{ hostPath: home('.config/web/app.conf'), path: '/etc/app.conf' }, { hostPath: '/srv/media', path: '/media' }, { hostPath: '/', path: '/host' }, { hostPath: '/dev/shm', path: '/dev/shm' }],
    });
    new Route(caddy, 'web', { host: 'web.example.org', target: web.port(80) });
    new Service(s, 'drain', { exec: [home('.local/bin/drain'), '--once'] });
    new Service(s, 'ls', { exec: ['/usr/bin/ls'] });
    new Timer(s, 'etl', { onCalendar: 'daily', job: new ContainerJob({ image: IMG, volumes: [{ hostPath: '/mnt/dumps', path: '/in', readOnly: true }] }) });
    new HostFile(s, 'app-conf', { path: home('.config/web/app.conf'), from: 'the web team\'s repository' });
    const paths = prereqs(app, s).filter((x) => x.kind === 'path').map((p) => [p.path!.path, p.path!.type, p.neededBy.join(' '), p.from ?? '']);
    expect(paths).to.deep.equal([
      ['%h/.config/web/app.conf', 'file', 'web.container', 'the web team\'s repository'],
      ['%h/.local/bin/drain', 'executable', 'drain.service', ''],
      ['/mnt/dumps', 'folder', 'etl.service', ''],
      ['/srv/media', 'folder', 'web.container', ''],
    ]);
    // Caddy mounts its generated Caddyfile and routes: no prerequisite.
    expect(paths.map((p) => p[0]).filter((p) => p.includes('caddy'))).to.deep.equal([]);
  });

  it('an env file the site ships only as a template is a prerequisite made from that template', () => {
    const { app, site: s } = site();
    const { EnvFile } = require('../../lib');
    const env = new EnvFile(s, 'web-env', { name: 'web', secrets: { TOKEN: { description: 'a token' } } });
    new Container(s, 'web', { image: IMG, envFiles: [env] });
    const p = prereqs(app, s).find((x) => x.kind === 'path')!;
    expect(p.path).to.deep.equal({ path: '%h/.config/test/web.env', type: 'file', template: '%h/.config/test/web.env.tmpl' });
  });

  it('HOST001: a host file declaration without an absolute path or without its origin', () => {
    const a = site();
    new HostFile(a.site, 'rel', { path: 'relative/x.conf', from: 'somewhere' });
    expectDiagnostic(a.app, 'HOST001', 'error', { message: /not an absolute path/ });
    const b = site();
    new Container(b.site, 'web', { image: IMG, volumes: [{ hostPath: '/srv/x', path: '/x' }] });
    new HostFile(b.site, 'x', { path: '/srv/x', from: ' ' });
    expectDiagnostic(b.app, 'HOST001', 'error', { message: /does not say where it comes from/ });
  });

  it('HOST002: a host file declaration no unit uses', () => {
    const { app, site: s } = site();
    new Container(s, 'web', { image: IMG, volumes: [{ hostPath: '/srv/media', path: '/media' }] });
    new HostFile(s, 'typo', { path: '/srv/medai', from: 'the NAS' });
    expectDiagnostic(app, 'HOST002', 'warning', { message: /\/srv\/medai/ });
  });

  it('the reference site declares the six host needs the real run found, with their fixes', () => {
    const app = new App({ outdir: '/nonexistent' });
    const s = sodimo(app);
    const all = prerequisitesOf(s, app.synthFiles().files);
    const by = (id: string) => all.find((p) => p.id === id);
    expect(by('sysctl:net.ipv4.ip_unprivileged_port_start')?.sysctl?.atMost).to.equal(25);
    expect(by('sysctl:net.ipv4.ip_unprivileged_port_start')?.neededBy).to.deep.equal(['caddy.container', 'dovecot.container', 'postfix.container']);
    expect(by('host-unit:podman.socket')?.neededBy).to.deep.equal(['cockpit.container', 'llama-swap.container']);
    expect(by('path:%h/.config/sodimo/dovecot/dovecot.conf')?.from).to.match(/sodimo\/dotfiles/);
    expect(by('path:%h/.config/sodimo/paperclip/models.json')?.neededBy).to.deep.equal(['paperclip.container']);
    expect(by('path:%h/.local/bin/sodimo-email-drain')?.path?.type).to.equal('executable');
    expect(by('device:/dev/dri')?.device?.groups).to.deep.equal(['video']);
    expect(by('device:/dev/kfd')).to.not.equal(undefined);
  });
});

describe('restart policy', () => {
  it('a restarting unit gets RestartSec and a start limit that trips for slow failures; each is overridable', () => {
    const { app, site: s } = site();
    new Container(s, 'web', { image: IMG });
    new Container(s, 'tuned', { image: IMG, service: { restartSec: 2, startLimitIntervalSec: 60, startLimitBurst: 3 } });
    new Container(s, 'once', { image: IMG, service: { restart: 'no' } });
    new Service(s, 'drain', { exec: ['/usr/bin/true'], restartSec: 30 });
    const files = Testing.synth(app);
    const web = files['.config/containers/systemd/web.container'];
    expect(web).to.match(/\[Unit\][^[]*^StartLimitIntervalSec=600$/m).and.match(/\[Unit\][^[]*^StartLimitBurst=5$/m).and.match(/\[Service\][^[]*^RestartSec=5$/m);
    const tuned = files['.config/containers/systemd/tuned.container'];
    expect(tuned).to.match(/^StartLimitIntervalSec=60$/m).and.match(/^StartLimitBurst=3$/m).and.match(/^RestartSec=2$/m);
    expect(files['.config/containers/systemd/once.container']).to.not.match(/StartLimit|RestartSec/);
    const drain = files['.config/systemd/user/drain.service'];
    expect(drain).to.match(/^StartLimitIntervalSec=600$/m).and.match(/^RestartSec=30$/m);
  });
});
