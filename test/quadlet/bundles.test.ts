import { expect } from 'chai';
import { Container, ContainerTemplate, DropIn, Network, unbundle, Volume } from '../../lib';
import { expectDiagnostic, quadletDryRun, Testing } from '../../lib/testing';
import { needQuadlet } from './support';

const IMG = 'docker.io/library/redis:7.2.4';

function bundled(podmanVersion = '5.8.6') {
  const { app, site } = Testing.site({ podmanVersion, quadletOutput: 'bundle' }, 'lab');
  const net = new Network(site, 'lab', { default: true });
  const data = new Volume(site, 'data');
  const web = new Container(site, 'web', { image: IMG, networks: [net], volumes: [{ volume: data, path: '/data' }] });
  new ContainerTemplate(site, 'worker', { image: IMG, networks: [net] }).instance('a', { enabled: true });
  new DropIn(site, 'args', { to: web, name: '10-args', container: { podmanArgs: ['--cpus=1'] } });
  return app;
}

describe('.quadlets bundles', () => {
  it('writes one <site>.quadlets with a # FileName= section per unit, instead of one file each', () => {
    const app = bundled();
    expect(Testing.codes(app)).to.deep.equal([]);
    const files = Testing.synth(app);
    const quadletDir = Object.keys(files).filter((p) => p.startsWith('.config/containers/systemd/'));
    // Drop-ins stay files: a bundle holds units only.
    expect(quadletDir).to.deep.equal(['.config/containers/systemd/web.container.d/10-args.conf']);
    const bundle = files['lab.quadlets'];
    expect(bundle.match(/^# FileName=.*$/gm)).to.deep.equal([
      '# FileName=data', '# FileName=lab', '# FileName=web', '# FileName=worker@', '# FileName=worker@a',
    ]);
    expect(bundle.split(/^---$/m)).to.have.length(5);
    expect(Object.keys(unbundle(bundle)).sort()).to.deep.equal(['data.volume', 'lab.network', 'web.container', 'worker@.container', 'worker@a.container']);
  });

  it('the units of the bundle, split as podman quadlet install does, pass the 5.8 generator', function () {
    needQuadlet(this);
    const files = Testing.synth(bundled());
    const units = { ...unbundle(files['lab.quadlets']), 'web.container.d/10-args.conf': files['.config/containers/systemd/web.container.d/10-args.conf'] };
    const r = quadletDryRun(units, { podmanVersion: '5.8.6' });
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services).sort()).to.deep.equal(['data-volume.service', 'lab-network.service', 'web.service', 'worker@.service', 'worker@a.service']);
    expect(r.services['web.service']).to.match(/^ExecStart=.* --cpus=1 /m);
  });

  it('refuses the bundle mode before podman 5.8, naming it (QUADLET034)', () => {
    const [d] = expectDiagnostic(bundled('5.6.0'), 'QUADLET034', 'error');
    expect(d.message).to.equal('.quadlets bundles need podman 5.8.0 (podman quadlet install of a multi-unit file); this site targets 5.6.0');
  });
});
