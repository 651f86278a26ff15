/**
 * `quadlet-cdk doctor`: checks a host against each site's prerequisites before anything starts.
 */
import { findApps, withScratchRuns } from '../cli/apps';
import { parseFlags, stringFlag, booleanFlag, UsageError } from '../cli/args';
import { CliCommand, ExitCode } from '../cli/command';
import { Site } from '../core/site';
import { checkHost, formatHostReport, HostReport } from './doctor';
import { PREREQUISITE_KINDS, PrerequisiteKind } from './need';

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check a host against each site\'s prerequisites (sysctls, sockets, devices, host files, ports, releases)',
  usage: `Usage: quadlet-cdk doctor [APP...] [--apps DIR] [--root DIR] [--user NAME] [--skip KINDS] [--json]

Synthesizes each app in memory (the output folders are not touched), derives what each site
needs from the host (docs/<site>-host.md lists the same), and checks the host: the podman and
systemd releases, subordinate ids and linger for the user of a rootless site, sysctls (a
rootless port below 1024), host units (podman.socket for a mounted API socket), devices and
their groups, the files and folders units mount or run that the site does not generate
(present, of the right type, readable or executable by the user), and published ports free.
Each is printed as ok, MISSING (with its fix) or unknown (could not be checked here). Nothing
on the host is changed.

Options:
  --apps DIR     the apps folder (default: apps)
  --root DIR     look at the host tree under DIR instead of / (podman and systemd are then
                 not run: their releases are unknown)
  --user NAME    the user a rootless site runs as (default: $SUDO_USER, else the current user)
  --skip KINDS   comma-separated kinds not to check: ${PREREQUISITE_KINDS.join(', ')}
                 (e.g. --skip port on a host where the site already runs)
  --json         print the reports as JSON: [{ site, user, where, ok, checks: [{ id, kind,
                 what, status, found, neededBy, why, from, shipped, fix: { text, command } }] }]
  -h, --help     print this help

Exit codes: 0 nothing missing; 1 something is missing or an app failed to synthesize; 2 wrong
usage.
`,
  async run(args, io) {
    const parsed = parseFlags(args, { 'apps': { type: 'string' }, 'root': { type: 'string' }, 'user': { type: 'string' }, 'skip': { type: 'string' }, 'json': { type: 'boolean' } });
    const apps = findApps(parsed.positionals, io.cwd, stringFlag(parsed, 'apps', 'apps'));
    const skip = stringFlag(parsed, 'skip', '').split(',').filter((s) => s !== '');
    const unknown = skip.filter((s) => !(PREREQUISITE_KINDS as readonly string[]).includes(s));
    if (unknown.length) throw new UsageError(`--skip: unknown kind ${unknown.join(', ')} (the kinds are ${PREREQUISITE_KINDS.join(', ')})`);
    const root = typeof parsed.flags.root === 'string' ? require('path').resolve(io.cwd, parsed.flags.root) : '/';
    const user = typeof parsed.flags.user === 'string' ? parsed.flags.user : undefined;
    const json = booleanFlag(parsed, 'json');
    return withScratchRuns(apps, io, (succeeded, anyFailed) => {
      const reports: Array<HostReport & { readonly app: string }> = [];
      for (const run of succeeded) {
        for (const { app, result } of run.synths) {
          const files = result.files.map((f) => ({ path: f.path, constructPath: f.construct }));
          for (const site of app.node.findAll().filter(Site.isSite).filter((s) => s.backend === 'quadlet')) {
            if (!json) io.stderr(`checking ${run.app.display} site ${site.name}...\n`);
            const report = checkHost(site, { root, user, files, skip: skip as PrerequisiteKind[] });
            reports.push({ app: run.app.display, ...report });
            if (!json) io.stdout(formatHostReport(report));
          }
        }
      }
      if (json) io.stdout(JSON.stringify(reports, null, 2) + '\n');
      return anyFailed || reports.some((r) => !r.ok) ? ExitCode.FAILED : ExitCode.OK;
    });
  },
};
