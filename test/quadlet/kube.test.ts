import { expect } from 'chai';
import { Container, home, Kube, KubeProps, Network } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { dryRun, needQuadlet, quadletFiles, values } from './support';

describe('Kube', () => {
  function kubes() {
    const { app, site } = Testing.site({}, 'k8s');
    new Network(site, 'lab', { default: true });
    const wiki = new Kube(site, 'wiki', {
      yaml: home('kube/wiki.yaml'),
      publish: [{ container: 3000, host: 3300 }],
      configMap: ['/srv/wiki/config.yaml'],
      autoUpdate: ['registry'],
      setWorkingDirectory: 'yaml',
    });
    new Kube(site, 'solo', { yaml: '/srv/solo.yaml', networks: [Network.fromName('host')], exitCodePropagation: 'all', service: { timeoutStartSec: 600 } });
    return { app, site, wiki };
  }

  it('renders as the golden files say', () => {
    const { app } = kubes();
    expect(Testing.golden(Testing.synth(app), 'test/quadlet/__golden__/kube')).to.deep.equal([]);
  });

  it('generates <name>.service, which a container of the same name would also generate (QUADLET011)', () => {
    const { wiki } = kubes();
    expect(wiki.serviceName).to.equal('wiki.service');
    expect(wiki.unitFileName).to.equal('wiki.kube');
    const { app, site } = Testing.site();
    new Kube(site, 'app', { yaml: '/srv/app.yaml' });
    new Container(site, 'app-ctr', { name: 'app', image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    expect(Testing.codes(app)).to.deep.equal(['QUADLET011']);
    expectDiagnostic(app, 'QUADLET011', 'error');
  });

  describe('reports', () => {
    const cases: Array<{ code: string; what: string; props: Partial<KubeProps> }> = [
      { code: 'QUADLET005', what: 'no yaml', props: {} },
      { code: 'QUADLET005', what: 'an empty yaml list', props: { yaml: [] } },
      { code: 'QUADLET030', what: 'two yaml files on podman 5.4.2 (it would play only the last)', props: { yaml: ['/srv/a.yaml', '/srv/b.yaml'] } },
      { code: 'QUADLET003', what: 'SetWorkingDirectory=file', props: { yaml: '/srv/a.yaml', setWorkingDirectory: 'file' } },
      { code: 'PORT002', what: 'a port on all interfaces', props: { yaml: '/srv/a.yaml', publish: [{ container: 80, bind: '0.0.0.0' }] } },
    ];
    for (const c of cases) {
      it(`${c.code} for ${c.what}`, () => {
        const { app, site } = Testing.site();
        new Kube(site, 'k', c.props as KubeProps);
        expect(Testing.codes(app)).to.deep.equal([c.code]);
      });
    }
  });

  it('writes one Yaml= line per file on podman 5.7', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.7.0' });
    new Kube(site, 'k', { yaml: ['/srv/a.yaml', home('kube/b.yaml')] });
    expect(Testing.codes(app)).to.deep.equal([]);
    expect(values(quadletFiles(app)['k.kube'], 'Yaml')).to.deep.equal(['/srv/a.yaml', '%h/kube/b.yaml']);
  });

  it('passes the real generator', function () {
    needQuadlet(this);
    const r = dryRun(kubes().app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services).sort()).to.deep.equal(['lab-network.service', 'solo.service', 'wiki.service']);
    const wiki = r.services['wiki.service'];
    expect(values(wiki, 'Requires')).to.deep.equal(['lab-network.service']);
    expect(values(wiki, 'WorkingDirectory')).to.deep.equal(['%h/kube']);
    expect(wiki).to.match(/^ExecStart=\/usr\/bin\/podman kube play .*--network lab .*--publish 127\.0\.0\.1:3300:3000 .*%h\/kube\/wiki\.yaml$/m);
    expect(wiki).to.contain('--annotation=io.containers.autoupdate=registry');
    expect(values(wiki, 'Restart')).to.deep.equal(['always']);
    const solo = r.services['solo.service'];
    expect(solo).to.contain('--network host');
    expect(values(solo, 'Requires')).to.deep.equal([]);
    expect(values(solo, 'TimeoutStartSec')).to.deep.equal(['600']);
  });

  it('the generator plays only the last of two Yaml= on 5.4.2, which is why synth refuses them', function () {
    needQuadlet(this);
    const { app, site } = Testing.site();
    new Kube(site, 'k', { yaml: ['/srv/a.yaml', '/srv/b.yaml'] });
    expect(Testing.codes(app)).to.deep.equal(['QUADLET030']);
    expectDiagnostic(app, 'QUADLET030', 'error', { message: /2 Yaml= lines need podman 5\.7\.0; podman 5\.4\.2 reads only the last one/ });
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(r.services['k.service']).to.match(/ \/srv\/b\.yaml$/m);
    expect(r.services['k.service']).to.not.contain('/srv/a.yaml --');
  });
});
