import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { Container, ContainerJob, EnvFile, LlamaSwap, Network, PostgresDatabase, Secret, Timer, toCron, validateManifests, Volume } from '../../lib';
import { Testing } from '../../lib/testing';
import { k8sSite, objectOf } from './support';

const IMAGE = 'docker.io/library/nginx:1.27';

describe('Kubernetes backend mapping', () => {
  it('an internal network becomes a NetworkPolicy over its member pods', () => {
    const { app, site } = k8sSite({ name: 'web' });
    const net = new Network(site, 'backend', { internal: true });
    new Container(site, 'pg', { image: 'docker.io/library/postgres:16.4', ports: [5432], networks: [net] });
    const files = Testing.filesOf(app.synthFiles());
    const policy = objectOf(files, 'NetworkPolicy', 'backend-internal')!;
    expect(policy.spec.podSelector).to.deep.equal({ matchLabels: { 'quadlet-cdk.io/network-backend': 'true' } });
    expect(policy.spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
    expect(objectOf(files, 'StatefulSet', 'pg')!.spec.template.metadata.labels['quadlet-cdk.io/network-backend']).to.equal('true');
  });

  it('a mounted config file is a ConfigMap whose content hash rolls the pods when it changes', () => {
    const build = (ttl: number) => {
      const { app, site } = k8sSite({ name: 'llm' });
      const swap = new LlamaSwap(site, 'llama-swap', { image: 'ghcr.io/mostlygeek/llama-swap:v166-cuda-b6795', modelDir: '/srv/models' });
      swap.addModel('small', { modelFile: 'small.gguf', ttl });
      return Testing.filesOf(app.synthFiles({ allowErrors: true }));
    };
    const a = build(60);
    const b = build(120);
    const hash = (f: Record<string, string>) => objectOf(f, 'Deployment', 'llama-swap')!.spec.template.metadata.annotations['quadlet-cdk.io/config-llama-swap-yaml'];
    expect(objectOf(a, 'ConfigMap', 'llama-swap-yaml')!.data['llama-swap.yaml']).to.contain('small');
    expect(hash(a)).to.match(/^[0-9a-f]{16}$/);
    expect(hash(a)).to.not.equal(hash(b));
    const mount = objectOf(a, 'Deployment', 'llama-swap')!.spec.template.spec.containers[0].volumeMounts.find((m: any) => m.name === 'llama-swap-yaml');
    expect(mount).to.deep.include({ subPath: 'llama-swap.yaml', readOnly: true });
  });

  it('a container with a ReadWriteOnce claim uses Recreate; health checks become probes', () => {
    const { app, site } = k8sSite({ name: 'web' });
    new Container(site, 'app', {
      image: IMAGE, ports: [8080], volumes: [{ volume: new Volume(site, 'app-data'), path: '/data' }],
      healthCmd: 'curl -f http://127.0.0.1:8080/health', healthInterval: '30s', healthTimeout: '5s', healthRetries: 3, healthStartPeriod: '1m',
    });
    const d = objectOf(Testing.filesOf(app.synthFiles()), 'Deployment', 'app')!;
    expect(d.spec.strategy).to.deep.equal({ type: 'Recreate' });
    const c = d.spec.template.spec.containers[0];
    const probe = { exec: { command: ['/bin/sh', '-c', 'curl -f http://127.0.0.1:8080/health'] }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 };
    expect(c.readinessProbe).to.deep.equal(probe);
    expect(c.livenessProbe).to.deep.equal({ ...probe, initialDelaySeconds: 60 });
  });

  it('secrets and composed values a pattern adds after construction reach the workload (never their values)', () => {
    const { app, site } = k8sSite({ name: 'web' });
    const db = new PostgresDatabase(site, 'app-db', { image: 'docker.io/library/postgres:16.4', database: 'app', user: 'app' });
    const web = new Container(site, 'app', { image: IMAGE, ports: [8080] });
    db.connect(web, { envFile: new EnvFile(site, 'app-env', { name: 'app' }), passwordVar: 'DB_PASS', urlVar: 'DATABASE_URL' });
    const files = Testing.filesOf(app.synthFiles({ allowErrors: true }));
    const env = objectOf(files, 'Deployment', 'app')!.spec.template.spec.containers[0].env;
    const ref = { secretKeyRef: { name: 'app-db-password', key: 'app-db-password' } };
    expect(env).to.deep.include({ name: 'DB_PASS', valueFrom: ref });
    expect(env).to.deep.include({ name: 'QCDK_SECRET_APP_DB_PASSWORD', valueFrom: ref });
    // The kubelet expands $(VAR) from variables listed before it.
    const url = env.find((e: any) => e.name === 'DATABASE_URL');
    expect(url.value).to.equal('postgresql://app:$(QCDK_SECRET_APP_DB_PASSWORD)@app-db:5432/app');
    expect(env.findIndex((e: any) => e.name === 'QCDK_SECRET_APP_DB_PASSWORD')).to.be.lessThan(env.indexOf(url));
    expect(validateManifests([objectOf(files, 'Deployment', 'app')!] as any)).to.deep.equal([]);
  });

  it('a timer job\'s podman secret becomes a secretKeyRef in its CronJob', () => {
    const { app, site } = k8sSite({ name: 'web' });
    const token = new Secret(site, 'api-token');
    new Timer(site, 'sync', { onCalendar: '*-*-* 03:00:00 UTC', job: new ContainerJob({ image: IMAGE, secrets: [{ secret: token, env: 'TOKEN' }] }) });
    const files = Testing.filesOf(app.synthFiles({ allowErrors: true }));
    const k = objectOf(files, 'CronJob', 'sync')!.spec.jobTemplate.spec.template.spec.containers[0];
    expect(k.env).to.deep.equal([{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 'api-token' } } }]);
  });

  it('keepPlacement pins every workload of a site to its node', () => {
    const { app, site } = k8sSite({ name: 'gpu', kubernetes: { keepPlacement: true } });
    new Container(site, 'app', { image: IMAGE });
    const d = objectOf(Testing.filesOf(app.synthFiles()), 'Deployment', 'app')!;
    expect(d.spec.template.spec.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'gpu' });
  });

  it('the schema check catches an object Kubernetes would reject', () => {
    expect(validateManifests([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 'eighty' }] }] } } } } as any]))
      .to.have.length(1);
    expect(validateManifests([{ apiVersion: 'v1', kind: 'Mystery', metadata: { name: 'x' } }])[0].message).to.equal('no schema for v1/Mystery');
    expect(validateManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } } as any])).to.deep.equal([]);
  });

  it('a quadlet-only synth never loads the Kubernetes renderer or the schema validators', () => {
    const script = [
      "const { App } = require('./lib');",
      "const app = new App({ outdir: '/nonexistent' });",
      "require('./apps/sodimo').default(app);",
      'app.synthFiles();',
      "const loaded = Object.keys(require.cache).filter((p) => p.includes('/lib/k8s/') || p.includes('kubernetes-models')).map((p) => p.split('/').slice(-2).join('/')).sort();",
      'console.log(JSON.stringify(loaded));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).to.deep.equal(['k8s/cli.ts', 'k8s/codes.ts', 'k8s/index.ts', 'k8s/options.ts', 'k8s/props.ts', 'k8s/schedule.ts', 'k8s/schema.ts']);
  });
});

describe('toCron', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['*-*-* 03:00:00 Europe/Paris', '0 3 * * *', 'Europe/Paris'],
    ['daily', '0 0 * * *', undefined],
    ['hourly', '0 * * * *', undefined],
    ['Mon..Fri 09:30', '30 9 * * 1-5', undefined],
    ['Sat,Sun *-*-* 10..12:00:00 UTC', '0 10-12 * * 6,0', 'UTC'],
    ['*:0/15', '0-59/15 * * * *', undefined],
    ['quarterly', '0 0 1 1,4,7,10 *', undefined],
    ['*-*-1,15 4:00', '0 4 1,15 * *', undefined],
    ['Sat..Sun 08:00', '0 8 * * 6,0', undefined],
  ];
  for (const [expr, schedule, zone] of cases) {
    it(`${expr} -> ${schedule}`, () => {
      const r = toCron(expr);
      expect(r).to.deep.equal(zone ? { ok: true, schedule, timeZone: zone } : { ok: true, schedule, timeZone: undefined });
    });
  }
  for (const expr of ['*-*~01 03:00', '2027-*-* 03:00', '*-*-* 03:00:30', 'not a time']) {
    it(`${expr} has no cron form`, () => expect(toCron(expr).ok).to.equal(false));
  }
});

describe('the --backend option (for the CLI\'s synth command)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { takeBackendOption, App, Site } = require('../../lib');
  it('takes --backend kubernetes and --backend=quadlet out of the arguments', () => {
    expect(takeBackendOption(['apps', '--backend', 'kubernetes', 'sodimo'])).to.deep.equal({ backend: 'kubernetes', rest: ['apps', 'sodimo'] });
    expect(takeBackendOption(['--backend=quadlet'])).to.deep.equal({ backend: 'quadlet', rest: [] });
    expect(takeBackendOption(['x'])).to.deep.equal({ rest: ['x'] });
  });
  it('reports a missing or unknown backend', () => {
    expect(takeBackendOption(['--backend']).error).to.contain('needs a value');
    expect(takeBackendOption(['--backend', 'nomad']).error).to.contain('unknown backend "nomad"');
  });
  it('reaches sites through the App, and through $QUADLET_CDK_BACKEND; a site may still choose', () => {
    const app = new App({ backend: 'kubernetes' });
    expect(new Site(app, 'a').backend).to.equal('kubernetes');
    expect(new Site(app, 'b', { backend: 'quadlet' }).backend).to.equal('quadlet');
    process.env.QUADLET_CDK_BACKEND = 'kubernetes';
    try {
      expect(new Site(new App(), 'c').backend).to.equal('kubernetes');
    } finally {
      delete process.env.QUADLET_CDK_BACKEND;
    }
    expect(new Site(new App(), 'd').backend).to.equal('quadlet');
  });
});

describe('[site.kubernetes] in site.toml', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { App, SiteConfig, Volume, Testing: T } = { ...require('../../lib'), Testing };
  it('sets the namespace, claim sizes and classes, and placement', () => {
    const app = new App({ outdir: '/nonexistent', backend: 'kubernetes' });
    const cfg = SiteConfig.fromString(app, [
      '[site]', 'name = "lab"',
      '[site.kubernetes]', 'namespace = "home"', 'storage_class = "longhorn"', 'keep_placement = true', 'node_name = "nuc"',
      '[site.kubernetes.volumes.media]', 'size = "500Gi"', 'access_mode = "ReadWriteMany"',
    ].join('\n'), 'site.toml');
    const site = cfg.createSite(app);
    new Volume(site, 'media');
    new Container(site, 'app', { image: IMAGE, volumes: [{ volume: site.node.findChild('media'), path: '/media' }] });
    const files = T.filesOf(app.synthFiles());
    expect(objectOf(files, 'PersistentVolumeClaim', 'media')!.spec).to.deep.equal({ accessModes: ['ReadWriteMany'], storageClassName: 'longhorn', resources: { requests: { storage: '500Gi' } } });
    const d = objectOf(files, 'Deployment', 'app')!;
    expect(d.metadata.namespace).to.equal('home');
    expect(d.spec.template.spec.nodeSelector).to.deep.equal({ 'kubernetes.io/hostname': 'nuc' });
    expect(d.spec).to.not.have.property('strategy');
  });
  it('rejects an unknown key and a size that is not a quantity', () => {
    const app = new App({ outdir: '/nonexistent' });
    SiteConfig.fromString(app, ['[site]', '[site.kubernetes]', 'storage = "x"', '[site.kubernetes.volumes.v]', 'size = "lots"'].join('\n'), 'site.toml');
    const codes = T.diagnostics(app).map((d: any) => `${d.code} ${d.severity}`);
    expect(codes.length).to.equal(2);
    expect(codes.every((c: string) => c.endsWith('error'))).to.equal(true);
  });
});
