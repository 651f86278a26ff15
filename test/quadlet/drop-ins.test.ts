import { expect } from 'chai';
import { Container, ContainerTemplate, DropIn, RedisCache, Volume } from '../../lib';
import { expectDiagnostic, quadletDryRun, Testing } from '../../lib/testing';
import { dryRun, needQuadlet, quadletFiles, targetOf, values } from './support';

const IMG = 'docker.io/library/redis:7.2.4';

/** `--env X=y` arguments of a generated service's ExecStart, in order. */
function envs(service: string | undefined): string[] {
  return [...(values(service, 'ExecStart')[0] ?? '').matchAll(/--env (\S+)/g)].map((m) => m[1]);
}

describe('drop-ins', () => {
  it('writes <unit>.d/<name>.conf, which the generator merges (values add to the unit\'s list)', function () {
    const { app, site } = Testing.site();
    const web = new Container(site, 'web', { image: IMG, networkMode: 'none', environment: { MAIN: 'main' } });
    new DropIn(site, 'first', { to: web, name: '10-first', container: { podmanArgs: ['--memory=512m'] } });
    new DropIn(site, 'second', { to: web, name: '20-second', service: { TimeoutStopSec: '30' } });
    expect(Testing.codes(app)).to.deep.equal([]);
    const files = quadletFiles(app);
    expect(files['web.container.d/10-first.conf']).to.match(/^\[Container\]\nPodmanArgs=--memory=512m$/m);
    expect(files['web.container.d/20-second.conf']).to.match(/^\[Service\]\nTimeoutStopSec=30$/m);
    needQuadlet(this);
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(r.services['web.service']).to.match(/^ExecStart=.* --memory=512m /m);
    expect(values(r.services['web.service'], 'TimeoutStopSec')).to.deep.equal(['30']);
  });

  it('reset empties the unit\'s list first (merged-override), and "" empties a systemd list (unit-after-override)', function () {
    const { app, site } = Testing.site();
    const web = new Container(site, 'web', { image: IMG, networkMode: 'none', environment: { MAIN: 'main' }, dependsOn: [Container.fromName('db')] });
    new DropIn(site, 'env', { to: web, name: '20-second', reset: ['Environment'], container: { environment: { SECOND: 'other' } } });
    new DropIn(site, 'after', { to: web, name: '30-after', unit: { After: '' } });
    const files = quadletFiles(app);
    expect(files['web.container.d/20-second.conf']).to.match(/^\[Container\]\nEnvironment=\nEnvironment="SECOND=other"$/m);
    expect(files['web.container.d/30-after.conf']).to.match(/^\[Unit\]\nAfter=$/m);
    needQuadlet(this);
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(envs(r.services['web.service'])).to.deep.equal(['SECOND=other']);
    const after = values(r.services['web.service'], 'After');
    expect(after[after.length - 1]).to.equal('');
  });

  it('overrides a pattern\'s unit without forking it', function () {
    const { app, site } = Testing.site();
    const cache = new RedisCache(site, 'cache');
    new DropIn(site, 'cache-args', { to: cache.container, name: '50-args', container: { podmanArgs: ['--cpus=1'] } });
    expect(Testing.codes(app)).to.deep.equal([]);
    needQuadlet(this);
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(r.services['cache.service']).to.match(/^ExecStart=.* --cpus=1 /m);
  });

  it('top-level container.d/ and dash-prefix web-.container.d/ reach every matching unit (5.2+)', function () {
    const { app, site } = Testing.site({ podmanVersion: '5.4.2' });
    for (const n of ['web-a', 'web-b', 'store']) new Container(site, n, { image: IMG, networkMode: 'none' });
    new DropIn(site, 'all', { to: { allOf: 'container' }, name: '10-all', container: { environment: { ALL: '1' } } });
    new DropIn(site, 'webs', { to: { kind: 'container', prefix: 'web' }, name: '20-web', container: { environment: { WEB: '1' } } });
    expect(Testing.codes(app)).to.deep.equal([]);
    const files = quadletFiles(app);
    expect(Object.keys(files).filter((f) => f.includes('.d/')).sort()).to.deep.equal(['container.d/10-all.conf', 'web-.container.d/20-web.conf']);
    needQuadlet(this);
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(envs(r.services['web-a.service'])).to.deep.equal(['ALL=1', 'WEB=1']);
    expect(envs(r.services['store.service'])).to.deep.equal(['ALL=1']);
  });

  it('changes one instance of a template, or all of them through the template\'s folder', function () {
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    const worker = new ContainerTemplate(site, 'worker', { image: IMG, networkMode: 'none' });
    new DropIn(site, 'all', { to: worker, name: '10-env', container: { environment: { FOO: 'bar' } } });
    new DropIn(site, 'a-image', { to: worker.instance('a', { enabled: true }), name: '10-image', container: { image: 'docker.io/library/redis:7.4.5' } });
    expect(Testing.codes(app)).to.deep.equal([]);
    const files = quadletFiles(app);
    expect(Object.keys(files).sort()).to.deep.equal(['worker@.container', 'worker@.container.d/10-env.conf', 'worker@a.container', 'worker@a.container.d/10-image.conf']);
    needQuadlet(this);
    expect(targetOf(app)).to.equal('5.8.6');
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(r.services['worker@a.service']).to.match(/^ExecStart=.* --env FOO=bar docker\.io\/library\/redis:7\.4\.5$/m);
    expect(r.services['worker@.service']).to.match(/^ExecStart=.* --env FOO=bar docker\.io\/library\/redis:7\.2\.4$/m);
  });

  it('checks each key against the unit type (QUADLET031), the section (QUADLET002) and the site\'s podman (QUADLET001)', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.4.2' });
    const web = new Container(site, 'web', { image: IMG, networkMode: 'none' });
    new DropIn(site, 'wrong-type', { to: web, volume: { driver: 'local' } });
    const [t] = expectDiagnostic(app, 'QUADLET031', 'error');
    expect(t.message).to.equal('the drop-in for web.container.d sets [Volume] keys (driver), but its units read [Container]');
    const b = Testing.site({ podmanVersion: '5.4.2' });
    const v = new Volume(b.site, 'data');
    new DropIn(b.site, 'bad-reset', { to: v, reset: ['Environment'] });
    expectDiagnostic(b.app, 'QUADLET002', 'error', { message: 'Environment= is not a key of [Volume]' });
    const c = Testing.site({ podmanVersion: '5.4.2' });
    new DropIn(c.site, 'mem', { to: new Container(c.site, 'web', { image: IMG, networkMode: 'none' }), container: { memory: '1g' } });
    expectDiagnostic(c.app, 'QUADLET001', 'error', { message: 'Memory= in [Container] needs podman 5.5.0; this site targets 5.4.2' });
  });

  it('names the release each folder needs (QUADLET001): 5.0 per unit, 5.2 shared', () => {
    const old = Testing.site({ podmanVersion: '4.9.3' });
    new DropIn(old.site, 'x', { to: new Container(old.site, 'web', { image: IMG, networkMode: 'none' }), unit: { Description: 'x' } });
    expectDiagnostic(old.app, 'QUADLET001', 'error', { message: 'drop-ins in web.container.d/ need podman 5.0.0; this site targets 4.9.3' });
    const mid = Testing.site({ podmanVersion: '5.1.1' });
    new DropIn(mid.site, 'x', { to: { allOf: 'container' }, unit: { Description: 'x' } });
    expectDiagnostic(mid.app, 'QUADLET001', 'error', { message: 'drop-ins in container.d/ need podman 5.2.0; this site targets 5.1.1' });
  });

  it('the corpus merged-override case: a reset drop-in drops the unit\'s and earlier drop-ins\' values', function () {
    needQuadlet(this);
    // podman test/e2e/quadlet/merged-override.container and its two drop-ins, as the library writes them.
    const { app, site } = Testing.site();
    const unit = new Container(site, 'merged-override', { image: 'localhost/imagename', allowFloatingTag: 'corpus image', networkMode: 'none', environment: { MAIN: 'mainvalue' } });
    new DropIn(site, 'first', { to: unit, name: '10-first', container: { environment: { FIRST: 'value' } } });
    new DropIn(site, 'second', { to: unit, name: '20-second', reset: ['Environment'], container: { environment: { SECOND: 'othervalue' } } });
    const r = quadletDryRun(quadletFiles(app));
    expect(r.ok, r.stderr).to.equal(true);
    expect(envs(r.services['merged-override.service'])).to.deep.equal(['SECOND=othervalue']);
  });
});
