// Issue 18's scenarios for the real run: the reference site as synthesized, with the host prepared
// only from what it declares (doctor's fixes, its shipped files, stand-ins for its declared host
// files, null devices for the GPU), every route answered by the right container; and a unit whose
// start keeps failing slowly, which must end `failed` within a bounded time.
import * as path from 'path';
import sodimo from '../../apps/sodimo';
import { App, Container, HostReport, Route, Site, Target } from '../../lib';
import {
  installSite, Machine, prepareDeclared, readSiteTree, SiteFailure, StandInRole, unitKeys, unitStates, uninstallSite,
} from '../../lib/testing/machine';
import { mountsExist, routesByHost } from './checks';
import { E2eSite, imagesOf, sodimoSite } from './sites';

/** The stand-in images, aliases, groups and ports a scenario needs. */
export interface HostScenarioImages {
  readonly images: Record<string, StandInRole>;
  readonly aliases: string[];
  readonly groups: string[];
  readonly ports: Record<string, number[]>;
}

/** Each container's ports from its units (`PublishPort=`) and the Caddy routes that dial it. */
export function declaredPorts(outDir: string): Record<string, number[]> {
  const tree = readSiteTree(outDir);
  const out = new Map<string, Set<number>>();
  const add = (name: string, port: number) => out.set(name, (out.get(name) ?? new Set()).add(port));
  for (const u of tree.units) {
    if (!u.containerName) continue;
    for (const p of unitKeys(u.text, 'PublishPort')) add(u.containerName, Number(p.replace(/\/\w+$/, '').split(':').pop()));
  }
  for (const [file, text] of Object.entries(tree.files)) {
    if (!/caddy\/routes\/.*\.caddy$/.test(file)) continue;
    for (const m of text.matchAll(/reverse_proxy (?:\S+ )?([a-z0-9-]+):(\d+)$/gm)) add(m[1], Number(m[2]));
  }
  return Object.fromEntries([...out].map(([n, s]) => [n, [...s].sort((a, b) => a - b)]));
}

/**
 * apps/sodimo.ts as synthesized: no unit changed, Caddy a real Caddy stand-in, every other image
 * the stay-up stand-in answering on its container's ports with its own name. The host is prepared
 * by `prepareDeclared` only. Checks: 21 containers running, every route answered by the container
 * it targets (and any other host by Caddy's 404), every mount in place.
 */
export function declaredSodimo(work: string, onReports: (before: HostReport, after: HostReport) => void): E2eSite & HostScenarioImages {
  const structural = sodimoSite(work); // for the aliases and groups the stay-up image needs
  const app = new App({ outdir: path.join(work, 'sodimo-declared') });
  const site: Site = sodimo(app);
  const result = app.synth();
  const outDir = result.outdir;
  const files = result.files.map((f) => ({ path: f.path, constructPath: f.construct }));
  // Caddy and Redis are real stand-ins (Caddy routes; `redis-cli ping | grep -q PONG` needs a real
  // answer); every other image stays up and answers HTTP on its ports with its container's name.
  const roleOf = (ref: string): StandInRole => (/\/caddy:/.test(ref) ? 'caddy' : /\/(redis|valkey):/.test(ref) ? 'valkey' : 'stay-up');
  const images = Object.fromEntries(imagesOf(outDir).map((ref): [string, StandInRole] => [ref, roleOf(ref)]));
  const routes = Object.fromEntries(site.node.findAll().filter((c): c is Route => c instanceof Route && c.props.target !== undefined)
    .map((r) => [r.host, r.props.target!.container.containerName]));
  const containers = site.node.findAll().filter((c): c is Container => c instanceof Container).length;
  return {
    name: 'sodimo (as synthesized, host from its declarations)',
    outDir,
    images,
    aliases: structural.aliases ?? [],
    groups: structural.groups ?? [],
    ports: declaredPorts(outDir),
    startTimeoutMs: 120000,
    prepareWith: (m) => prepareDeclared(m, { site, outDir, files, reports: onReports }),
    checks: [
      {
        name: `all ${containers} containers of the site run`,
        run: ({ m }) => {
          const names = m.user(['podman', 'ps', '--format', '{{.Names}}'], { check: true }).stdout.split('\n').filter((n) => n && !n.endsWith('-infra'));
          if (names.length !== containers || containers !== 21) {
            throw new SiteFailure('every container runs', [{ unit: 'sodimo.target', cause: `${names.length} containers run (${names.sort().join(', ')}); the site has ${containers}, the reference 21` }]);
          }
        },
      },
      routesByHost(routes),
      mountsExist(),
    ],
  };
}

/** A site with one container whose start fails after 4 s, every time, with the default restart policy. */
export function slowFailure(work: string): { outDir: string; image: string } {
  const image = 'localhost/quadlet-cdk-e2e/busybox:1';
  const app = new App({ outdir: path.join(work, 'slow-failure') });
  const site = new Site(app, 'slowfail', { outputDir: '' });
  new Target(site, 'target');
  new Container(site, 'slow', { image, command: ['sh', '-c', 'echo "failing in 4 s"; sleep 4; exit 1'] });
  return { outDir: app.synth().outdir, image };
}

/** What the slow failure did: how long until `failed`, with which result, after how many restarts. */
export interface SlowFailureResult {
  readonly seconds: number;
  readonly result: string;
  readonly restarts: number;
}

/** Starts the slowly failing unit and waits (at most `boundSeconds`) for it to end `failed`. */
export function runSlowFailure(m: Machine, outDir: string, boundSeconds = 150): SlowFailureResult {
  const site = installSite(m, 'slowfail', outDir);
  const t0 = Date.now();
  try {
    m.user(['systemctl', '--user', 'start', '--no-block', 'slowfail.target'], { check: true });
    for (;;) {
      const s = unitStates(m, ['slow.service']).get('slow.service')!;
      const seconds = (Date.now() - t0) / 1000;
      if (s.active === 'failed') return { seconds, result: s.result, restarts: s.restarts };
      if (seconds > boundSeconds) {
        throw new SiteFailure('a slowly failing unit ends failed', [{ unit: 'slow.service', cause: `still ${s.active}/${s.sub} after ${Math.round(seconds)} s and ${s.restarts} restarts` }]);
      }
      m.root(['sleep', '1']);
    }
  } finally {
    uninstallSite(m, site);
  }
}
