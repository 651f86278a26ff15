import { expect } from 'chai';
import { Container, Kube, Network, Pod, Site, Volume } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { dryRun, needQuadlet } from './support';

const IMG = 'docker.io/library/redis:7.2.4';

interface Case {
  readonly what: string;
  readonly podman?: string;
  readonly message: string;
  readonly build: (site: Site) => void;
}

/** Each of podman's refusals (QUADLET035), as a site would run into it. */
const CASES: Case[] = [
  {
    what: 'RemapUsers= with UIDMap=', message: 'RemapUsers= (deprecated) is set along with UserNS=',
    build: (s) => new Container(s, 'web', { image: IMG, remapUsers: 'auto', uidMap: ['0:10000:10'] }),
  },
  {
    what: 'ReloadCmd= with ReloadSignal=', podman: '5.8.6', message: 'ReloadCmd= and ReloadSignal= exclude each other',
    build: (s) => new Container(s, 'web', { image: IMG, reloadCmd: ['/usr/bin/reload'], reloadSignal: 'SIGHUP' }),
  },
  {
    what: 'Group= without User=', message: 'Group= is set without User=',
    build: (s) => new Container(s, 'web', { image: IMG, group: '1000' }),
  },
  {
    what: 'Pod= naming a pod that is no .pod unit', message: 'Pod=test-pod is no quadlet .pod unit',
    build: (s) => new Container(s, 'web', { image: IMG }).addEntry('Container', 'Pod', 'test-pod'),
  },
  {
    what: 'Pod= naming a .pod unit the site does not have', message: 'Pod=missing.pod names a .pod unit the site does not have',
    build: (s) => new Container(s, 'web', { image: IMG }).addEntry('Container', 'Pod', 'missing.pod'),
  },
  {
    what: 'a type=image mount without source', message: 'a type=image mount needs source=',
    build: (s) => new Container(s, 'web', { image: IMG, mount: ['type=image,destination=/img,ro'] }),
  },
  {
    what: 'a volume from an image unit the site does not have', message: 'Image=none.image names an image unit the site does not have',
    build: (s) => new Volume(s, 'v', { driver: 'image' }).addEntry('Volume', 'Image', 'none.image'),
  },
  {
    what: 'RemapUsers=manual in a .kube', message: 'RemapUsers=manual is not supported for .kube units',
    build: (s) => new Kube(s, 'k', { yaml: '/srv/k.yaml', remapUsers: 'manual' }),
  },
  {
    what: 'SetWorkingDirectory=yaml with two Yaml=', podman: '5.8.6', message: 'SetWorkingDirectory=yaml needs a single Yaml=',
    build: (s) => new Kube(s, 'k', { yaml: ['/srv/a.yaml', '/srv/b.yaml'], setWorkingDirectory: 'yaml' }),
  },
  {
    what: 'more IPRange= than Subnet=', message: '2 IPRange= but 1 Subnet=',
    build: (s) => new Network(s, 'n', { subnet: '10.90.0.0/24', ipRange: ['10.90.0.0/28', '10.90.0.64/28'] }),
  },
  {
    what: 'Requires= naming a quadlet file the site does not have (5.5 and later)', podman: '5.8.6', message: 'Requires=basic.container names a quadlet unit the site does not have',
    build: (s) => new Container(s, 'web', { image: IMG }).addEntry('Unit', 'Requires', 'basic.container'),
  },
];

describe('what the generator refuses across keys (QUADLET035)', () => {
  for (const c of CASES) {
    it(`${c.what}: an error, and the generator refuses it too`, function () {
      const { app, site } = Testing.site({ podmanVersion: c.podman ?? '5.4.2' });
      c.build(site);
      const [d] = expectDiagnostic(app, 'QUADLET035', 'error');
      expect(d.message).to.contain(c.message);
      needQuadlet(this);
      expect(dryRun(app).ok, `the generator of ${c.podman ?? '5.4.2'} takes it`).to.equal(false);
    });
  }

  it('takes what the generator takes: a pod and an image unit of the site, a dependency on a unit it has, and before 5.5 any name', () => {
    const { app, site } = Testing.site({ podmanVersion: '5.8.6' });
    const pod = new Pod(site, 'p');
    const web = new Container(site, 'web', { image: IMG, pod, user: '1000', group: '1000' });
    web.addEntry('Unit', 'Requires', 'p.pod');
    new Container(site, 'img', { image: IMG, mount: ['type=image,source=docker.io/library/alpine:3.20,destination=/img'] });
    expect(Testing.codes(app)).to.deep.equal([]);
    const old = Testing.site({ podmanVersion: '5.4.2' });
    new Container(old.site, 'web', { image: IMG }).addEntry('Unit', 'Requires', 'basic.container');
    expect(Testing.codes(old.app)).to.deep.equal([]);
  });
});
