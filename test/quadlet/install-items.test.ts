import * as fs from 'fs';
import { expect } from 'chai';
import { Container, DropIn } from '../../lib';
import { expectDiagnostic, quadletGenerate, Testing } from '../../lib/testing';
import { needQuadlet, quadletFiles, values } from './support';

const IMG = 'docker.io/library/redis:7.2.4';

describe('install targets and sections', () => {
  it('writes UpheldBy= (5.5+), which the 5.8 generator turns into an .upholds link', function () {
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    new Container(site, 'web', { image: IMG, networkMode: 'none', install: { wantedBy: ['default.target'], upheldBy: ['app.target'] } });
    expect(Testing.codes(app)).to.deep.equal([]);
    expect(values(quadletFiles(app)['web.container'], 'UpheldBy')).to.deep.equal(['app.target']);
    needQuadlet(this);
    const gen = quadletGenerate(quadletFiles(app), { podmanVersion: '5.8.6' });
    try {
      expect(gen.ok, gen.stderr).to.equal(true);
      expect(fs.readlinkSync(`${gen.outDir}/app.target.upholds/web.service`)).to.equal('../web.service');
    } finally {
      gen.cleanup();
    }
  });

  it('names 5.5 for UpheldBy= on an older target (QUADLET001)', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.4.2' });
    new Container(site, 'web', { image: IMG, networkMode: 'none', install: { upheldBy: ['app.target'] } });
    expectDiagnostic(app, 'QUADLET001', 'error', { message: '[Install] UpheldBy= needs podman 5.5.0; this site targets 5.4.2' });
  });

  it('writes an admin-managed user\'s units to etc/containers/systemd/users/<uid> (4.6+)', () => {
    const { app, site } = Testing.site({ usersDir: 1000 });
    new Container(site, 'web', { image: IMG, networkMode: 'none' });
    const paths = Object.keys(Testing.synth(app));
    expect(paths).to.include('etc/containers/systemd/users/1000/web.container');
    expect(site.runtimePathOf('quadlet', 'web.container')).to.equal('/etc/containers/systemd/users/1000/web.container');
    const all = Testing.site({ usersDir: 'all' });
    new Container(all.site, 'web', { image: IMG, networkMode: 'none' });
    expect(Object.keys(Testing.synth(all.app))).to.include('etc/containers/systemd/users/web.container');
  });

  it('refuses usersDir on a rootful site or with a bad uid (SITE007), and before 4.6 (QUADLET001)', () => {
    const rootful = Testing.site({ rootless: false, usersDir: 1000 });
    expectDiagnostic(rootful.app, 'SITE007', 'error', { message: 'usersDir is for rootless sites in the home layout (this one is rootful)' });
    const bad = Testing.site({ usersDir: -1 });
    expectDiagnostic(bad.app, 'SITE007', 'error', { message: 'usersDir -1 is not a uid' });
    const old = Testing.site({ podmanVersion: '4.5.2', usersDir: 1000 });
    new Container(old.site, 'web', { image: IMG, networkMode: 'none' });
    expectDiagnostic(old.app, 'QUADLET001', 'error', { message: 'units in /etc/containers/systemd/users need podman 4.6.0; this site targets 4.5.2' });
  });

  it('warns about [Service] User=/Group= in a unit or a drop-in (QUADLET033), naming podman 5.6', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    const web = new Container(site, 'web', { image: IMG, networkMode: 'none' });
    web.addEntry('Service', 'User', 'www-data');
    new DropIn(site, 'grp', { to: web, service: { Group: 'www-data' } });
    const msgs = expectDiagnostic(app, 'QUADLET033', 'warning').map((d) => d.message).sort();
    expect(msgs).to.deep.equal([
      '[Service] Group= makes systemd start podman as another user: podman 5.8.6 warns that it is not supported',
      '[Service] User= makes systemd start podman as another user: podman 5.8.6 warns that it is not supported',
    ]);
    const old = Testing.site({ podmanVersion: '5.4.2' });
    new Container(old.site, 'web', { image: IMG, networkMode: 'none' }).addEntry('Service', 'User', 'www-data');
    expectDiagnostic(old.app, 'QUADLET033', 'warning', { message: 'podman 5.4.2 takes it without a word (from 5.6.0 it warns that it is not supported)' });
  });

  it('the 5.8 generator itself warns about [Service] User=, as QUADLET033 says', function () {
    needQuadlet(this);
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    new Container(site, 'web', { image: IMG, networkMode: 'none' }).addEntry('Service', 'User', 'www-data');
    const gen = quadletGenerate(quadletFiles(app), { podmanVersion: '5.8.6' });
    gen.cleanup();
    expect(gen.stderr).to.contain('using key User in the Service group is not supported');
  });
});
