import { expect } from 'chai';
import { Container, ContainerTemplate, NetworkTemplate, Specifier, systemdText, Volume, VolumeTemplate } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { dryRun, needQuadlet, quadletFiles, values } from './support';

const IMG = 'docker.io/library/redis:7.2.4';

/** Workers with a volume and a network each, one started at boot, one needed by the api. */
function workers(podmanVersion = '5.8.6') {
  const { app, site } = Testing.site({ podmanVersion });
  const data = new VolumeTemplate(site, 'data');
  const net = new NetworkTemplate(site, 'wnet');
  const worker = new ContainerTemplate(site, 'worker', {
    image: IMG, volumes: [{ volume: data, path: '/data' }], networks: [net], environment: { SHARD: Specifier.instance }, defaultInstance: 'main',
  });
  worker.instance('a', { enabled: true });
  new Container(site, 'api', { image: IMG, networkMode: 'none', dependsOn: [{ unit: worker.instance('b'), strength: 'wants' }] });
  return { app, site, worker };
}

describe('template units', () => {
  it('writes <name>@.<type> files, enabled instances as copies with [Install], and typed instance references', () => {
    const { app } = workers();
    expect(Testing.codes(app)).to.deep.equal([]);
    const files = quadletFiles(app);
    expect(Object.keys(files).sort()).to.deep.equal(['api.container', 'data@.volume', 'wnet@.network', 'worker@.container', 'worker@a.container']);
    const t = files['worker@.container'];
    expect(values(t, 'ContainerName')).to.deep.equal(['worker-%i']);
    expect(values(t, 'Volume')).to.deep.equal(['data@.volume:/data']);
    expect(values(t, 'Network')).to.deep.equal(['wnet@.network']);
    expect(values(t, 'Environment')).to.deep.equal(['"SHARD=%i"']);
    expect(values(t, 'DefaultInstance')).to.deep.equal(['main']);
    expect(values(t, 'WantedBy')).to.deep.equal(['default.target']);
    const a = files['worker@a.container'];
    expect(a.replace(/\[Install\][^]*$/, '')).to.equal(t.replace(/\[Install\][^]*$/, ''));
    expect(values(a, 'DefaultInstance')).to.deep.equal([]);
    expect(values(a, 'WantedBy')).to.deep.equal(['default.target']);
    expect(values(files['data@.volume'], 'VolumeName')).to.deep.equal(['data-%i']);
    expect(values(files['wnet@.network'], 'NetworkName')).to.deep.equal(['wnet-%i']);
    expect(values(files['api.container'], 'Wants')).to.deep.equal(['worker@b.service']);
  });

  it('gives instances their names: service, unit file and container', () => {
    const { worker } = workers();
    const b = worker.instance('b');
    expect([b.serviceName, b.unitFileName, b.containerName]).to.deep.equal(['worker@b.service', 'worker@b.container', 'worker-b']);
    expect(worker.instance('b')).to.equal(b);
    expect(worker.serviceName).to.equal('worker@.service');
  });

  it('an instance of a template with install: false is its own unit, not started at boot; a name with %i is kept', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    const t = new ContainerTemplate(site, 'job', { image: IMG, networkMode: 'none', install: false, containerName: systemdText('job_', Specifier.instance) });
    t.instance('x', { enabled: true });
    const files = quadletFiles(app);
    expect(Object.keys(files).sort()).to.deep.equal(['job@.container', 'job@x.container']);
    expect(files['job@x.container']).to.not.contain('[Install]');
    expect(values(files['job@.container'], 'ContainerName')).to.deep.equal(['job_%i']);
  });

  it('the 5.8 generator makes template and instance services with per-instance volume and network', function () {
    needQuadlet(this);
    const r = dryRun(workers().app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services).sort()).to.deep.equal(['api.service', 'data-volume@.service', 'wnet-network@.service', 'worker@.service', 'worker@a.service']);
    const t = r.services['worker@.service'];
    expect(t).to.match(/^ExecStart=.* --name worker-%i .*--network wnet-%i .*-v data-%i:\/data /m);
    expect(values(t, 'Requires').join(' ')).to.contain('data-volume@.service').and.contain('wnet-network@.service');
  });

  it('needs podman 5.0 for templates and 5.7 for templated volumes and networks (QUADLET001)', () => {
    const old = Testing.site({ podmanVersion: '4.9.3' });
    new ContainerTemplate(old.site, 'worker', { image: IMG, networkMode: 'none' });
    const [d] = expectDiagnostic(old.app, 'QUADLET001', 'error');
    expect(d.message).to.equal('template units (worker@.container) need podman 5.0.0; this site targets 4.9.3');
    const msgs = expectDiagnostic(workers('5.4.2').app, 'QUADLET001', 'error').map((x) => x.message);
    expect(msgs).to.deep.equal([
      'a template using the template data@.volume needs podman 5.7.0; this site targets 5.4.2',
      'a template using the template wnet@.network needs podman 5.7.0; this site targets 5.4.2',
    ]);
  });

  it('refuses a template volume in a plain container (QUADLET032) and a bad instance name (NAME001)', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    const data = new VolumeTemplate(site, 'data');
    new Container(site, 'plain', { image: IMG, networkMode: 'none', volumes: [{ volume: data, path: '/data' }] });
    const [d] = expectDiagnostic(app, 'QUADLET032', 'error');
    expect(d.message).to.contain('plain.container is not a template but uses the template data@.volume');
    const bad = Testing.site({ podmanVersion: '5.8.6' });
    new ContainerTemplate(bad.site, 'worker', { image: IMG, networkMode: 'none' }).instance('a b', { enabled: true });
    expectDiagnostic(bad.app, 'NAME001', 'error', { message: 'instance name "a b"' });
  });

  it('a plain volume in a template is shared by every instance', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.4.2' });
    const shared = new Volume(site, 'shared');
    new ContainerTemplate(site, 'worker', { image: IMG, networkMode: 'none', volumes: [{ volume: shared, path: '/s' }] });
    expect(Testing.codes(app)).to.deep.equal([]);
    expect(values(quadletFiles(app)['worker@.container'], 'Volume')).to.deep.equal(['shared.volume:/s']);
  });
});
