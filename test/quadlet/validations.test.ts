import { expect } from 'chai';
import { Build, Container, EnvFile, Image, Kube, Network, Secret, Severity, Site, Volume } from '../../lib';
import { SiteDocs } from '../../lib/docs';
import { ContainerJob, Service } from '../../lib/systemd';
import { expectDiagnostic, Testing } from '../../lib/testing';

const IMG = 'docker.io/library/redis:7.2';

/** Each case builds a tree with one mistake; synth must report exactly that code (among others it lists). */
const cases: Array<{ code: string; severity: Severity; what: string; site?: ConstructorParameters<typeof Site>[2]; build: (site: Site) => void }> = [
  { code: 'IMAGE001', severity: 'error', what: 'a short image name', build: (s) => new Container(s, 'c', { image: 'redis:7.2' }) },
  { code: 'IMAGE002', severity: 'error', what: ':latest without an exemption', build: (s) => new Container(s, 'c', { image: 'quay.io/cockpit/ws:latest' }) },
  { code: 'IMAGE002', severity: 'error', what: 'no tag at all', build: (s) => new Container(s, 'c', { image: 'docker.io/library/redis' }) },
  { code: 'IMAGE003', severity: 'error', what: 'a tag without digest under digestPolicy error', site: { digestPolicy: 'error' }, build: (s) => new Container(s, 'c', { image: IMG }) },
  { code: 'IMAGE004', severity: 'error', what: 'not an image reference', build: (s) => new Container(s, 'c', { image: 'Docker.io/UPPER CASE' }) },
  { code: 'PORT001', severity: 'error', what: 'two containers on one host port', build: (s) => {
    new Container(s, 'a', { image: IMG, publish: [{ container: 80, host: 8080 }] });
    new Container(s, 'b', { image: IMG, publish: [{ container: 81, host: 8080 }] });
  } },
  { code: 'PORT001', severity: 'error', what: 'a public port clashing with a loopback one', build: (s) => {
    new Container(s, 'a', { image: IMG, publish: [{ container: 25, public: true }] });
    new Container(s, 'b', { image: IMG, publish: [{ container: 25 }] });
  } },
  { code: 'PORT001', severity: 'error', what: 'a kube unit and a container on one host port', build: (s) => {
    new Kube(s, 'k', { yaml: '/srv/k.yaml', publish: [{ container: 3000, host: 8080 }] });
    new Container(s, 'b', { image: IMG, publish: [{ container: 81, host: 8080 }] });
  } },
  { code: 'PORT002', severity: 'error', what: 'a port on all interfaces not marked public', build: (s) => new Container(s, 'c', { image: IMG, publish: [{ container: 80, bind: '0.0.0.0' }] }) },
  { code: 'PORT003', severity: 'error', what: 'a port out of range', build: (s) => new Container(s, 'c', { image: IMG, ports: [70000] }) },
  { code: 'QUADLET001', severity: 'error', what: 'a key newer than the target podman', build: (s) => new Container(s, 'c', { image: IMG, memory: '1g' }) },
  { code: 'QUADLET001', severity: 'error', what: 'ServiceName= on podman 5.2', site: { podmanVersion: '5.2.0' }, build: (s) => new Container(s, 'c', { image: IMG, serviceName: 'x' }) },
  { code: 'QUADLET002', severity: 'error', what: 'a raw entry with an unknown key', build: (s) => new Container(s, 'c', { image: IMG }).addEntry('Container', 'image', 'x') },
  { code: 'QUADLET003', severity: 'error', what: 'a newline in a single-valued key', build: (s) => new Container(s, 'c', { image: IMG, hostName: 'a\nb' }) },
  { code: 'QUADLET003', severity: 'error', what: 'a value ending in a double quote', build: (s) => new Container(s, 'c', { image: IMG, healthCmd: 'echo "hi"' }) },
  { code: 'QUADLET003', severity: 'error', what: 'a lone ; argument', build: (s) => new Container(s, 'c', { image: IMG, command: ['echo', 'a', ';', 'echo', 'b'] }) },
  { code: 'QUADLET003', severity: 'error', what: 'a subnet that is not CIDR', build: (s) => new Network(s, 'n', { subnet: '10.0.0.0' }) },
  { code: 'QUADLET003', severity: 'error', what: 'a relative host path (podman would read a volume name)', build: (s) => new Container(s, 'c', { image: IMG, volumes: [{ hostPath: 'data', path: '/data' }] }) },
  { code: 'QUADLET003', severity: 'error', what: 'a colon in a host path', build: (s) => new Container(s, 'c', { image: IMG, volumes: [{ hostPath: '/a:b', path: '/data' }] }) },
  { code: 'QUADLET003', severity: 'error', what: 'a relative mount target', build: (s) => new Container(s, 'c', { image: IMG, volumes: [{ hostPath: '/a', path: 'data' }] }) },
  { code: 'QUADLET004', severity: 'error', what: 'a unit name with a space', build: (s) => new Container(s, 'c', { name: 'my web', image: IMG }) },
  { code: 'QUADLET005', severity: 'error', what: 'driver=image without image', build: (s) => new Volume(s, 'v', { driver: 'image' }) },
  { code: 'QUADLET006', severity: 'error', what: 'a gateway without a subnet', build: (s) => new Network(s, 'n', { gateway: '10.0.0.1' }) },
  { code: 'QUADLET006', severity: 'error', what: 'volume options without a device', build: (s) => new Volume(s, 'v', { options: 'nodev' }) },
  { code: 'QUADLET010', severity: 'error', what: 'two units with one file name', build: (s) => {
    new Container(s, 'a', { name: 'web', image: IMG });
    new Container(s, 'b', { name: 'web', image: IMG });
  } },
  { code: 'QUADLET011', severity: 'error', what: 'two units generating one service', build: (s) => {
    new Container(s, 'a', { image: IMG });
    new Network(s, 'n', { serviceName: 'a' });
  } },
  { code: 'QUADLET012', severity: 'error', what: 'two containers with one container name', build: (s) => {
    new Container(s, 'a', { image: IMG, containerName: 'same' });
    new Container(s, 'b', { image: IMG, containerName: 'same' });
  } },
  { code: 'QUADLET014', severity: 'error', what: 'two networks with one podman name', build: (s) => {
    new Network(s, 'a', { networkName: 'edge' });
    new Network(s, 'b', { networkName: 'edge' });
  } },
  { code: 'QUADLET020', severity: 'error', what: 'GroupAdd=keep-groups rootless', build: (s) => new Container(s, 'c', { image: IMG, groupAdd: ['keep-groups'] }) },
  { code: 'QUADLET036', severity: 'error', what: 'GroupAdd=keep-groups with another group, rootful', site: { rootless: false }, build: (s) => new Container(s, 'c', { image: IMG, groupAdd: ['keep-groups', 'users'] }) },
  { code: 'QUADLET036', severity: 'error', what: 'a build with GroupAdd=keep-groups and another group', build: (s) => new Build(s, 'b', { imageTag: 'localhost/b:1.0', setWorkingDirectory: 'unit', groupAdd: ['keep-groups', '100'] }) },
  { code: 'IMAGE001', severity: 'error', what: 'a short name in an .image unit, a floating tag allowed but not the short name', build: (s) => new Image(s, 'i', { image: 'app:latest', allowFloatingTag: 'built on the host' }) },
  { code: 'QUADLET022', severity: 'error', what: 'a non-numeric volume owner', build: (s) => new Volume(s, 'v', { user: 'nobody' as unknown as number }) },
  { code: 'QUADLET023', severity: 'error', what: 'Type=simple', build: (s) => new Container(s, 'c', { image: IMG }).addEntry('Service', 'Type', 'simple') },
  { code: 'QUADLET024', severity: 'error', what: 'KillMode=process', build: (s) => new Container(s, 'c', { image: IMG }).addEntry('Service', 'KillMode', 'process') },
  { code: 'QUADLET026', severity: 'error', what: 'an install target with a slash', build: (s) => new Container(s, 'c', { image: IMG, install: { wantedBy: ['/etc/foo.target'] } }) },
  { code: 'QUADLET027', severity: 'error', what: 'multi-user.target rootless', build: (s) => new Container(s, 'c', { image: IMG, install: { wantedBy: ['multi-user.target'] } }) },
  { code: 'SECRET001', severity: 'error', what: 'a password as a literal Environment= value', build: (s) => new Container(s, 'c', { image: IMG, environment: { POSTGRES_PASSWORD: 'x' } }) },
  { code: 'SECRET001', severity: 'error', what: 'a token as a literal env-file value', build: (s) => new EnvFile(s, 'e', { values: { CF_API_TOKEN: 'abc' } }) },
  { code: 'SECRET002', severity: 'error', what: 'a secret name with a space', build: (s) => new Secret(s, 'x', { name: 'my secret' }) },
  { code: 'ENV001', severity: 'error', what: 'a variable set in two places', build: (s) => new Container(s, 'c', { image: IMG, environment: { A: '1' }, envFiles: [new EnvFile(s, 'e', { values: { A: '2' } })] }) },
  { code: 'ENV003', severity: 'error', what: 'a URL naming a host no peer answers to', build: (s) => {
    new Network(s, 'n', { default: true });
    new Container(s, 'c', { image: IMG, environment: { API_URL: 'http://ghost:8080/v1' } });
  } },
  { code: 'ENV004', severity: 'warning', what: 'a peer named in an env file but not depended on', build: (s) => {
    new Network(s, 'n', { default: true });
    new Container(s, 'db', { image: IMG });
    new Container(s, 'c', { image: IMG, envFiles: [new EnvFile(s, 'e', { values: { DB_HOST: 'db' } })] });
  } },
  { code: 'IMAGE010', severity: 'error', what: 'piler without MYSQL_HOSTNAME', build: (s) => new Container(s, 'piler', { image: 'docker.io/sutoj/piler:1.4.5' }) },
  { code: 'ENV002', severity: 'error', what: 'an invalid variable name', build: (s) => new EnvFile(s, 'e', { values: { 'BAD-NAME': '1' } }) },
];

describe('quadlet validations', () => {
  for (const c of cases) {
    it(`${c.code} (${c.severity}): ${c.what}`, () => {
      const { app, site } = Testing.site(c.site ?? {});
      c.build(site);
      expectDiagnostic(app, c.code, c.severity);
    });
  }

  it('QUADLET015 (error): a subnet overlapping podman\'s default network 10.88.0.0/16, however it overlaps', () => {
    for (const subnet of ['10.88.10.0/24', '10.0.0.0/8', '10.88.255.128/25']) {
      const { app, site } = Testing.site();
      new Network(site, 'net', { subnet });
      expectDiagnostic(app, 'QUADLET015', 'error');
    }
    const { app, site } = Testing.site();
    new Network(site, 'net', { subnet: ['10.89.0.0/24', '10.87.255.0/24', 'fd00:88::/64'] });
    expect(Testing.codes(app)).to.deep.equal([]);
  });

  it('a floating tag is fine with a reason', () => {
    const { app, site } = Testing.site();
    new Container(site, 'cockpit', { image: 'quay.io/cockpit/ws:latest', allowFloatingTag: 'slow cadence, strong compat' });
    expect(Testing.codes(app)).to.deep.equal([]);
  });

  it('a short image name is fine with a reason, on containers, image units and container jobs, and the docs say why', () => {
    const { app, site } = Testing.site();
    const reason = 'built on the host by scripts/build-app.sh';
    new Container(site, 'app', { image: 'localhost-app:1.2', allowShortName: reason });
    new Image(site, 'tool', { image: 'tool:latest', allowShortName: 'a short-name alias of the host', allowFloatingTag: 'the alias moves with the host' });
    new Service(site, 'job', { job: new ContainerJob({ image: 'job:2.0', allowShortName: reason }) });
    new SiteDocs(site, 'docs');
    expect(Testing.codes(app)).to.deep.equal([]);
    const docs = Object.values(Testing.synth(app)).join('\n');
    expect(docs).to.include(`short name allowed: ${reason}`);
  });

  it('keep-groups alone, or other groups without it, is fine on a rootful site', () => {
    const { app, site } = Testing.site({ rootless: false });
    new Container(site, 'gpu', { image: IMG, groupAdd: ['keep-groups'] });
    new Container(site, 'web', { image: IMG, groupAdd: ['users', '100'] });
    expect(Testing.codes(app)).to.deep.equal([]);
  });

  it('public ports for mail are fine', () => {
    const { app, site } = Testing.site();
    new Container(site, 'postfix', { image: 'docker.io/boky/postfix:4.3.0', publish: [25, 587, 465].map((p) => ({ container: p, public: true })) });
    expect(Testing.codes(app)).to.deep.equal([]);
  });
});
