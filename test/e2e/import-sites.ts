// Compose projects of test/import/compose, imported as users import them (the generated site file
// is written and run), then started for real: databases on the PostgreSQL and Valkey stand-ins,
// every other image on the stay-up stand-in. Proves that what `quadlet-cdk import compose` writes
// starts on systemd and rootless Podman, in the order compose promised (issue 14).
import * as fs from 'fs';
import * as path from 'path';
import { importCompose } from '../../lib/import';
import { CheckContext, SiteCheck, SiteFailure, StandInRole, unitKey } from '../../lib/testing/machine';
import { dataSurvivesRestart, imagesAsNamed, mountsExist } from './checks';
import { E2eSite, imagesOf, stayUpNeeds, synthSite } from './sites';

const COMPOSE_DIR = path.join(__dirname, '..', 'import', 'compose');
const LIB = path.resolve(__dirname, '..', '..', 'lib');

/** The stand-in for an image: the real server for PostgreSQL and Redis/Valkey, stay-up for the rest. */
function standInFor(ref: string): StandInRole {
  const repo = ref.replace(/[:@].*$/, '').split('/').pop()!;
  if (repo === 'postgres') return 'postgres';
  if (repo === 'redis' || repo === 'valkey') return 'valkey';
  return 'stay-up';
}

/** `dependent` became active only after `dependency` passed its health check (Notify=healthy). */
function startedAfterHealthy(dependent: string, dependency: string): SiteCheck {
  return {
    name: `${dependent} started only once ${dependency} was healthy (depends_on: service_healthy)`,
    run: (ctx: CheckContext) => {
      const unitOf = (c: string) => ctx.site.units.find((u) => u.containerName === c);
      const dep = unitOf(dependency);
      const app = unitOf(dependent);
      if (!dep || !app) throw new SiteFailure('find the units', [{ unit: `${dependent}.service`, cause: `no container ${!dep ? dependency : dependent} in the site` }]);
      if (unitKey(dep.text, 'Notify') !== 'healthy') throw new SiteFailure('Notify=healthy', [{ unit: dep.unit, cause: 'its unit has no Notify=healthy' }]);
      const at = (unit: string) => Number(ctx.m.user(['systemctl', '--user', 'show', '-P', 'ActiveEnterTimestampMonotonic', unit]).stdout.trim());
      const health = ctx.m.user(['podman', 'inspect', '-f', '{{.State.Health.Status}}', dependency]).stdout.trim();
      const [depAt, appAt] = [at(dep.unit), at(app.unit)];
      if (health !== 'healthy') throw new SiteFailure('health', [{ unit: dep.unit, cause: `health status "${health}"` }]);
      if (!(depAt > 0 && appAt >= depAt)) throw new SiteFailure('start order', [{ unit: app.unit, cause: `active at ${appAt} µs, before ${dep.unit} became active (healthy) at ${depAt} µs` }]);
    },
  };
}

interface ImportCase {
  readonly project: string;
  readonly checks: (name: string) => SiteCheck[];
}

const CASES: ImportCase[] = [
  // PostgreSQL and an app that waits for it to be healthy; the password moved to env files.
  { project: 'umami', checks: () => [startedAfterHealthy('umami', 'umami-db'), dataSurvivesRestart('umami-db', 'umami', 'umami'), imagesAsNamed(), mountsExist()] },
  // Three services, values from the project's .env, a runner that needs n8n.
  { project: 'n8n-postgres', checks: () => [startedAfterHealthy('n8n', 'postgres'), imagesAsNamed(), mountsExist()] },
  // One service with a bind mount under the project folder (home('data') on the host).
  { project: 'uptime-kuma', checks: () => [imagesAsNamed(), mountsExist()] },
  // Valkey with a health check, Caddy and the app: four containers on two networks.
  { project: 'searxng', checks: () => [imagesAsNamed(), mountsExist()] },
];

/** The imported compose projects, each synthesized from the site file the import wrote. */
export function importedSites(work: string): E2eSite[] {
  return CASES.map(({ project, checks }) => {
    const dir = path.join(COMPOSE_DIR, project);
    const file = path.join(dir, fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()[0]);
    // The project folder stands for the user's home: its relative bind mounts become home('...').
    const result = importCompose(fs.readFileSync(file, 'utf8'), { path: file, homeDir: dir, libraryImport: LIB, environment: {} });
    if (!result.ok) throw new Error(`import of ${project} failed: ${result.report.findings.map((f) => f.message).join('; ')}`);
    const siteFile = path.join(work, `imported-${project}.ts`);
    fs.writeFileSync(siteFile, result.source);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const outDir = synthSite(path.join(work, `imported-${project}`), (app) => require(siteFile).default(app));
    const images = Object.fromEntries(imagesOf(outDir).map((ref) => [ref, standInFor(ref)]));
    return {
      name: `imported ${project}`,
      outDir,
      images,
      ...stayUpNeeds(outDir),
      prepare: { standInHostFiles: true },
      startTimeoutMs: 90000,
      checks: checks(project),
    };
  });
}
