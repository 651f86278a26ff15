import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { App, Aspects, Container, Diagnostics, EnvFile, Network, Resource, Site, ValidationError, Volume } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';

/** A tree with several independent mistakes. */
function brokenSite(app: App): Site {
  const site = new Site(app, 'broken');
  new Network(site, 'net', { default: true });
  new Container(site, 'a', { image: 'nginx' }); // IMAGE001 + IMAGE002
  new Container(site, 'b', { image: 'docker.io/library/nginx:1.27', publish: [{ container: 80, host: 8080, bind: '0.0.0.0' }] }); // PORT002
  new Container(site, 'c', { image: 'docker.io/library/nginx:1.27', environment: { DB_PASSWORD: 'hunter22' } }); // SECRET001
  new Container(site, 'd', { image: 'docker.io/library/nginx:1.27', memory: '1g' }); // QUADLET001 (5.5.0)
  return site;
}

describe('synth', () => {
  it('reports every problem at once, each with its construct path, code and hint', () => {
    const app = new App({ outdir: '/nonexistent' });
    brokenSite(app);
    let error: ValidationError | undefined;
    try {
      app.synthFiles();
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).to.be.instanceOf(ValidationError);
    const codes = error!.diagnostics.map((d) => `${d.code} ${d.path}`);
    expect(codes).to.include.members([
      'IMAGE001 broken/a', 'IMAGE002 broken/a', 'PORT002 broken/b', 'SECRET001 broken/c', 'QUADLET001 broken/d',
    ]);
    for (const d of error!.diagnostics) expect(d.hint, d.code).to.be.a('string').and.not.equal('');
    expect(error!.message).to.contain('QUADLET001 [broken/d] Memory= in [Container] needs podman 5.5.0; this site targets 5.4.2');
    expect(error!.message).to.contain('fix: ');
  });

  it('a failed synth writes nothing and leaves the previous output as it was', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-'));
    try {
      const good = new App({ outdir });
      const site = new Site(good, 'ok');
      new Container(site, 'web', { image: 'docker.io/library/nginx:1.27', networkMode: 'none' });
      good.synth();
      const before = fs.readFileSync(path.join(outdir, '.config/containers/systemd/web.container'), 'utf8');
      const bad = new App({ outdir });
      brokenSite(bad);
      expect(() => bad.synth()).to.throw(ValidationError);
      expect(fs.readFileSync(path.join(outdir, '.config/containers/systemd/web.container'), 'utf8')).to.equal(before);
      expect(fs.existsSync(path.join(outdir, 'broken'))).to.equal(false);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('is byte-deterministic: two synths of the same tree give identical files', () => {
    const build = () => {
      const app = new App({ outdir: '/nonexistent' });
      const site = new Site(app, 's');
      new Network(site, 'n', { default: true, subnet: '10.1.0.0/24' });
      new Container(site, 'x', { image: 'docker.io/library/redis:7.2', environment: { Z: '1', A: 'a b', M: '%$' } });
      new Container(site, 'y', { image: 'docker.io/library/redis:7.2' });
      return Testing.synth(app);
    };
    expect(build()).to.deep.equal(build());
  });

  it('reports a dependency cycle with its full path', () => {
    const { app, site } = Testing.site();
    const a = new Container(site, 'a', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    const b = new Container(site, 'b', { image: 'docker.io/library/redis:7.2', networkMode: 'none', dependsOn: [a] });
    a.dependsOn(b);
    const cycle = Testing.diagnostics(app).find((d) => d.code === 'CORE001');
    expect(cycle?.message).to.equal('dependency cycle: test/a -> test/b -> test/a');
  });

  it('reports a dependency on a unit of another site, and on a unit outside the app', () => {
    const app = new App({ outdir: '/nonexistent' });
    const one = new Site(app, 'one');
    const two = new Site(app, 'two');
    const db = new Container(one, 'db', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    new Container(two, 'web', { image: 'docker.io/library/redis:7.2', networkMode: 'none', dependsOn: [db] });
    expectDiagnostic(app, 'CORE002', 'error');
    const other = Testing.site();
    const outside = new Container(other.site, 'ext', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    const mine = Testing.site();
    new Container(mine.site, 'web', { image: 'docker.io/library/redis:7.2', networkMode: 'none', dependsOn: [outside] });
    expectDiagnostic(mine.app, 'DEP001', 'error');
  });

  it('runs mutating aspects before read-only ones, each once per construct', () => {
    const { app, site } = Testing.site();
    new Container(site, 'web', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    const events: string[] = [];
    Aspects.of(app).add({ visit: (n: IConstruct, report) => {
      if (n instanceof Container) {
        events.push(`check ${n.environment.TEAM}`);
        if (!n.environment.TEAM) report('SITE002', 'no team');
      }
    } });
    Aspects.of(site).add({ visit: (n: IConstruct) => {
      if (n instanceof Container) {
        events.push('label');
        n.addEnvironment('TEAM', 'ops');
      }
    } }, { mutating: true });
    const files = Testing.synth(app);
    expect(events).to.deep.equal(['label', 'check ops']);
    expect(files['.config/containers/systemd/web.container']).to.contain('Environment="TEAM=ops"');
  });

  it('strict apps fail on warnings', () => {
    const app = new App({ outdir: '/nonexistent', strict: true });
    const site = new Site(app, 's', { digestPolicy: 'warn' });
    new Container(site, 'web', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    expect(() => app.synthFiles()).to.throw(ValidationError, /IMAGE003/);
    const lax = new App({ outdir: '/nonexistent' });
    new Container(new Site(lax, 's', { digestPolicy: 'warn' }), 'web', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    expect(lax.synthFiles().diagnostics.map((d) => d.severity)).to.deep.equal(['warning']);
  });

  it('catches a secret value that reaches a file', () => {
    const { app, site } = Testing.site();
    app.registerSecretValue('s3cr3t-value');
    new Container(site, 'web', { image: 'docker.io/library/redis:7.2', networkMode: 'none', environment: { NOTE: 's3cr3t-value' } });
    expectDiagnostic(app, 'CORE005', 'error');
  });

  it('reports two constructs writing one file (CORE003) instead of overwriting', () => {
    const { app, site } = Testing.site();
    new EnvFile(site, 'a', { name: 'shared' });
    new EnvFile(site, 'b', { name: 'shared' });
    const d = Testing.diagnostics(app).find((x) => x.code === 'CORE003');
    expect(d?.message).to.equal('.config/test/shared.env.tmpl is also written by test/a');
  });

  it('turns an exception in a renderer into a diagnostic (CORE004), keeping the other problems', () => {
    class Broken extends Resource {
      public readonly kind = 'broken';
      public render(): void {
        throw new Error('boom');
      }
    }
    const { app, site } = Testing.site();
    new Broken(site, 'x');
    new Container(site, 'cache', { image: 'redis:7.2', networkMode: 'none' });
    expect(Testing.codes(app)).to.deep.equal(['CORE004', 'IMAGE001']);
    expectDiagnostic(app, 'CORE004', 'error');
    expectDiagnostic(app, 'IMAGE001', 'error');
  });

  it('a construct id used twice is a diagnostic (CORE006), not an exception', () => {
    const { app, site } = Testing.site();
    new Container(site, 'web', { image: 'docker.io/library/redis:7.2', networkMode: 'none' });
    new Volume(site, 'web');
    const d = Testing.diagnostics(app);
    expect(d.map((x) => `${x.code} ${x.path}`)).to.deep.equal(['CORE006 test/web-2']);
    expect(d[0].message).to.equal('id "web" is already used by test/web; this construct was renamed web-2');
  });

  it('records construct-time problems without throwing', () => {
    const app = new App({ outdir: '/nonexistent' });
    const site = new Site(app, 'Bad Name', { podmanVersion: '5.4', domains: ['not a domain'] });
    expect(Diagnostics.on(site).map((d) => d.code)).to.deep.equal(['SITE001', 'SITE003', 'SITE004']);
  });
});
