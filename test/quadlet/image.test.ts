import { expect } from 'chai';
import { Container, Image, ImageProps, Site } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { dryRun, needQuadlet, quadletFiles, values } from './support';

const DIGEST = 'sha256:' + 'a'.repeat(64);

describe('Image', () => {
  function images() {
    const { app, site } = Testing.site({}, 'img');
    const caddy = new Image(site, 'caddy', { image: 'docker.io/library/caddy:2.8.4-alpine', arch: 'arm64', authFile: '/etc/containers/auth.json' });
    const redis = new Image(site, 'redis', { image: `docker.io/library/redis:7.2@${DIGEST}`, imageTag: 'localhost/redis-pinned', tlsVerify: true });
    new Container(site, 'web', { image: caddy, networkMode: 'none' });
    new Container(site, 'cache', { image: redis, networkMode: 'none' });
    return { app, site, caddy, redis };
  }

  it('renders as the golden files say', () => {
    const { app } = images();
    expect(Testing.golden(Testing.synth(app), 'test/quadlet/__golden__/image')).to.deep.equal([]);
  });

  it('is referenced as <name>.image and resolves to ImageTag=, else Image= (A2)', () => {
    const { caddy, redis } = images();
    expect(caddy.imageRef).to.equal('caddy.image');
    expect(caddy.serviceName).to.equal('caddy-image.service');
    expect(caddy.resolvedImage).to.equal('docker.io/library/caddy:2.8.4-alpine');
    expect(redis.resolvedImage).to.equal('localhost/redis-pinned');
  });

  describe('reports', () => {
    const cases: Array<{ code: string; what: string; props: Partial<ImageProps>; site?: ConstructorParameters<typeof Site>[2] }> = [
      { code: 'QUADLET005', what: 'no image', props: {} },
      { code: 'QUADLET005', what: 'an empty image', props: { image: '' } },
      { code: 'IMAGE001', what: 'a short name', props: { image: 'caddy:2.8.4' } },
      { code: 'IMAGE002', what: 'a floating tag', props: { image: 'docker.io/library/caddy:latest' } },
      { code: 'IMAGE003', what: 'no digest under digestPolicy error', props: { image: 'docker.io/library/caddy:2.8.4' }, site: { digestPolicy: 'error' } },
      { code: 'IMAGE004', what: 'not a reference', props: { image: 'Docker.io/UPPER CASE' } },
      { code: 'QUADLET001', what: 'Policy= (5.6) on podman 5.4.2', props: { image: 'docker.io/library/caddy:2.8.4', policy: 'missing' } },
    ];
    for (const c of cases) {
      it(`${c.code} for ${c.what}`, () => {
        const { app, site } = Testing.site(c.site);
        // A JavaScript caller can leave out the required image: the constructor must not throw.
        new Image(site, 'i', c.props as ImageProps);
        expect(Testing.codes(app)).to.deep.equal([c.code]);
        expectDiagnostic(app, c.code, 'error');
      });
    }
  });

  it('accepts a floating tag with a reason, or on a site that allows them, and a digest as a warning', () => {
    const { app, site } = Testing.site();
    new Image(site, 'a', { image: 'quay.io/cockpit/ws:latest', allowFloatingTag: 'cockpit publishes :latest only' });
    expect(Testing.codes(app)).to.deep.equal([]);
    const lax = Testing.site({ allowFloatingTags: true, digestPolicy: 'warn' });
    new Image(lax.site, 'a', { image: 'quay.io/cockpit/ws:latest' });
    expect(Testing.codes(lax.app)).to.deep.equal(['IMAGE003']);
    expectDiagnostic(lax.app, 'IMAGE003', 'warning');
    expectDiagnostic(lax.app, 'IMAGE003', 'warning');
  });

  it('writes Policy= when the target podman has it', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.6.0' });
    new Image(site, 'a', { image: 'docker.io/library/caddy:2.8.4', policy: 'missing' });
    expect(values(quadletFiles(app)['a.image'], 'Policy')).to.deep.equal(['missing']);
  });

  it('passes the real generator; containers require the pull and run the resolved name', function () {
    needQuadlet(this);
    const r = dryRun(images().app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services).sort()).to.deep.equal(['cache.service', 'caddy-image.service', 'redis-image.service', 'web.service']);
    // podman 5.4.2 writes the pull flags in Go map order, which changes from run to run.
    const pull = /^ExecStart=(.*)$/m.exec(r.services['caddy-image.service'])![1].split(' ');
    expect(pull.slice(0, 3)).to.deep.equal(['/usr/bin/podman', 'image', 'pull']);
    expect(pull[pull.length - 1]).to.equal('docker.io/library/caddy:2.8.4-alpine');
    expect(pull.slice(3, -1).join(' ').split(/ (?=--)/).sort()).to.deep.equal(['--arch arm64', '--authfile /etc/containers/auth.json']);
    expect(values(r.services['web.service'], 'Requires')).to.deep.equal(['caddy-image.service']);
    expect(r.services['web.service']).to.match(/ docker\.io\/library\/caddy:2\.8\.4-alpine$/m);
    expect(values(r.services['cache.service'], 'Requires')).to.deep.equal(['redis-image.service']);
    expect(r.services['cache.service']).to.match(/ localhost\/redis-pinned$/m);
  });
});
