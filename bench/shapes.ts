/**
 * The site shapes the benchmark builds. Each builder makes a whole App in memory and returns it;
 * the caller times construction and synth separately. Plain functions of N, deterministic.
 */
import { App, Container, EnvFile, Network, Site, Volume } from '../lib';

/** lib/caddy may not be part of the build yet: routes are added only when it is there. */
function caddyModule(): any {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../lib/caddy');
  } catch {
    return undefined;
  }
}

export interface Shape {
  /** Row label in the table. */
  readonly name: string;
  /** What it contains, for the docs. */
  readonly description: string;
  readonly build: (n: number) => App;
}

/** Every 10th container publishes a host port (the rest are reached through routes). */
const PUBLISH_EVERY = 10;
/** Dependency chains are this long: db -> cache -> app -> worker ... */
const CHAIN = 10;
/** Containers per network. */
const PER_NETWORK = 25;

/**
 * The realistic shape: N containers on N/25 networks (plus a default one), one named volume
 * each, an env file (values and a secret) on every other one, a published port on every 10th,
 * a Caddy route to every 4th (when lib/caddy is present), and dependency chains of 10.
 */
export function site(n: number): App {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-bench' });
  const s = new Site(app, 'bench', { domains: ['example.org'], outputDir: '' });
  const def = new Network(s, 'bench', { subnet: '10.89.0.0/16', default: true });
  const nets: Network[] = [];
  for (let i = 0; i < Math.ceil(n / PER_NETWORK); i++) nets.push(new Network(s, `net${i}`, {}));
  const caddyLib = caddyModule();
  const caddy = caddyLib ? new caddyLib.Caddy(s, 'caddy', {}) : undefined;
  let prev: Container | undefined;
  for (let i = 0; i < n; i++) {
    const id = `svc${i}`;
    const envFiles = i % 2 === 0
      ? [new EnvFile(s, `${id}-env`, { name: id, values: { LOG_LEVEL: 'info', LISTEN: `0.0.0.0:${8000 + (i % 1000)}` }, secrets: { [`SVC${i}_PASSWORD`]: { description: 'openssl rand -hex 24' } } })]
      : [];
    const c: Container = new Container(s, id, {
      image: `ghcr.io/example/service-${i % 50}:1.${i % 7}.${i % 13}`,
      networks: [def, nets[Math.floor(i / PER_NETWORK)]],
      volumes: [{ volume: new Volume(s, `${id}-data`), path: '/data' }],
      envFiles,
      environment: { INSTANCE: String(i), PEER: prev ? prev.hostname : 'none', GREETING: 'hello "world" 100% $HOME' },
      ports: [8080],
      publish: i % PUBLISH_EVERY === 0 ? [{ host: 10000 + i, container: 8080 }] : undefined,
      dependsOn: prev && i % CHAIN !== 0 ? [prev] : undefined,
    });
    if (caddy && i % 4 === 0) new caddyLib.Route(caddy, `r${i}`, { host: `svc${i}.example.org`, target: c.port(8080) });
    prev = c;
  }
  return app;
}

/** The dense graph: N containers, each depending on the previous two (cdk8s's worst case). */
export function dense(n: number): App {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-bench' });
  const s = new Site(app, 'dense', { outputDir: '' });
  new Network(s, 'dense', { default: true });
  const units: Container[] = [];
  for (let i = 0; i < n; i++) {
    const deps = units.slice(Math.max(0, i - 2));
    units.push(new Container(s, `job${i}`, { image: 'docker.io/library/alpine:3.20', dependsOn: deps.length ? deps : undefined }));
  }
  return app;
}

/**
 * Many hosts: N sites of one network and one container each, every container naming the next
 * site's container in a URL (XHOST004 on each: the cross-site checks all run). Synth fails with
 * N errors; the child measures the checks, not the write.
 */
export function sites(n: number): App {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-bench' });
  for (let i = 0; i < n; i++) {
    const s = new Site(app, `host${i}`);
    new Network(s, `host${i}`, { default: true });
    new Container(s, `app${i}`, { image: 'docker.io/library/alpine:3.20', environment: { PEER_URL: `http://app${(i + 1) % n}:8080` } });
  }
  return app;
}

export const SHAPES: Record<string, Shape> = {
  site: { name: 'site', description: 'containers + networks + volumes + env files + routes + chains of 10', build: site },
  dense: { name: 'dense', description: 'each container depends on the previous two', build: dense },
  sites: { name: 'sites', description: 'N sites of one container each, each naming the next site\'s container', build: sites },
};

/** Whether routes are in the `site` shape (lib/caddy present in this build). */
export function hasRoutes(): boolean {
  return caddyModule() !== undefined;
}
