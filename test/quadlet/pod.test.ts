import { expect } from 'chai';
import { Build, Container, Image, Network, Pod, RootFs, Volume } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { dryRun, needQuadlet, quadletFiles, values } from './support';

const IMG = 'docker.io/library/caddy:2.8.4-alpine';

/** A pod on the site network with a public and a loopback port, a volume, and two members. */
function podStack() {
  const { app, site } = Testing.site({}, 'lab');
  new Network(site, 'lab', { default: true });
  const data = new Volume(site, 'data');
  const pod = new Pod(site, 'stack', {
    publish: [{ container: 80, host: 8080 }, { container: 25, public: true }, { container: 53, host: 5353, protocol: 'udp', bind: '::1' }],
    volumes: [{ volume: data, path: '/data' }, { hostPath: '/srv/conf', path: '/conf', readOnly: true }],
    addHost: ['db.local:10.0.0.2'],
  });
  new Container(site, 'web', { image: IMG, pod });
  new Container(site, 'side', { image: IMG, pod, startWithPod: false });
  return { app, site, pod };
}

describe('Pod', () => {
  it('renders as the golden files say', () => {
    const { app } = podStack();
    expect(Testing.golden(Testing.synth(app), 'test/quadlet/__golden__/pod')).to.deep.equal([]);
  });

  it('is referenced by file name and named without the systemd- prefix', () => {
    const { pod } = podStack();
    expect(pod.podRef).to.equal('stack.pod');
    expect(pod.podName).to.equal('stack');
    expect(pod.serviceName).to.equal('stack-pod.service');
    const named = new Pod(Testing.site().site, 'p', { podName: 'other' });
    expect(named.podName).to.equal('other');
  });

  it('joins the site default network, or the networks it is given', () => {
    const { app, site } = Testing.site();
    new Network(site, 'edge', { default: true });
    const own = new Network(site, 'own');
    new Pod(site, 'alpha');
    new Pod(site, 'bravo', { networks: [own] });
    const files = quadletFiles(app);
    expect(values(files['alpha.pod'], 'Network')).to.deep.equal(['edge.network']);
    expect(values(files['bravo.pod'], 'Network')).to.deep.equal(['own.network']);
  });

  it('never writes Restart=, and warns when a restart policy was asked for (A5)', () => {
    const { app, site } = Testing.site();
    new Pod(site, 'quiet');
    new Pod(site, 'loud', { service: { restart: 'always', restartSec: 3 } });
    const out = app.synthFiles();
    const files = Testing.area(Testing.filesOf(out), '.config/containers/systemd');
    expect(files['quiet.pod']).to.not.contain('Restart=');
    expect(files['loud.pod']).to.not.match(/^Restart=/m);
    expect(files['loud.pod']).to.match(/^RestartSec=3$/m);
    expect(out.diagnostics.map((d) => [d.code, d.severity])).to.deep.equal([['QUADLET029', 'warning']]);
  });

  it('reports ports on all interfaces and out of range (PORT002, PORT003)', () => {
    const { app, site } = Testing.site();
    new Pod(site, 'p', { publish: [{ container: 80, bind: '0.0.0.0' }, { container: 0 }] });
    expect(Testing.codes(app)).to.deep.equal(['PORT002', 'PORT003']);
    expectDiagnostic(app, 'PORT002', 'error');
    expectDiagnostic(app, 'PORT003', 'error');
  });

  it('takes part in the site port clash check (PORT001)', () => {
    const { app, site } = Testing.site();
    new Pod(site, 'p', { publish: [{ container: 80, host: 8080 }] });
    new Container(site, 'ctr', { image: IMG, publish: [{ container: 8080 }] });
    expect(Testing.codes(app)).to.deep.equal(['PORT001']);
    expectDiagnostic(app, 'PORT001', 'error');
  });

  it('gates keys newer than the target podman (QUADLET001) and writes them when the target has them', () => {
    const old = Testing.site();
    new Pod(old.site, 'p', { exitPolicy: 'continue', stopTimeout: 20 });
    expect(Testing.codes(old.app)).to.deep.equal(['QUADLET001', 'QUADLET001']);
    expectDiagnostic(old.app, 'QUADLET001', 'error');
    const recent = Testing.site({ podmanVersion: '5.7.0' });
    new Pod(recent.site, 'p', { exitPolicy: 'continue', stopTimeout: 20 });
    const pod = quadletFiles(recent.app)['p.pod'];
    expect(pod).to.match(/^ExitPolicy=continue$/m);
    expect(pod).to.match(/^StopTimeout=20$/m);
  });

  it('reports ports or networks on a member container (QUADLET021)', () => {
    const { app, site } = Testing.site();
    const pod = new Pod(site, 'p');
    new Container(site, 'ctr', { image: IMG, pod, publish: [{ container: 80 }] });
    expect(Testing.codes(app)).to.deep.equal(['QUADLET021']);
    expectDiagnostic(app, 'QUADLET021', 'error');
  });

  it('reports a container named like the pod (QUADLET013)', () => {
    const { app, site } = Testing.site();
    const pod = new Pod(site, 'web');
    new Container(site, 'web-ctr', { image: IMG, containerName: 'web', pod });
    expect(Testing.codes(app)).to.deep.equal(['QUADLET013']);
    expectDiagnostic(app, 'QUADLET013', 'error');
  });

  it('passes the real generator: the pod starts its members, which bind to it', function () {
    needQuadlet(this);
    const r = dryRun(podStack().app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services).sort()).to.deep.equal(['data-volume.service', 'lab-network.service', 'side.service', 'stack-pod.service', 'web.service']);
    const pod = r.services['stack-pod.service'];
    expect(values(pod, 'Wants')).to.include('web.service');
    expect(values(pod, 'Wants')).to.not.include('side.service');
    expect(values(pod, 'Requires')).to.include.members(['lab-network.service', 'data-volume.service']);
    expect(values(pod, 'Restart')).to.deep.equal(['on-failure']);
    expect(pod).to.contain('--publish 127.0.0.1:8080:80 --publish 25:25 --publish [::1]:5353:53/udp');
    expect(pod).to.contain('--network lab');
    expect(pod).to.contain('-v data:/data -v /srv/conf:/conf:ro');
    expect(pod).to.contain('--infra-name stack-infra --name stack');
    for (const member of ['web.service', 'side.service']) {
      expect(values(r.services[member], 'BindsTo')).to.deep.equal(['stack-pod.service']);
      expect(r.services[member]).to.contain('--pod-id-file %t/stack-pod.pod-id');
    }
  });
});

describe('Image=, Pod= references between units', () => {
  function tree() {
    const { app, site } = Testing.site({}, 'refs');
    const img = new Image(site, 'base', { image: 'docker.io/library/debian:12.7-slim' });
    const built = new Build(site, 'tool', { imageTag: 'localhost/tool:1', file: '/srv/tool/Containerfile' });
    const pod = new Pod(site, 'stack', { publish: [{ container: 8080 }] });
    const a = new Container(site, 'alpha', { image: img, pod });
    const b = new Container(site, 'bravo', { image: built, pod });
    return { app, a, b };
  }

  it('write the file names of the referenced units', () => {
    const { a, b } = tree();
    expect([a.props.image, b.props.image].map((i) => (typeof i === 'string' || RootFs.isRootFs(i) ? i : i.imageRef))).to.deep.equal(['base.image', 'tool.build']);
    expect(a.props.pod?.podRef).to.equal('stack.pod');
  });

  it('pass the real generator, which adds Requires= on the image and build services and BindsTo= the pod', function () {
    needQuadlet(this);
    const r = dryRun(tree().app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(values(r.services['alpha.service'], 'Requires')).to.deep.equal(['base-image.service']);
    expect(values(r.services['bravo.service'], 'Requires')).to.deep.equal(['tool-build.service']);
    for (const s of ['alpha.service', 'bravo.service']) {
      expect(values(r.services[s], 'BindsTo')).to.deep.equal(['stack-pod.service']);
      expect(values(r.services[s], 'After')).to.include('stack-pod.service');
    }
    expect(values(r.services['stack-pod.service'], 'Wants')).to.include.members(['alpha.service', 'bravo.service']);
    expect(r.services['alpha.service']).to.match(/ docker\.io\/library\/debian:12\.7-slim$/m);
    expect(r.services['bravo.service']).to.match(/ localhost\/tool:1$/m);
  });
});
