/**
 * Checks across sites are linear in the number of sites: synth of 2,000 sites (one host each)
 * finds every cross-site problem, and walks the tree a bounded number of times per construct.
 * No timing: the work is counted (children the construct tree hands out), and bench/ measures time.
 */
import { expect } from 'chai';
import { Node } from 'constructs';
import { App, Container, Network, Site, Volume } from '../../lib';
import { Testing } from '../../lib/testing';

/** How many construct children the tree hands out while `fn` runs: the cost of every walk. */
function childrenVisited<T>(fn: () => T): { result: T; visited: number } {
  const desc = Object.getOwnPropertyDescriptor(Node.prototype, 'children')!;
  let visited = 0;
  Object.defineProperty(Node.prototype, 'children', {
    ...desc,
    get(this: Node) {
      const list = desc.get!.call(this);
      visited += list.length;
      return list;
    },
  });
  try {
    return { result: fn(), visited };
  } finally {
    Object.defineProperty(Node.prototype, 'children', desc);
  }
}

describe('many sites', function () {
  this.timeout(120_000);

  it('2,000 sites: every container naming another site\'s container is XHOST004, and synth walks each construct a bounded number of times', () => {
    const n = 2000;
    const app = new App({ outdir: '/nonexistent/quadlet-cdk-many-sites' });
    for (let i = 0; i < n; i++) {
      const s = new Site(app, `host${i}`);
      new Network(s, `host${i}`, { default: true });
      new Container(s, `app${i}`, { image: 'docker.io/library/alpine:3.20', environment: { PEER_URL: `http://app${(i + 1) % n}:8080` } });
    }
    const constructs = app.node.findAll().length;
    const { result: diagnostics, visited } = childrenVisited(() => Testing.diagnostics(app));
    const xhost = diagnostics.filter((d) => d.code === 'XHOST004');
    expect(xhost).to.have.length(n);
    expect(xhost.every((d) => d.severity === 'error')).to.equal(true);
    expect(xhost.find((d) => d.path === 'host7/app7')?.message).to.equal('app7: PEER_URL=http://app8:8080 names "app8", a container of site host8; on site host7 that name does not resolve');
    expect(diagnostics.filter((d) => d.code === 'ENV003'), 'claimed by XHOST004, not reported twice').to.deep.equal([]);
    // Quadratic checks handed out millions of children here (every file counted all sites; every site scanned all others).
    expect(visited / constructs, `${visited} children for ${constructs} constructs`).to.be.below(50);
  });

  it('one site with 1,000 containers in dependency chains, volumes and networks: synth walks each construct a bounded number of times', () => {
    const app = new App({ outdir: '/nonexistent/quadlet-cdk-big-site' });
    const s = new Site(app, 'big');
    const nets = Array.from({ length: 40 }, (_, i) => new Network(s, `net${i}`, { default: i === 0 }));
    let prev: Container | undefined;
    for (let i = 0; i < 1000; i++) {
      const v = new Volume(s, `data${i}`);
      const c: Container = new Container(s, `app${i}`, {
        image: 'docker.io/library/alpine:3.20', networks: [nets[i % 40]], volumes: [{ volume: v, path: '/data' }],
        dependsOn: prev && i % 10 !== 0 ? [prev] : undefined,
      });
      prev = c;
    }
    const constructs = app.node.findAll().length;
    const { result: diagnostics, visited } = childrenVisited(() => Testing.diagnostics(app));
    expect(diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
    // The generator-rule check (QUADLET035) once listed every unit of the site for every unit it rendered.
    expect(visited / constructs, `${visited} children for ${constructs} constructs`).to.be.below(50);
    // And the whole-tree walks stay few (about 5): a tree without aspects is not walked for them,
    // and synth finds the resources and the sites of the settled tree in one walk (it took about 9).
    expect(visited / constructs, `${visited} children for ${constructs} constructs: a walk of the whole tree came back`).to.be.below(7);
  });

  it('each site writes into its own folder once there are two sites, whenever the second is added', () => {
    const app = new App({ outdir: '/nonexistent/quadlet-cdk-two-sites' });
    const one = new Site(app, 'one');
    new Container(one, 'web', { image: 'docker.io/library/alpine:3.20' });
    expect(Object.keys(Testing.synth(app))).to.include('.config/containers/systemd/web.container');
    const two = new Site(app, 'two');
    new Container(two, 'app-db', { image: 'docker.io/library/alpine:3.20' });
    const files = Object.keys(Testing.synth(app));
    expect(files).to.include('one/.config/containers/systemd/web.container');
    expect(files).to.include('two/.config/containers/systemd/app-db.container');
  });
});
