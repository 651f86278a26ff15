import { expect } from 'chai';
import { Build, Container, home, Kube, Network, Pod, Volume } from '../../lib';
import { expectDiagnostic, findQuadlets, quadletDryRun, quadletFor, Testing } from '../../lib/testing';
import { dryRun, needQuadlet, quadletFiles, values } from './support';

const IMG = 'docker.io/library/redis:7.2.4';


/** A small stack every release from 4.4 on can run: network, volume, container. */
function stack(podmanVersion: string) {
  const { app, site } = Testing.site({ podmanVersion });
  const net = new Network(site, 'lab', { default: true });
  const data = new Volume(site, 'data');
  new Container(site, 'cache', { image: IMG, volumes: [{ volume: data, path: '/data' }], networks: [net] });
  return app;
}

describe('target podman versions', () => {
  for (const v of ['4.4.0', '4.8.1', '5.0.3', '5.4.2', '5.8.6', '6.0.0', '6.0.2']) {
    it(`accepts ${v} and synthesizes a plain stack without a diagnostic`, () => {
      expect(Testing.codes(stack(v))).to.deep.equal([]);
    });
  }

  it('refuses a release older than quadlet (SITE005) and warns about one newer than it knows (SITE006)', () => {
    const [old] = expectDiagnostic(stack('4.3.1'), 'SITE005', 'error');
    expect(old.message).to.contain('podman 4.3.1 has no quadlet generator (it came with podman 4.4.0)');
    const [next] = expectDiagnostic(stack('6.1.0'), 'SITE006', 'warning');
    expect(next.message).to.contain('newer than 6.0');
  });

  it('names the release a newer unit type or key needs, 6.0 included (QUADLET001)', () => {
    const { app, site } = Testing.site({ podmanVersion: '4.4.0' });
    new Pod(site, 'p');
    new Volume(Testing.site({ podmanVersion: '5.8.6' }).site, 'v', { uid: '1000' });
    const [pod] = expectDiagnostic(app, 'QUADLET001', 'error');
    expect(pod.message).to.equal('.pod units need podman 5.0.0; this site targets 4.4.0');
    const v58 = Testing.site({ podmanVersion: '5.8.6' });
    new Volume(v58.site, 'v', { uid: '1000', gid: '1000' });
    const msgs = expectDiagnostic(v58.app, 'QUADLET001', 'error').map((d) => d.message);
    expect(msgs).to.deep.equal([
      'GID= in [Volume] needs podman 6.0; this site targets 5.8.6',
      'UID= in [Volume] needs podman 6.0; this site targets 5.8.6',
    ]);
    const v60 = Testing.site({ podmanVersion: '6.0.0' });
    new Volume(v60.site, 'v', { uid: '1000', gid: '1000' });
    expect(Testing.codes(v60.app)).to.deep.equal([]);
    expect(values(quadletFiles(v60.app)['v.volume'], 'UID')).to.deep.equal(['1000']);
  });
});

describe('values whose meaning depends on the podman release (QUADLET030)', () => {
  it('Notify=healthy needs 5.0: 4.9 would read it as a boolean', () => {
    const { app, site } = Testing.site({ podmanVersion: '4.9.3' });
    new Container(site, 'web', { image: IMG, notify: 'healthy', healthCmd: 'true' });
    const [d] = expectDiagnostic(app, 'QUADLET030', 'error');
    expect(d.message).to.match(/^Notify=healthy needs podman 5\.0; podman 4\.9\.3 reads it as a boolean/);
    const ok = Testing.site({ podmanVersion: '5.0.0' });
    new Container(ok.site, 'web', { image: IMG, notify: 'healthy', healthCmd: 'true' });
    expect(Testing.codes(ok.app)).to.deep.equal([]);
  });

  it('a user or group name needs 4.8: 4.7 reads it as 0 (root); numbers are fine', () => {
    const { app, site } = Testing.site({ podmanVersion: '4.7.2' });
    new Container(site, 'named', { image: IMG, user: 'redis', group: 'redis' });
    new Container(site, 'numeric', { image: IMG, user: '999', group: '999' });
    const diags = expectDiagnostic(app, 'QUADLET030', 'error');
    expect(diags.map((d) => `${d.path} ${d.message}`).sort()).to.deep.equal([
      'test/named Group=redis is a name: names need podman 4.8; podman 4.7.2 reads a name as 0 and runs the container as root',
      'test/named User=redis is a name: names need podman 4.8; podman 4.7.2 reads a name as 0 and runs the container as root',
    ]);
    const ok = Testing.site({ podmanVersion: '4.8.0' });
    new Container(ok.site, 'named', { image: IMG, user: 'redis', group: 'redis' });
    expect(Testing.codes(ok.app)).to.deep.equal([]);
  });

  it('several Build ImageTag= need 5.3 and several Container Ulimit= need 5.0 (typed or raw)', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.2.0' });
    new Build(site, 'b', { imageTag: ['localhost/b:1', 'localhost/b:latest'], file: '/srv/Containerfile' });
    const [tags] = expectDiagnostic(app, 'QUADLET030', 'error');
    expect(tags.message).to.equal('2 ImageTag= lines need podman 5.3.0; podman 5.2.0 reads only the last one (localhost/b:latest)');
    const old = Testing.site({ podmanVersion: '4.9.3' });
    new Container(old.site, 'typed', { image: IMG, ulimit: ['nofile=1024', 'nproc=512'] });
    new Container(old.site, 'raw', { image: IMG }).addEntry('Container', 'Ulimit', 'nofile=1024');
    old.site.node.findChild('raw'); // one raw line alone is fine
    const ulimits = expectDiagnostic(old.app, 'QUADLET030', 'error');
    expect(ulimits.map((d) => d.path)).to.deep.equal(['test/typed']);
    expect(ulimits[0].message).to.contain('2 Ulimit= lines need podman 5.0.0; podman 4.9.3 reads only the last one');
    const ok = Testing.site({ podmanVersion: '5.3.0' });
    new Build(ok.site, 'b', { imageTag: ['localhost/b:1', 'localhost/b:latest'], file: '/srv/Containerfile' });
    new Container(ok.site, 'typed', { image: IMG, ulimit: ['nofile=1024', 'nproc=512'] });
    expect(Testing.codes(ok.app)).to.deep.equal([]);
  });

  it('Kube Yaml= with a space is quoted for 5.7+ (split on white space there) and plain before', () => {
    const path = '/srv/my apps/wiki.yaml';
    const newer = Testing.site({ podmanVersion: '5.8.6' });
    new Kube(newer.site, 'wiki', { yaml: path });
    expect(values(quadletFiles(newer.app)['wiki.kube'], 'Yaml')).to.deep.equal([`"${path}"`]);
    const older = Testing.site({ podmanVersion: '5.4.2' });
    new Kube(older.site, 'wiki', { yaml: path });
    expect(values(quadletFiles(older.app)['wiki.kube'], 'Yaml')).to.deep.equal([path]);
    // A quote cannot be carried through the 5.7 splitter: the message says why.
    const bad = Testing.site({ podmanVersion: '5.8.6' });
    new Kube(bad.site, 'wiki', { yaml: '/srv/it\'s.yaml' });
    const [d] = expectDiagnostic(bad.app, 'QUADLET003', 'error');
    expect(d.message).to.contain('podman 5.7 and later split Yaml= on white space');
  });

  it('a pod restart policy: warned up to 5.8 (naming 6.0), written from 6.0', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    new Pod(site, 'p', { service: { restart: 'always' } });
    const [d] = expectDiagnostic(app, 'QUADLET029', 'warning');
    expect(d.message).to.equal('restart: \'always\' on pod p is replaced by Restart=on-failure by podman 5.8.6\'s quadlet (podman 6.0 keeps it)');
    expect(quadletFiles(app)['p.pod']).to.not.match(/^Restart=/m);
    const next = Testing.site({ podmanVersion: '6.0.0' });
    new Pod(next.site, 'p', { service: { restart: 'always' } });
    expect(Testing.codes(next.app)).to.deep.equal([]);
    expect(values(quadletFiles(next.app)['p.pod'], 'Restart')).to.deep.equal(['always']);
  });

  it('a %h File= of a build: relative before 5.7 (QUADLET005 names 5.7), absolute from 5.7', () => {
    const old = Testing.site({ podmanVersion: '5.4.2' });
    new Build(old.site, 'b', { imageTag: 'localhost/b:1', file: home('src/Containerfile') });
    const [d] = expectDiagnostic(old.app, 'QUADLET005', 'error');
    expect(d.message).to.contain('counts as absolute from podman 5.7.0; this site targets 5.4.2');
    const next = Testing.site({ podmanVersion: '5.8.6' });
    new Build(next.site, 'b', { imageTag: 'localhost/b:1', file: home('src/Containerfile') });
    expect(Testing.codes(next.app)).to.deep.equal([]);
    expect(values(quadletFiles(next.app)['b.build'], 'File')).to.deep.equal(['%h/src/Containerfile']);
  });

  it('volume Options= without Device=: refused up to 5.8 (QUADLET006 names 6.0), written from 6.0', () => {
    const old = Testing.site({ podmanVersion: '5.8.6' });
    new Volume(old.site, 'v', { options: 'rw,compress=zstd' });
    const [d] = expectDiagnostic(old.app, 'QUADLET006', 'error');
    expect(d.message).to.equal('Options= needs Device= (Options= alone works from podman 6.0; this site targets 5.8.6)');
    const next = Testing.site({ podmanVersion: '6.0.0' });
    new Volume(next.site, 'v', { options: 'rw,compress=zstd' });
    expect(Testing.codes(next.app)).to.deep.equal([]);
    expect(values(quadletFiles(next.app)['v.volume'], 'Options')).to.deep.equal(['rw,compress=zstd']);
    // Type= still needs a device.
    const typed = Testing.site({ podmanVersion: '6.0.0' });
    new Volume(typed.site, 'v', { type: 'btrfs' });
    expect(expectDiagnostic(typed.app, 'QUADLET006', 'error')[0].message).to.match(/^Type= needs Device=/);
  });
});

describe('the generator of the targeted release', () => {
  it('has 5.4 and 5.8 generators installed side by side, and picks by target', function () {
    needQuadlet(this);
    const versions = findQuadlets().map((g) => g.version.split('.').slice(0, 2).join('.'));
    expect(versions).to.include.members(['5.4', '5.8']);
    expect(quadletFor('5.4.2')?.version).to.match(/^5\.4\./);
    expect(quadletFor('5.8.6')?.version).to.match(/^5\.8\./);
    // No 5.6 generator here: the oldest newer one knows every 5.6 key.
    expect(quadletFor('5.6.0')?.version).to.match(/^5\.8\./);
    expect(quadletFor('4.4.0')?.version).to.match(/^5\.4\./);
  });

  it('the 5.8 generator reads a quoted Yaml= path with a space as one file', function () {
    needQuadlet(this);
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    new Kube(site, 'wiki', { yaml: '/srv/my apps/wiki.yaml' });
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(r.services['wiki.service']).to.match(/^ExecStart=.* --service-container=true "\/srv\/my\\x20apps\/wiki\.yaml"$/m);
    // Unquoted, the same generator plays two files: what the quoting prevents.
    const plain = quadletDryRun({ 'wiki.kube': '[Kube]\nYaml=/srv/my apps/wiki.yaml\n' }, { podmanVersion: '5.8.6' });
    expect(plain.services['wiki.service']).to.match(/^ExecStart=.* --service-container=true \/srv\/my \S+\/apps\/wiki\.yaml$/m);
  });

  for (const v of ['5.4.2', '5.8.6']) {
    it(`the stack of a ${v} site passes the ${v.slice(0, 3)} generator`, function () {
      needQuadlet(this);
      const r = dryRun(stack(v));
      expect(r.ok, r.stderr).to.equal(true);
      expect(Object.keys(r.services).sort()).to.deep.equal(['cache.service', 'data-volume.service', 'lab-network.service']);
    });
  }
});
