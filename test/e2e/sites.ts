// The sites `npx projen e2e` runs: examples/real-run with real services, the reference site
// apps/sodimo.ts structurally, and broken sites that must fail naming the unit and the cause.
import * as fs from 'fs';
import * as path from 'path';
import realRun from '../../examples/real-run/app';
import sodimo from '../../apps/sodimo';
import { App, Container, Network, Site, Target } from '../../lib';
import { readSiteTree, SiteRunSpec, StandInRole, stayUpNeeds as stayUpNeedsOf, unitKeys } from '../../lib/testing/machine';
import {
  appReachesBackends, dataSurvivesRestart, imagesAsNamed, jobLeavesFile, mountsExist, pullFailsFast, restartedAfterKill,
  routesByHost, secretInOneFile, startsAfterHealthy, timerNextElapse, wantsDoesNotCascade,
} from './checks';

/** A site to run, with the stand-in images it needs. */
export interface E2eSite extends SiteRunSpec {
  readonly images: Record<string, StandInRole>;
  /** Command names the stay-up image answers to. */
  readonly aliases?: string[];
  /** Groups the stay-up image has (from `GroupAdd=`). */
  readonly groups?: string[];
  /** For a broken site: the run must fail naming this unit with a cause matching `cause`. */
  readonly expectFailure?: { unit: string; cause: RegExp };
}

/** Synthesizes an app into `dir` and returns the one site's output folder. */
export function synthSite(dir: string, build: (app: App) => void, backend: 'quadlet' | 'kubernetes' = 'quadlet'): string {
  const app = new App({ outdir: dir, backend });
  build(app);
  app.synth();
  const found: string[] = [];
  const walk = (d: string) => {
    if (fs.existsSync(path.join(d, '.quadlet-cdk-manifest.json'))) found.push(d);
    else for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  if (found.length !== 1) throw new Error(`${dir}: expected one synthesized site, found ${found.length}`);
  return found[0];
}

/** Every image reference the site's units use: `Image=` and the image of each `podman run` job. */
export function imagesOf(outDir: string): string[] {
  const refs = new Set<string>();
  for (const u of readSiteTree(outDir).units) {
    if (u.image) refs.add(u.image);
    for (const exec of unitKeys(u.text, 'ExecStart')) {
      const m = /podman run (.*)$/.exec(exec);
      if (!m) continue;
      const words = m[1].split(/\s+/);
      const ref = words.find((w) => !w.startsWith('-') && /^[a-z0-9.-]+(:\d+)?\/[^\s]+$/.test(w));
      if (ref) refs.add(ref);
    }
  }
  return [...refs].sort();
}

/** examples/real-run: its images already name the stand-ins through site.toml. */
export function realRunSite(work: string): E2eSite {
  const outDir = synthSite(path.join(work, 'real-run'), (app) => realRun(app));
  const images: Record<string, StandInRole> = {};
  for (const ref of imagesOf(outDir)) {
    const role = /^localhost\/quadlet-cdk-e2e\/([a-z-]+):/.exec(ref)?.[1];
    if (!role) throw new Error(`examples/real-run uses ${ref}, which is not a stand-in: point it at one in site.toml`);
    images[ref] = role as StandInRole;
  }
  return {
    name: 'real-run',
    outDir,
    images,
    checks: [
      startsAfterHealthy('notes', 'notes-db'),
      routesByHost({ 'notes.example.test': 'notes', 'hello.example.test': 'hello' }),
      appReachesBackends('notes.example.test', 'notes', [/^postgres: ok as notes$/m, /^redis: ok PONG$/m]),
      secretInOneFile('notes-db-password', outDir, (l) => console.log(l)),
      dataSurvivesRestart('notes-db', 'notes', 'notes'),
      appReachesBackends('notes.example.test', 'notes', [/^postgres: ok as notes$/m]),
      restartedAfterKill('hello', 'hello.example.test'),
      jobLeavesFile('notes-db-dump.service', 'db-dumps', 'notes.sql', 'e2e_marks'),
      timerNextElapse('notes-db-dump.timer', '03:00', 'Europe/Paris'),
      pullFailsFast(),
    ],
  };
}

/**
 * What the stay-up image needs to stand in for a site's images: the command names its units run
 * (an `Entrypoint=` such as `node`, the first word of a `HealthCmd=` such as `python3`) and the
 * group names of `GroupAdd=`.
 */
export function stayUpNeeds(outDir: string): { aliases: string[]; groups: string[] } {
  return stayUpNeedsOf(readSiteTree(outDir).units);
}

/**
 * apps/sodimo.ts structurally: its units unchanged, every image one stay-up stand-in, and what a
 * real host would hold (privileged ports, the Podman socket, host files, GPU device nodes)
 * provided by the harness and listed in the output.
 */
export function sodimoSite(work: string): E2eSite {
  const outDir = synthSite(path.join(work, 'sodimo'), (app) => sodimo(app));
  const images = Object.fromEntries(imagesOf(outDir).map((ref) => [ref, 'stay-up' as StandInRole]));
  return {
    name: 'sodimo (structural)',
    outDir,
    images,
    ...stayUpNeeds(outDir),
    prepare: { standInHostFiles: true },
    startTimeoutMs: 180000, // 37 units, chains of health-gated starts; took 113 s on a loaded machine
    checks: [
      imagesAsNamed(), mountsExist(), timerNextElapse('sodiwin-etl.timer', '03:00', 'Europe/Paris'),
      // The LLM backend restarts after every model change; the gateway only wants it.
      wantsDoesNotCascade('llama-swap', 'litellm'),
    ],
  };
}

const BUSYBOX = 'localhost/quadlet-cdk-e2e/busybox:1';
const APP = 'localhost/quadlet-cdk-e2e/app:1';

function brokenSite(work: string, name: string, add: (site: Site) => void): string {
  return synthSite(path.join(work, name), (app) => {
    const site = new Site(app, name, { outputDir: '' });
    new Target(site, 'target');
    add(site);
  });
}

/** Sites that synth accepts but that cannot work: each run must fail naming the unit and the cause. */
export function brokenSites(work: string): E2eSite[] {
  return [
    {
      name: 'broken: a command that exits at once',
      outDir: brokenSite(work, 'broken-exit', (site) => {
        new Container(site, 'quits', { image: BUSYBOX, command: ['sh', '-c', 'echo "cannot start: no config"; exit 3'] });
      }),
      images: { [BUSYBOX]: 'busybox' },
      startTimeoutMs: 30000,
      expectFailure: { unit: 'quits.service', cause: /exited 3/ },
    },
    {
      name: 'broken: a health check that never passes',
      outDir: brokenSite(work, 'broken-health', (site) => {
        new Container(site, 'sickly', { image: BUSYBOX, command: ['sleep', '3600'], healthCmd: 'test -e /ready', healthInterval: '2s' });
      }),
      images: { [BUSYBOX]: 'busybox' },
      startTimeoutMs: 12000,
      expectFailure: { unit: 'sickly.service', cause: /health check `test -e \/ready` never passed/ },
    },
    {
      name: 'broken: an app pointed at a host name nobody answers to',
      outDir: brokenSite(work, 'broken-host', (site) => {
        // On a network, as a site's apps are: its DNS (aardvark) answers that no one has the name.
        const net = new Network(site, 'net');
        new Container(site, 'lonely', {
          image: APP,
          networks: [net],
          environment: { APP_NAME: 'lonely', PORT: '8080', DB_HOST: 'db.lonely.test', DB_USER: 'lonely', DB_NAME: 'lonely' },
          publish: [{ host: 80, container: 8080 }],
        });
      }),
      images: { [APP]: 'app' },
      startTimeoutMs: 30000,
      checks: [{
        name: 'lonely reaches its database',
        run: (ctx) => appReachesBackends('lonely.example.test', 'lonely', [/^postgres: ok/m]).run(ctx),
      }],
      expectFailure: { unit: 'lonely.service', cause: /could not translate host name "db.lonely.test"/ },
    },
  ];
}
