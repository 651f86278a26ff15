/**
 * The reference side of the benchmark: the same shapes built with cdk8s + cdk8s-plus-31.
 * A container becomes a Deployment exposed by a Service, with a PersistentVolumeClaim mounted
 * as its volume, a ConfigMap for its env file (every other one, like the quadlet shape) and an
 * Ingress rule for every 4th; dependency chains use `node.addDependency`, which is what cdk8s
 * sorts at synth. k8s has no per-container networks, so the networks have no counterpart.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-31';

/** The site shape: the same N, chains of 10, env files on every other, routes on every 4th. */
export function site(n: number): App {
  const app = new App({ outdir: '/nonexistent/cdk8s-bench' });
  const chart = new Chart(app, 'bench');
  const ingress = new kplus.Ingress(chart, 'ingress');
  let prev: kplus.Deployment | undefined;
  for (let i = 0; i < n; i++) {
    const id = `svc${i}`;
    const d = new kplus.Deployment(chart, id, { replicas: 1 });
    const container = d.addContainer({
      image: `ghcr.io/example/service-${i % 50}:1.${i % 7}.${i % 13}`,
      portNumber: 8080,
      envVariables: {
        INSTANCE: kplus.EnvValue.fromValue(String(i)),
        PEER: kplus.EnvValue.fromValue(prev ? prev.name : 'none'),
        GREETING: kplus.EnvValue.fromValue('hello "world" 100% $HOME'),
      },
    });
    const claim = new kplus.PersistentVolumeClaim(chart, `${id}-data`, { storage: undefined });
    container.mount('/data', kplus.Volume.fromPersistentVolumeClaim(chart, `${id}-vol`, claim));
    if (i % 2 === 0) {
      const cm = new kplus.ConfigMap(chart, `${id}-env`, { data: { LOG_LEVEL: 'info', LISTEN: `0.0.0.0:${8000 + (i % 1000)}` } });
      container.env.copyFrom(kplus.Env.fromConfigMap(cm));
    }
    const svc = d.exposeViaService({ ports: [{ port: 8080 }] });
    if (i % 4 === 0) ingress.addHostDefaultBackend(`svc${i}.example.org`, kplus.IngressBackend.fromService(svc));
    if (prev && i % 10 !== 0) d.node.addDependency(prev);
    prev = d;
  }
  return app;
}

/** The dense graph: N plain ApiObjects (ConfigMaps), each depending on the previous two. */
export function dense(n: number): App {
  const app = new App({ outdir: '/nonexistent/cdk8s-bench' });
  const chart = new Chart(app, 'dense');
  const objs: ApiObject[] = [];
  for (let i = 0; i < n; i++) {
    const o = new ApiObject(chart, `o${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `o${i}` } });
    for (const d of objs.slice(Math.max(0, i - 2))) o.addDependency(d);
    objs.push(o);
  }
  return app;
}
