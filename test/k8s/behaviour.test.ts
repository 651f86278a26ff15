import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { Container, LlamaSwap, Network, toCron, validateManifests, Volume } from '../../lib';
import { Testing } from '../../lib/testing';
import { k8sSite, objectOf } from './support';

const IMAGE = 'docker.io/library/nginx:1.27';

describe('Kubernetes backend mapping', () => {
  it('an internal network becomes a NetworkPolicy over its member pods', () => {
    const { app, site } = k8sSite({ name: 'web' });
    const net = new Network(site, 'backend', { internal: true });
    new Container(site, 'db', { image: 'docker.io/library/postgres:16.4', ports: [5432], networks: [net] });
    const files = Testing.filesOf(app.synthFiles());
    const policy = objectOf(files, 'NetworkPolicy', 'backend-internal')!;
    expect(policy.spec.podSelector).to.deep.equal({ matchLabels: { 'quadlet-cdk.io/network-backend': 'true' } });
    expect(policy.spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
    expect(objectOf(files, 'StatefulSet', 'db')!.spec.template.metadata.labels['quadlet-cdk.io/network-backend']).to.equal('true');
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
    expect(JSON.parse(out.trim().split('\n').pop()!)).to.deep.equal(['k8s/codes.ts', 'k8s/index.ts', 'k8s/options.ts', 'k8s/props.ts', 'k8s/schedule.ts', 'k8s/schema.ts']);
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
