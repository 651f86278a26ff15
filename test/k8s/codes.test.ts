import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import twoHosts from '../../examples/two-hosts/app';
import {
  App, Build, Caddy, Container, ContainerJob, ContainerTemplate, DropIn, EnvFile, home, Kube, Network, Route, Service, Site, SiteDocs, Timer, Tunnel,
  ValidationError, Volume, VolumeTemplate,
} from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { k8sSite, objectOf, synthK8s } from './support';

/** Synth one site on the Kubernetes backend; returns files and `CODE severity` of every K8S diagnostic. */
function run(build: (site: Site) => void, props = {}) {
  const { app, site } = k8sSite({ name: 'web', domains: ['example.org'], ...props });
  build(site);
  const out = app.synthFiles({ allowErrors: true });
  return { files: Testing.filesOf(out), diags: out.diagnostics, codes: out.diagnostics.filter((d) => d.code.startsWith('K8S')).map((d) => `${d.code} ${d.severity}`) };
}

const IMAGE = 'docker.io/library/nginx:1.27';

describe('Kubernetes backend diagnostics', () => {
  it('K8S001 (error): a name Kubernetes cannot use fails the synth, which writes nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s001-'));
    const app = new App({ outdir: path.join(outdir, 'out'), backend: 'kubernetes' });
    const site = new Site(app, 'web');
    new Container(site, 'Web_1', { image: IMAGE, ports: [80] });
    const err = (() => { try { app.synth(); } catch (e) { return e; } return undefined; })();
    expect(err).to.be.instanceOf(ValidationError);
    const d = (err as ValidationError).diagnostics.find((x) => x.code === 'K8S001');
    expect(d?.severity).to.equal('error');
    expect(fs.existsSync(path.join(outdir, 'out'))).to.equal(false);
  });

  it('K8S002 (warning): host networking is not carried over', () => {
    expect(run((s) => new Container(s, 'app', { image: IMAGE, networkMode: 'host' })).codes).to.include('K8S002 warning');
  });

  it('K8S003 (warning): a host folder is left out without the opt-in', () => {
    const r = run((s) => new Container(s, 'app', { image: IMAGE, volumes: [{ hostPath: '/srv/data', path: '/data' }] }));
    expect(r.codes).to.include('K8S003 warning');
    expect(r.files['k8s/deployment-app.yaml']).to.not.contain('hostPath');
  });

  it('K8S004 (warning): with hostPaths and keepPlacement the folder is a hostPath on a pinned node', () => {
    const r = run((s) => new Container(s, 'app', { image: IMAGE, volumes: [{ hostPath: '/srv/data', path: '/data' }] }), { kubernetes: { hostPaths: true, keepPlacement: true, nodeName: 'tower' } });
    expect(r.codes).to.include('K8S004 warning');
    const d = objectOf(r.files, 'Deployment', 'app')!;
    expect(d.spec.template.spec.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'tower' });
    expect(d.spec.template.spec.volumes).to.deep.include({ name: 'host-srv-data', hostPath: { path: '/srv/data' } });
    expect(d.spec.strategy).to.deep.equal({ type: 'Recreate' });
  });

  it('K8S005 (warning): a GPU device becomes a resource limit that needs the device plugin', () => {
    const r = run((s) => new Container(s, 'app', { image: IMAGE, addDevice: ['/dev/nvidia0'] }));
    expect(r.codes).to.include('K8S005 warning');
    expect(objectOf(r.files, 'Deployment', 'app')!.spec.template.spec.containers[0].resources).to.deep.equal({ limits: { 'nvidia.com/gpu': '1' } });
  });

  it('K8S006 (warning): a host systemd service has no cluster equivalent', () => {
    expect(run((s) => new Service(s, 'drain', { exec: ['/usr/bin/true'] })).codes).to.deep.equal(['K8S006 warning']);
  });

  it('K8S007 (warning): raw podman arguments are reported', () => {
    expect(run((s) => new Container(s, 'app', { image: IMAGE, podmanArgs: ['--privileged'] })).codes).to.include('K8S007 warning');
  });

  it('K8S008 (warning): a calendar expression without a cron form writes no CronJob', () => {
    const r = run((s) => new Timer(s, 'monthly-end', { onCalendar: '*-*~01 03:00 UTC', job: new ContainerJob({ image: IMAGE }) }));
    expect(r.codes).to.include('K8S008 warning');
    expect(Object.keys(r.files).filter((p) => p.includes('cronjob'))).to.deep.equal([]);
  });

  it('K8S009 (info): a schedule without a zone runs in the controller\'s zone', () => {
    const r = run((s) => new Timer(s, 'nightly', { onCalendar: '*-*-* 03:00:00', job: new ContainerJob({ image: IMAGE }) }));
    expect(r.codes).to.include('K8S009 info');
    expect(objectOf(r.files, 'CronJob', 'nightly')!.spec).to.include({ schedule: '0 3 * * *' }).and.not.have.property('timeZone');
  });

  it('K8S010 (warning): a setting without an equivalent names itself', () => {
    const r = run((s) => new Network(s, 'lan', { subnet: '10.89.0.0/24' }));
    expect(r.codes).to.deep.equal(['K8S010 warning']);
    expect(r.diags.find((d) => d.code === 'K8S010')!.message).to.contain('subnet');
  });

  it('K8S011 (info): a volume without a size gets the default; a given size and class are used', () => {
    const r = run((s) => {
      new Volume(s, 'small');
      new Volume(s, 'big');
    }, { kubernetes: { volumes: { big: { size: '200Gi', storageClass: 'longhorn', accessMode: 'ReadWriteMany' } } } });
    expect(r.codes).to.deep.equal(['K8S011 info']);
    expect(objectOf(r.files, 'PersistentVolumeClaim', 'small')!.spec).to.deep.equal({ accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: '10Gi' } } });
    expect(objectOf(r.files, 'PersistentVolumeClaim', 'big')!.spec).to.deep.equal({ accessModes: ['ReadWriteMany'], storageClassName: 'longhorn', resources: { requests: { storage: '200Gi' } } });
  });

  it('K8S012 (warning) and K8S013 (info): Caddy is replaced by Ingress; a route to a host port is left out', () => {
    const r = run((s) => {
      const caddy = new Caddy(s, 'caddy', { image: 'docker.io/library/caddy:2.8.4-alpine' });
      const app = new Container(s, 'app', { image: IMAGE, ports: [8080] });
      new Route(caddy, 'app', { host: 'app.example.org', target: app.port(8080), paths: [{ path: '/api/*', target: app.port(8080) }] });
      new Route(caddy, 'cockpit', { host: 'cockpit.example.org', hostPort: 9090 });
    });
    expect(r.codes).to.have.members(['K8S012 warning', 'K8S013 info']);
    expect(Object.keys(r.files).filter((p) => p.includes('caddy'))).to.deep.equal([]);
    const ing = objectOf(r.files, 'Ingress', 'app')!;
    expect(ing.spec.rules).to.deep.equal([{ host: 'app.example.org', http: { paths: [
      { path: '/api', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 8080 } } } },
      { path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 8080 } } } },
    ] } }]);
    expect(objectOf(r.files, 'Ingress', 'cockpit')).to.equal(undefined);
  });

  it('K8S014 (warning): the tunnel stays outside', () => {
    const r = run((s) => {
      const caddy = new Caddy(s, 'caddy', { image: 'docker.io/library/caddy:2.8.4-alpine' });
      new Tunnel(s, 'cloudflared', { caddy, tunnelId: '5d0e8f4a-2c6b-4b1e-a7d3-9e4f1c2b8a60' });
    });
    expect(r.codes).to.include('K8S014 warning');
  });

  it('K8S015 (info): a dependency without ports cannot be waited for; one with ports gets an init container', () => {
    const r = run((s) => {
      const worker = new Container(s, 'worker', { image: IMAGE });
      const db = new Container(s, 'db', { image: 'docker.io/library/postgres:16.4', ports: [5432] });
      new Container(s, 'app', { image: IMAGE, dependsOn: [worker, db] });
    });
    expect(r.codes).to.deep.equal(['K8S015 info']);
    const init = objectOf(r.files, 'Deployment', 'app')!.spec.template.spec.initContainers;
    expect(init.map((c: any) => c.name)).to.deep.equal(['wait-for-db']);
    expect(init[0].command[2]).to.contain('nc -z -w 2 db 5432');
    expect(objectOf(r.files, 'StatefulSet', 'db')).to.not.equal(undefined);
  });

  it('K8S016 (warning): an image built on the host must be pushed', () => {
    const r = run((s) => {
      const b = new Build(s, 'tool', { imageTag: 'localhost/tool:1.0', file: '/srv/tool/Containerfile' });
      new Container(s, 'app', { image: b });
    });
    expect(r.codes).to.include('K8S016 warning');
    expect(objectOf(r.files, 'Deployment', 'app')!.spec.template.spec.containers[0].image).to.equal('localhost/tool:1.0');
  });

  it('K8S017 (warning): a cross-host endpoint names the Service consumers can use instead', () => {
    const { diagnostics } = synthK8s(twoHosts);
    const d = diagnostics.find((x) => x.code === 'K8S017');
    expect(d?.severity).to.equal('warning');
    expect(d?.message).to.contain('litellm.gpu.svc');
  });

  it('K8S018 (warning): a .kube unit\'s YAML is not included', () => {
    expect(run((s) => new Kube(s, 'legacy', { yaml: '/srv/legacy.yaml' })).codes).to.deep.equal(['K8S018 warning']);
  });

  it('K8S019 (info): a unit left out of boot is written with replicas: 0', () => {
    const r = run((s) => new Container(s, 'app', { image: IMAGE, install: false }));
    expect(r.codes).to.deep.equal(['K8S019 info']);
    expect(objectOf(r.files, 'Deployment', 'app')!.spec.replicas).to.equal(0);
  });

  it('K8S020 (warning): a prop the mapping tables do not know is reported, not dropped', () => {
    const r = run((s) => new Container(s, 'app', { image: IMAGE, notAProp: 1 } as any));
    expect(r.codes).to.deep.equal(['K8S020 warning']);
  });

  it('K8S021 (warning): a systemd specifier in a value is left out', () => {
    const r = run((s) => new Container(s, 'app', { image: IMAGE, environment: { DATA: home('data') } }));
    expect(r.codes).to.deep.equal(['K8S021 warning']);
  });

  it('K8S022 (info): secrets come from a file beside the manifests, read by secretGenerator', () => {
    const r = run((s) => {
      const env = new EnvFile(s, 'app-env', { name: 'app', values: { MODE: 'prod' }, secrets: { API_TOKEN: { description: 'token' } } });
      new Container(s, 'app', { image: IMAGE, envFiles: [env] });
    });
    expect(r.codes).to.deep.equal(['K8S022 info']);
    expect(r.files['k8s/kustomization.yaml']).to.contain('secretGenerator:\n  - name: app\n    envs:\n      - secrets/app.env\n');
    expect(r.files['k8s/kustomization.yaml']).to.contain('cp ~/.config/web/app.env secrets/app.env');
    expect(objectOf(r.files, 'ConfigMap', 'app-env')!.data).to.deep.equal({ MODE: 'prod' });
    expect(objectOf(r.files, 'Deployment', 'app')!.spec.template.spec.containers[0].envFrom).to.deep.equal([{ configMapRef: { name: 'app-env' } }, { secretRef: { name: 'app' } }]);
  });

  it('K8S023 (info): several calendar expressions become several CronJobs, with the zone', () => {
    const r = run((s) => new Timer(s, 'sync', { onCalendar: ['Mon..Fri *-*-* 09:00 Europe/Paris', '*-*-* *:0/15 UTC'], job: new ContainerJob({ image: IMAGE }) }));
    expect(r.codes).to.deep.equal(['K8S023 info']);
    expect(objectOf(r.files, 'CronJob', 'sync')!.spec).to.include({ schedule: '0 9 * * 1-5', timeZone: 'Europe/Paris' });
    expect(objectOf(r.files, 'CronJob', 'sync-2')!.spec).to.include({ schedule: '0-59/15 * * * *', timeZone: 'UTC' });
  });

  it('K8S024 (info): a site setting that only shapes the quadlet output, and the site docs, are named', () => {
    const { app, site } = k8sSite({ name: 'web', quadletOutput: 'bundle', podmanVersion: '5.8.0' });
    new Container(site, 'app', { image: IMAGE, ports: [80] });
    new SiteDocs(site, 'docs');
    expectDiagnostic(app, 'K8S024', 'info', { path: 'test', message: 'quadletOutput is left out' });
    expectDiagnostic(app, 'K8S024', 'info', { path: 'test/docs', message: 'site docs docs are not written' });
  });

  it('K8S025 (warning): a raw addEntry line is named (section and key, never the value) and not carried over', () => {
    const { app, site } = k8sSite({ name: 'web' });
    const c = new Container(site, 'app', { image: IMAGE, ports: [80] });
    c.addEntry('Container', 'Ulimit', 'nofile=65536:65536');
    c.addEntry('Service', 'Nice', '5');
    const [d] = expectDiagnostic(app, 'K8S025', 'warning', { path: 'test/app' });
    expect(d.message).to.equal('container app: raw entries [Container] Ulimit=, [Service] Nice= are not carried over');
    expect(Testing.filesOf(app.synthFiles({ allowErrors: true }))['k8s/deployment-app.yaml']).to.not.contain('65536');
  });

  it('K8S026 (warning): a drop-in is not applied to the workload', () => {
    const { app, site } = k8sSite({ name: 'web' });
    const c = new Container(site, 'app', { image: IMAGE, ports: [80] });
    new DropIn(site, 'app-memory', { to: c, name: '10-memory', container: { memory: '2g' } });
    const [d] = expectDiagnostic(app, 'K8S026', 'warning', { path: 'test/app-memory' });
    expect(d.message).to.contain('app.container.d/10-memory.conf');
    expect(Testing.filesOf(app.synthFiles({ allowErrors: true }))['k8s/deployment-app.yaml']).to.not.contain('2Gi');
  });

  it('K8S027 (warning): template units are reported and left out, their instances with them', () => {
    const { app, site } = k8sSite({ name: 'web', podmanVersion: '5.7.0' });
    const data = new VolumeTemplate(site, 'data');
    const workers = new ContainerTemplate(site, 'worker', { image: IMAGE, ports: [80], volumes: [{ volume: data, path: '/data' }] });
    workers.instance('a', { enabled: true });
    expectDiagnostic(app, 'K8S027', 'warning', { path: 'test/worker', message: 'worker@.container' });
    expectDiagnostic(app, 'K8S027', 'warning', { path: 'test/data', message: 'data@.volume' });
    const files = Object.keys(Testing.filesOf(app.synthFiles({ allowErrors: true })));
    expect(files.filter((f) => /worker|data/.test(f))).to.deep.equal([]);
  });
});
