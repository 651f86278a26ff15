import { expect } from 'chai';
import { Container, Network, Service, SystemdText, Volume } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';

/** The switches an imported, hand-written unit needs to render as it did (issue 14). */
describe('quadlet units as hand-written ones had them', () => {
  const unitOf = (app: ReturnType<typeof Testing.site>['app'], name: string) => app.synthFiles().files.find((f) => f.path.endsWith(`/${name}`))!.content;

  it('description: false and restart: false write neither key', () => {
    const { app, site } = Testing.site();
    new Container(site, 'web', { image: 'docker.io/library/nginx:1.27', description: false, service: { restart: false }, install: false });
    const text = unitOf(app, 'web.container');
    expect(text).not.to.match(/^Description=/m);
    expect(text).not.to.match(/^Restart=/m);
    expect(text).not.to.include('[Install]');
  });

  it('timeoutStartSec: false writes no TimeoutStartSec= where a long-running container gets 900 by default', () => {
    const { app, site } = Testing.site();
    new Container(site, 'plain', { image: 'docker.io/library/nginx:1.27' });
    new Container(site, 'handwritten', { image: 'docker.io/library/nginx:1.27', service: { timeoutStartSec: false } });
    new Container(site, 'set', { image: 'docker.io/library/nginx:1.27', service: { timeoutStartSec: 30 } });
    expect(unitOf(app, 'plain.container')).to.match(/^TimeoutStartSec=900$/m);
    expect(unitOf(app, 'handwritten.container')).not.to.match(/^TimeoutStartSec=/m);
    expect(unitOf(app, 'set.container')).to.match(/^TimeoutStartSec=30$/m);
  });

  it('a plain Service takes description: false and keeps addEntry lines after its typed ones', () => {
    const { app, site } = Testing.site();
    const s = new Service(site, 'drain', { exec: ['/usr/bin/drain'], description: false, restart: 'no', install: false });
    s.addEntry('Service', 'Nice', '5');
    const text = app.synthFiles().files.find((f) => f.path.endsWith('/drain.service'))!.content;
    expect(text).not.to.match(/^Description=/m);
    expect(text).to.match(/^ExecStart=\/usr\/bin\/drain\nNice=5$/m);
  });

  it('a plain unit refuses an addEntry line with a line break (UNIT002) and writes nothing', () => {
    const { app, site } = Testing.site();
    new Service(site, 'drain', { exec: ['/usr/bin/drain'] }).addEntry('Service', 'Nice', '5\nExecStartPre=/bin/evil');
    expectDiagnostic(app, 'UNIT002', 'error');
  });

  it('a container name in systemd syntax keeps its specifier, and two of them do not clash', () => {
    const { app, site } = Testing.site();
    new Container(site, 'a', { image: 'docker.io/library/nginx:1.27', containerName: new SystemdText('systemd-%N') });
    new Container(site, 'b', { image: 'docker.io/library/nginx:1.27', containerName: new SystemdText('systemd-%N') });
    expect(unitOf(app, 'a.container')).to.include('ContainerName=systemd-%N');
    expect(app.synthFiles().diagnostics.filter((d) => d.code === 'QUADLET012')).to.deep.equal([]);
  });

  it('the same literal name on two containers still clashes (QUADLET012)', () => {
    const { app, site } = Testing.site();
    new Container(site, 'a', { image: 'docker.io/library/nginx:1.27', containerName: 'web' });
    new Container(site, 'b', { image: 'docker.io/library/nginx:1.27', containerName: 'web' });
    expectDiagnostic(app, 'QUADLET012', 'error');
  });

  it('an @ in a unit name is refused: templates and instances are ContainerTemplate & co and instance()', () => {
    const { app, site } = Testing.site();
    new Container(site, 't', { name: 'worker@', image: 'docker.io/library/nginx:1.27', containerName: new SystemdText('systemd-%p_%i') });
    new Volume(site, 'v', { name: 'cache@one' });
    const msgs = expectDiagnostic(app, 'QUADLET004', 'error').map((d) => d.message);
    expect(msgs).to.deep.equal(['"worker@" is not a valid unit name', '"cache@one" is not a valid unit name']);
  });

  it('externalHosts leaves a host that is no container to the user; s3:// names a bucket, not a host', () => {
    const { app, site } = Testing.site();
    new Network(site, 'net', { default: true });
    new Container(site, 'app', {
      image: 'docker.io/library/nginx:1.27',
      environment: { MAIL_HOST: 'mailrelay', BUCKET: 's3://profiles?endpoint=store:8333' },
      externalHosts: ['mailrelay'],
    });
    expect(app.synthFiles().diagnostics.filter((d) => d.code === 'ENV003')).to.deep.equal([]);
    const other = Testing.site();
    new Network(other.site, 'net', { default: true });
    new Container(other.site, 'app', { image: 'docker.io/library/nginx:1.27', environment: { MAIL_HOST: 'mailrelay' } });
    expectDiagnostic(other.app, 'ENV003', 'error');
  });
});
