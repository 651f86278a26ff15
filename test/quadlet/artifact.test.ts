import { expect } from 'chai';
import { Artifact, ArtifactProps } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { dryRun, needQuadlet, quadletFiles } from './support';

const REF = 'quay.io/example/models:v1';

describe('Artifact', () => {
  it('renders as the golden files say on podman 5.7.0', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.7.0' }, 'art');
    const a = new Artifact(site, 'models', { artifact: REF, quiet: true, retry: 3 });
    expect(a.artifactRef).to.equal('models.artifact');
    expect(a.serviceName).to.equal('models-artifact.service');
    expect(Testing.golden(Testing.synth(app), 'test/quadlet/__golden__/artifact')).to.deep.equal([]);
  });

  it('is a unit type podman 5.4.2 does not know (QUADLET001 once, for the type, not again per key)', () => {
    const { app, site } = Testing.site();
    new Artifact(site, 'models', { artifact: REF });
    const diags = Testing.diagnostics(app);
    expect(diags.map((d) => d.code)).to.deep.equal(['QUADLET001']);
    expect(diags.map((d) => d.message)).to.include('.artifact units need podman 5.7.0; this site targets 5.4.2');
  });

  it('is pulled on demand: no [Install], no Restart=, unless asked', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.7.0' });
    new Artifact(site, 'a', { artifact: REF });
    new Artifact(site, 'b', { artifact: REF, install: {} });
    expect(Testing.codes(app)).to.deep.equal([]);
    const files = quadletFiles(app);
    expect(files['a.artifact']).to.not.contain('[Install]');
    expect(files['a.artifact']).to.not.contain('Restart=');
    expect(files['b.artifact']).to.match(/^WantedBy=default\.target$/m);
  });

  it('reports a missing artifact reference (QUADLET005)', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.7.0' });
    new Artifact(site, 'a', {} as ArtifactProps);
    expect(Testing.codes(app)).to.deep.equal(['QUADLET005']);
    expectDiagnostic(app, 'QUADLET005', 'error');
  });

  it('does not make the 5.4.2 generator choke: it skips the file without a word (F)', function () {
    needQuadlet(this);
    const { app, site } = Testing.site();
    new Artifact(site, 'models', { artifact: REF });
    expect(Object.keys(quadletFiles(app))).to.deep.equal(['models.artifact']);
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(r.services).to.deep.equal({});
  });
});
