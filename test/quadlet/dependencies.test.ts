import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Container, ContainerJob, Network, PostgresDatabase, QuadletUnit, Service, Site, Timer, Volume } from '../../lib';
import { expectDiagnostic, quadletGenerate, Testing } from '../../lib/testing';
import { importQuadlets } from '../../lib/import';
import { dryRun, needQuadlet, quadletFiles, values } from './support';

const IMG = 'docker.io/library/alpine:3.20';
const GOLDEN = path.join(__dirname, '__golden__', 'dependencies');

/** One consumer per strength and readiness, against a database with a health check. */
function strengths(podmanVersion?: string) {
  const { app, site } = Testing.site(podmanVersion ? { podmanVersion } : {});
  const db = new Container(site, 'pg', { image: IMG, healthCmd: 'pg_isready -h 127.0.0.1' });
  const cache = new Container(site, 'cache', { image: IMG });
  const backend = new Container(site, 'backend', { image: IMG });
  const sidecar = new Container(site, 'sidecar', { image: IMG });
  const app1 = new Container(site, 'app', {
    image: IMG,
    dependsOn: [
      { unit: db, ready: 'healthy' },
      { unit: cache, strength: 'requires' },
      { unit: backend, strength: 'wants' },
      { unit: sidecar, strength: 'bindsTo' },
    ],
  });
  const late = new Container(site, 'late', { image: IMG });
  late.dependsOn(app1, { strength: 'orderOnly' });
  const job = new Service(site, 'report', { exec: ['/usr/bin/true'], type: 'oneshot', dependsOn: [{ unit: backend, strength: 'wants' }, db] });
  const timer = new Timer(site, 'nightly', { onCalendar: '*-*-* 04:00:00 UTC', job: new ContainerJob({ image: IMG }), dependsOn: [app1] });
  return { app, site, db, cache, backend, sidecar, app1, late, job, timer };
}

describe('dependencies: strength and readiness', () => {
  it('write Requires=, Wants=, BindsTo= and After= as the golden files say', () => {
    const { app } = strengths();
    expect(Testing.golden(Testing.synth(app), GOLDEN)).to.deep.equal([]);
  });

  it('map each strength to its keys, and readiness healthy to Notify=healthy on the dependency', () => {
    const { app } = strengths();
    const files = Testing.synth(app);
    const unit = (f: string) => files[`.config/containers/systemd/${f}`] ?? files[`.config/systemd/user/${f}`];
    expect(values(unit('app.container'), 'Requires')).to.deep.equal(['cache.service pg.service']);
    expect(values(unit('app.container'), 'BindsTo')).to.deep.equal(['sidecar.service']);
    expect(values(unit('app.container'), 'Wants')).to.deep.equal(['backend.service']);
    expect(values(unit('app.container'), 'After')).to.deep.equal(['cache.service pg.service sidecar.service backend.service']);
    // Order only: After= alone, nothing that would start or restart app.
    expect(values(unit('late.container'), 'Requires')).to.deep.equal([]);
    expect(values(unit('late.container'), 'Wants')).to.deep.equal([]);
    expect(values(unit('late.container'), 'After')).to.deep.equal(['app.service']);
    expect(values(unit('pg.container'), 'Notify')).to.deep.equal(['healthy']);
    expect(values(unit('cache.container'), 'Notify')).to.deep.equal([]);
    // Plain services take the same options.
    expect(values(unit('report.service'), 'Requires')).to.deep.equal(['pg.service']);
    expect(values(unit('report.service'), 'Wants')).to.deep.equal(['backend.service']);
    // A timer's job only orders itself after the app by default: firing never starts it.
    expect(values(unit('nightly.service'), 'After')).to.deep.equal(['app.service']);
    expect(values(unit('nightly.service'), 'Requires')).to.deep.equal([]);
  });

  it('keeps the stronger strength and the stricter readiness when a unit is added twice', () => {
    const { app, site } = Testing.site();
    const db = new Container(site, 'pg', { image: IMG, healthCmd: 'true' });
    const web = new Container(site, 'web', { image: IMG, dependsOn: [{ unit: db, strength: 'wants', ready: 'healthy' }] });
    web.dependsOn(db, { strength: 'requires' });
    web.dependsOn(db, { strength: 'orderOnly' });
    expect(web.dependencies.map((d) => [d.unit, d.strength, d.ready])).to.deep.equal([[db, 'requires', 'healthy']]);
    expect(Testing.codes(app)).to.deep.equal([]);
  });

  it('the generated units pass the real quadlet generator, BindsTo= and Notify=healthy included', function () {
    needQuadlet(this);
    const { app } = strengths();
    const res = dryRun(app);
    expect(res.ok, res.stderr).to.equal(true);
    expect(res.services['app.service']).to.match(/^BindsTo=sidecar\.service$/m);
    expect(res.services['pg.service']).to.match(/--sdnotify=healthy/);
  });

  it('DEP003 (error): waiting for the health of a container without a health check, or of a unit outside the tree', () => {
    const { app, site } = Testing.site();
    const db = new Container(site, 'pg', { image: IMG });
    new Container(site, 'web', { image: IMG, dependsOn: [{ unit: db, ready: 'healthy' }] });
    new Container(site, 'other', { image: IMG, dependsOn: [{ unit: Container.fromName('legacy'), ready: 'healthy' }] });
    const diags = expectDiagnostic(app, 'DEP003', 'error');
    expect(diags.map((d) => d.path)).to.deep.equal(['test/other', 'test/web']);
    expect(diags[1].message).to.equal('web waits for pg.service to be healthy, but pg.service has no health check');
  });

  it('DEP003 fails synth and writes nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-dep003-'));
    const app = new App({ outdir });
    const site = new Site(app, 'test', { outputDir: '' });
    const db = new Container(site, 'pg', { image: IMG });
    new Container(site, 'web', { image: IMG, dependsOn: [{ unit: db, ready: 'healthy' }] });
    expect(() => app.synth()).to.throw(/DEP003/);
    expect(fs.readdirSync(outdir)).to.deep.equal([]);
  });

  it('DEP002 (warning): readiness healthy on podman 4.9 falls back to started, naming the version', () => {
    const { app, site } = Testing.site({ podmanVersion: '4.9.3' });
    new Network(site, 'net', { default: true });
    const db = new PostgresDatabase(site, 'wiki-db');
    const wiki = new Container(site, 'wiki', { image: IMG });
    db.connect(wiki, { envFile: db.envFile });
    const dep = expectDiagnostic(app, 'DEP002', 'warning');
    const out = app.synthFiles({ allowErrors: true });
    expect(dep[0].message).to.match(/needs podman 5\.0\.0, this site targets 4\.9\.3/);
    const unit = Testing.filesOf(out)['.config/containers/systemd/wiki-db.container'];
    expect(values(unit, 'Notify')).to.deep.equal([]);
    expect(values(unit, 'HealthCmd')).to.have.length(1);
  });

  it('Resource has no public synth-order method: dependsOn is the one way, and it writes the unit', () => {
    const { app, site } = Testing.site();
    const vol = new Volume(site, 'data');
    const a = new Container(site, 'api', { image: IMG });
    const b = new Container(site, 'web', { image: IMG });
    expect((b as any).addDependency).to.equal(undefined);
    expect((b as any).addRequirement).to.equal(undefined);
    b.dependsOn(a);
    vol.dependsOn(a);
    const files = Testing.synth(app);
    expect(values(files['.config/containers/systemd/web.container'], 'Requires')).to.deep.equal(['api.service']);
    expect(values(files['.config/containers/systemd/web.container'], 'After')).to.deep.equal(['api.service']);
    expect(values(files['.config/containers/systemd/data.volume'], 'Requires')).to.deep.equal(['api.service']);
  });

  it('long-running containers get TimeoutStartSec=900 for a first pull; oneshot ones and explicit values keep theirs', () => {
    const { app, site } = Testing.site();
    new Container(site, 'web', { image: IMG });
    new Container(site, 'once', { image: IMG, service: { type: 'oneshot' } });
    new Container(site, 'quick', { image: IMG, service: { timeoutStartSec: 60 } });
    const files = Testing.synth(app);
    const unit = (n: string) => files[`.config/containers/systemd/${n}.container`];
    expect(values(unit('web'), 'TimeoutStartSec')).to.deep.equal(['900']);
    expect(values(unit('once'), 'TimeoutStartSec')).to.deep.equal([]);
    expect(values(unit('quick'), 'TimeoutStartSec')).to.deep.equal(['60']);
  });
});

describe('dependencies on quadlet units outside the site (QuadletUnit.fromFileName)', () => {
  const site58 = () => Testing.site({ podmanVersion: '5.8.6' });
  const unitOf = (files: Record<string, string>, f: string) => files[`.config/containers/systemd/${f}`] ?? files[`.config/systemd/user/${f}`];

  it('knows the service each kind of file makes, ServiceName= given or not', () => {
    expect(QuadletUnit.fromFileName('db.container')).to.deep.equal({ quadletFileName: 'db.container', serviceName: 'db.service' });
    expect(['a.kube', 'a.pod', 'a.network', 'a.volume', 'a.image', 'a.build', 'a.artifact', 'w@x.container'].map((f) => QuadletUnit.fromFileName(f).serviceName))
      .to.deep.equal(['a.service', 'a-pod.service', 'a-network.service', 'a-volume.service', 'a-image.service', 'a-build.service', 'a-artifact.service', 'w@x.service']);
    expect(QuadletUnit.fromFileName('db.container', 'postgres.service').serviceName).to.equal('postgres.service');
  });

  it('quadlet units name it by file from podman 5.5 (the generator translates it), by service before; plain units by service', () => {
    for (const [podmanVersion, written] of [['5.8.6', 'legacy.container edge.kube'], ['5.4.2', 'legacy.service edge.service']]) {
      const { app, site } = Testing.site({ podmanVersion });
      const legacy = QuadletUnit.fromFileName('legacy.container');
      new Container(site, 'web', { image: IMG, dependsOn: [legacy, { unit: QuadletUnit.fromFileName('edge.kube'), strength: 'wants' }] });
      new Service(site, 'report', { exec: ['/usr/bin/true'], type: 'oneshot', dependsOn: [legacy] });
      const files = Testing.synth(app);
      expect(values(unitOf(files, 'web.container'), 'After'), podmanVersion).to.deep.equal([written]);
      expect(values(unitOf(files, 'report.service'), 'Requires')).to.deep.equal(['legacy.service']);
    }
  });

  it('keeps two outside files that make one service apart (podman\'s basic.container and basic.kube), in file order', () => {
    const { app, site } = site58();
    new Container(site, 'web', { image: IMG, dependsOn: ['basic.volume', 'basic.kube', 'basic.container'].map((f) => QuadletUnit.fromFileName(f)) });
    expect(values(unitOf(Testing.synth(app), 'web.container'), 'Requires')).to.deep.equal(['basic.container basic.kube basic.volume']);
    expect(Testing.codes(app)).to.deep.equal([]);
  });

  it('is no unknown quadlet unit (QUADLET035), unlike the same name written with addEntry', () => {
    const { app, site } = site58();
    new Container(site, 'web', { image: IMG, dependsOn: [QuadletUnit.fromFileName('legacy.container')] });
    expect(Testing.codes(app)).to.deep.equal([]);
    new Container(site, 'raw', { image: IMG }).addEntry('Unit', 'Requires', 'other.container');
    expectDiagnostic(app, 'QUADLET035', 'error', { path: 'test/raw' });
  });

  it('NAME001 (error): a file name that is not a quadlet unit, or a service name that is no unit name', () => {
    const { app, site } = site58();
    new Container(site, 'web', { image: IMG, dependsOn: [QuadletUnit.fromFileName('legacy.txt')] });
    new Container(site, 'api', { image: IMG, dependsOn: [QuadletUnit.fromFileName('db.container', 'db service')] });
    const d = expectDiagnostic(app, 'NAME001', 'error');
    expect(d.map((x) => x.path).sort()).to.deep.equal(['test/api', 'test/web']);
    expect(d.find((x) => x.path === 'test/web')!.message).to.equal('dependency "legacy.txt" is not a quadlet unit file name (name.container, name.kube, name.network, ...)');
  });

  it('the generator translates the names into the services of the files beside the site', function () {
    needQuadlet(this);
    const { app, site } = site58();
    new Container(site, 'web', { image: IMG, dependsOn: [QuadletUnit.fromFileName('legacy.container'), QuadletUnit.fromFileName('edge.network')] });
    const files = { ...quadletFiles(app), 'legacy.container': '[Container]\nImage=docker.io/library/alpine:3.20\n', 'edge.network': '[Network]\n' };
    const r = quadletGenerate(files, { podmanVersion: '5.8.6' });
    try {
      expect(r.services['web.service'], r.stderr).to.match(/^Requires=edge-network\.service legacy\.service$/m);
    } finally {
      r.cleanup();
    }
  });

  it('the importer writes them for the files named in outsideUnits, and only for those', () => {
    const text = '[Unit]\nRequires=db.container other.container\nAfter=db.container other.container\n[Container]\nImage=docker.io/library/alpine:3.20\n';
    const r = importQuadlets([{ path: 'web.container', text }], { siteName: 'imp', podmanVersion: '5.8.6', outsideUnits: ['db.container'] });
    expect(r.source).to.contain("dependsOn: [QuadletUnit.fromFileName('db.container')]");
    expect(r.source).to.match(/import \{[^}]*\bQuadletUnit\b[^}]*\} from 'quadlet-cdk'/);
    expect(r.source).to.contain("web.addEntry('Unit', 'Requires', 'other.container')");
    // other.container is in no folder: the 5.8 generator would refuse the unit, and the review says so.
    expect(r.report.findings.map((f) => f.message).join('\n')).to.contain('QUADLET035');
    const without = importQuadlets([{ path: 'web.container', text }], { siteName: 'imp', podmanVersion: '5.8.6' });
    expect(without.source).to.not.contain('fromFileName');
  });
});
