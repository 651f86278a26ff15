/**
 * `quadlet-cdk validate`: runs the real tools found on this machine over each app's output:
 * podman's quadlet generator, `systemd-analyze verify` and `caddy validate`.
 */
import { Site } from '../core/site';
import { caddyValidate, findValidators, quadletDryRun, quadletFor, systemdVerify, ValidatorPaths } from '../testing/validators';
import { findApps, outputFiles, withScratchRuns } from './apps';
import { booleanFlag, parseFlags, stringFlag } from './args';
import { CliCommand, ExitCode } from './command';

/** One tool's verdict on one site. */
interface Check {
  readonly app: string;
  readonly site: string;
  readonly tool: 'quadlet' | 'systemd-analyze' | 'caddy';
  /** `skipped`: the tool is not installed, or the site has nothing for it. */
  readonly status: 'ok' | 'failed' | 'skipped';
  readonly output: string;
}

function area(files: Record<string, string>, dir: string): Record<string, string> {
  const prefix = dir ? `${dir}/` : '';
  return Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith(prefix)).map(([p, c]) => [p.slice(prefix.length), c]));
}

function checkSite(app: string, site: Site, files: Record<string, string>, tools: ValidatorPaths): Check[] {
  const quadlet = area(files, site.dirOf('quadlet'));
  const units = area(files, site.dirOf('systemd'));
  const caddy = area(files, site.dirOf('caddy'));
  const rootless = site.rootless;
  // The generator of the release the site targets when one is installed (e.g. 5.8 beside 5.4).
  const quadletBin = quadletFor(site.podmanVersion)?.bin ?? tools.quadlet;
  const check = (tool: Check['tool'], bin: string | undefined, has: boolean, fn: () => { ok: boolean; output: string }): Check => {
    if (!has) return { app, site: site.name, tool, status: 'skipped', output: 'nothing to check' };
    if (!bin) return { app, site: site.name, tool, status: 'skipped', output: 'not installed (scripts/ensure-validators.sh installs it into .tools/)' };
    const r = fn();
    return { app, site: site.name, tool, status: r.ok ? 'ok' : 'failed', output: r.output.trim() };
  };
  return [
    check('quadlet', quadletBin, Object.keys(quadlet).length > 0, () => {
      const r = quadletDryRun(quadlet, { rootless, bin: quadletBin });
      return { ok: r.ok, output: r.ok ? `${Object.keys(r.services).length} services generated` : r.stderr };
    }),
    check('systemd-analyze', tools.systemdAnalyze && quadletBin, Object.keys(quadlet).length + Object.keys(units).length > 0,
      () => systemdVerify(quadlet, units, { rootless, systemdAnalyzeBin: tools.systemdAnalyze, quadletBin })),
    check('caddy', tools.caddy, 'Caddyfile' in caddy, () => caddyValidate(caddy, 'Caddyfile', { bin: tools.caddy })),
  ];
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check each app\'s output with the real quadlet generator, systemd-analyze and caddy',
  usage: `Usage: quadlet-cdk validate [APP...] [--apps DIR] [--require-all] [--json]

Synthesizes each app in memory (the output folders are not touched) and runs the validators
found on this machine over each site's files: podman's quadlet generator (-dryrun), systemd-
analyze verify on the generated and plain units, and caddy validate on the Caddyfile. Tools
are looked up in $QUADLET_BIN, $SYSTEMD_ANALYZE_BIN, $CADDY_BIN, ./.tools/ and PATH; a missing
one is reported as skipped.

Options:
  --apps DIR     the apps folder (default: apps)
  --require-all  fail when a validator is missing
  --json         print the checks as JSON
  -h, --help     print this help

Exit codes: 0 every check that ran passed; 1 a check failed, an app failed to synthesize, or
(with --require-all) a validator is missing; 2 wrong usage.
`,
  async run(args, io) {
    const parsed = parseFlags(args, { 'apps': { type: 'string' }, 'require-all': { type: 'boolean' }, 'json': { type: 'boolean' } });
    const apps = findApps(parsed.positionals, io.cwd, stringFlag(parsed, 'apps', 'apps'));
    const tools = findValidators(io.cwd);
    const json = booleanFlag(parsed, 'json');
    return withScratchRuns(apps, io, (succeeded, anyFailed) => {
      const checks: Check[] = [];
      let failed = anyFailed;
      for (const run of succeeded) {
        for (const { app, result } of run.synths) {
          const files = outputFiles(result);
          for (const site of app.node.findAll().filter(Site.isSite)) {
            if (!json) io.stderr(`checking ${run.app.display} site ${site.name}...\n`);
            const found = checkSite(run.app.display, site, files, tools);
            if (!json) for (const c of found) io.stdout(`${c.status.toUpperCase().padEnd(7)} ${c.tool.padEnd(15)} ${run.app.display} site ${site.name}${c.status === 'ok' ? '' : `: ${c.output.split('\n').join('\n        ')}`}\n`);
            checks.push(...found);
          }
        }
      }
      const missing = checks.some((c) => c.status === 'skipped' && c.output.startsWith('not installed'));
      failed ||= checks.some((c) => c.status === 'failed') || (booleanFlag(parsed, 'require-all') && missing);
      if (json) io.stdout(JSON.stringify({ ok: !failed, checks }, null, 2) + '\n');
      return failed ? ExitCode.FAILED : ExitCode.OK;
    });
  },
};
