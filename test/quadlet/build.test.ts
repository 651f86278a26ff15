import { expect } from 'chai';
import { Build, BuildProps, Container, home, Network } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { dryRun, needQuadlet, quadletFiles, values } from './support';

describe('Build', () => {
  function builds() {
    const { app, site } = Testing.site({}, 'bld');
    const net = new Network(site, 'buildnet');
    const pc = new Build(site, 'pc', {
      imageTag: ['localhost/paperclip:v1', 'localhost/paperclip:latest'],
      file: '/srv/paperclip/Containerfile',
      networks: [net],
      label: { 'org.opencontainers.image.version': 'v1' },
      pull: 'newer',
    });
    const rel = new Build(site, 'rel', { imageTag: 'localhost/rel:1', file: 'Containerfile', setWorkingDirectory: 'unit' });
    const ctx = new Build(site, 'ctx', { imageTag: 'localhost/ctx:1', setWorkingDirectory: 'https://example.com/repo.git' });
    new Container(site, 'app', { image: pc, networkMode: 'none' });
    return { app, site, pc, rel, ctx };
  }

  it('renders as the golden files say', () => {
    const { app } = builds();
    expect(Testing.golden(Testing.synth(app), 'test/quadlet/__golden__/build')).to.deep.equal([]);
  });

  it('is referenced as <name>.build and resolves to the first tag (A2)', () => {
    const { pc } = builds();
    expect(pc.imageRef).to.equal('pc.build');
    expect(pc.serviceName).to.equal('pc-build.service');
    expect(pc.resolvedImage).to.equal('localhost/paperclip:v1');
  });

  describe('reports the generator\'s refusals (B3)', () => {
    const cases: Array<{ code: string; what: string; props: Partial<BuildProps> }> = [
      { code: 'QUADLET005', what: 'no image tag', props: { file: '/srv/Containerfile' } },
      { code: 'QUADLET005', what: 'an empty image tag list', props: { imageTag: [], file: '/srv/Containerfile' } },
      { code: 'QUADLET005', what: 'neither File= nor SetWorkingDirectory=', props: { imageTag: 'localhost/x:1' } },
      { code: 'QUADLET005', what: 'a relative File= without SetWorkingDirectory=', props: { imageTag: 'localhost/x:1', file: 'Containerfile' } },
      { code: 'QUADLET005', what: 'a %h File= without SetWorkingDirectory= (quadlet before 5.7 counts it as relative)', props: { imageTag: 'localhost/x:1', file: home('src/Containerfile') } },
      { code: 'QUADLET005', what: 'SetWorkingDirectory=file without File=', props: { imageTag: 'localhost/x:1', setWorkingDirectory: 'file' } },
      { code: 'QUADLET003', what: 'SetWorkingDirectory=yaml', props: { imageTag: 'localhost/x:1', file: '/srv/Containerfile', setWorkingDirectory: 'yaml' } },
      { code: 'QUADLET001', what: 'BuildArg= (5.7) on podman 5.4.2', props: { imageTag: 'localhost/x:1', file: '/srv/Containerfile', buildArg: { V: '1' } } },
      { code: 'QUADLET001', what: 'IgnoreFile= (5.7) on podman 5.4.2', props: { imageTag: 'localhost/x:1', file: '/srv/Containerfile', ignoreFile: '/srv/.containerignore' } },
    ];
    for (const c of cases) {
      it(`${c.code} for ${c.what}`, () => {
        const { app, site } = Testing.site();
        new Build(site, 'b', c.props as BuildProps);
        expect(Testing.codes(app)).to.deep.equal([c.code]);
      });
    }
  });

  it('accepts absolute paths and URLs as File= without a context', () => {
    const { app, site } = Testing.site();
    new Build(site, 'a', { imageTag: 'localhost/a:1', file: '/srv/Containerfile' });
    new Build(site, 'b', { imageTag: 'localhost/b:1', file: 'https://example.com/Containerfile' });
    new Build(site, 'c', { imageTag: 'localhost/c:1', file: 'git://example.com/repo' });
    new Build(site, 'd', { imageTag: 'localhost/d:1', file: home('src/Containerfile'), setWorkingDirectory: 'file' });
    expect(Testing.codes(app)).to.deep.equal([]);
  });

  it('the generator accepts the same File= forms', function () {
    needQuadlet(this);
    const { app, site } = Testing.site();
    new Build(site, 'b', { imageTag: 'localhost/b:1', file: 'https://example.com/Containerfile' });
    new Build(site, 'c', { imageTag: 'localhost/c:1', file: 'git://example.com/repo' });
    new Build(site, 'd', { imageTag: 'localhost/d:1', file: home('src/Containerfile'), setWorkingDirectory: 'file' });
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(values(r.services['d-build.service'], 'WorkingDirectory')).to.deep.equal(['%h/src']);
  });

  it('writes BuildArg= and IgnoreFile= on podman 5.7', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.7.0' });
    new Build(site, 'b', { imageTag: 'localhost/x:1', file: '/srv/Containerfile', buildArg: { VERSION: '1.2 beta' }, ignoreFile: '/srv/.containerignore' });
    const unit = quadletFiles(app)['b.build'];
    expect(values(unit, 'BuildArg')).to.deep.equal(['"VERSION=1.2 beta"']);
    expect(values(unit, 'IgnoreFile')).to.deep.equal(['/srv/.containerignore']);
  });

  it('passes the real generator; the container requires the build and runs its first tag', function () {
    needQuadlet(this);
    const r = dryRun(builds().app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services).sort()).to.deep.equal(['app.service', 'buildnet-network.service', 'ctx-build.service', 'pc-build.service', 'rel-build.service']);
    const pc = r.services['pc-build.service'];
    expect(pc).to.contain('--pull=newer');
    expect(pc).to.contain('--tag localhost/paperclip:v1 --tag localhost/paperclip:latest');
    expect(pc).to.contain('--network buildnet');
    expect(values(pc, 'Requires')).to.deep.equal(['buildnet-network.service']);
    expect(values(pc, 'RemainAfterExit')).to.deep.equal([]);
    // SetWorkingDirectory=unit: the unit's folder is the context of the relative File=.
    expect(r.services['rel-build.service']).to.match(/--file Containerfile \/\S+\/units$/m);
    expect(r.services['ctx-build.service']).to.match(/ https:\/\/example\.com\/repo\.git$/m);
    expect(values(r.services['app.service'], 'Requires')).to.deep.equal(['pc-build.service']);
    expect(r.services['app.service']).to.match(/ localhost\/paperclip:v1$/m);
  });

  it('the generator refuses what synth reports: a relative File= without a context', function () {
    needQuadlet(this);
    const { app, site } = Testing.site();
    new Build(site, 'b', { imageTag: 'localhost/x:1', file: home('src/Containerfile') });
    expect(Testing.codes(app)).to.deep.equal(['QUADLET005']);
    expectDiagnostic(app, 'QUADLET005', 'error');
    const r = dryRun(app);
    expect(r.ok).to.equal(false);
    expect(r.stderr).to.contain('converting "b.build": relative path in File key requires SetWorkingDirectory key to be set');
  });
});
