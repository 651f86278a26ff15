/** `quadlet-cdk graph`: the units of each site and what they need, as Mermaid or Graphviz dot. */
import { Site } from '../core/site';
import { collectUnits, renderDot, renderMermaid } from '../docs';
import { findApps, withScratchRuns } from './apps';
import { parseFlags, stringFlag, UsageError } from './args';
import { CliCommand, ExitCode } from './command';

const FORMATS = ['mermaid', 'dot'] as const;

export const graphCommand: CliCommand = {
  name: 'graph',
  summary: 'Print the unit dependency graph of each site (Mermaid or Graphviz dot)',
  usage: `Usage: quadlet-cdk graph [APP...] [--apps DIR] [--format mermaid|dot]

Synthesizes each app in memory (nothing is written) and prints, per site, its units and their
dependencies: solid arrows for Requires=, dotted for Wants= and pod membership.

Options:
  --apps DIR       the apps folder (default: apps)
  --format FORMAT  mermaid (a flowchart, default) or dot (Graphviz: dot -Tsvg)
  -h, --help       print this help

Exit codes: 0 printed; 1 an app failed to synthesize; 2 wrong usage.

Examples:
  quadlet-cdk graph apps/sodimo.ts
  quadlet-cdk graph --format dot | dot -Tsvg > units.svg
`,
  async run(args, io) {
    const parsed = parseFlags(args, { apps: { type: 'string' }, format: { type: 'string' } });
    const format = stringFlag(parsed, 'format', 'mermaid');
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${format}`);
    const apps = findApps(parsed.positionals, io.cwd, stringFlag(parsed, 'apps', 'apps'));
    return withScratchRuns(apps, io, (succeeded, anyFailed) => {
      for (const run of succeeded) {
        for (const { app } of run.synths) {
          for (const site of app.node.findAll().filter(Site.isSite)) {
            const units = collectUnits(site);
            const lines = format === 'dot' ? renderDot(units, site.name) : renderMermaid(units).slice(1, -1);
            io.stdout(`${format === 'dot' ? '//' : '%%'} ${run.app.display}: site ${site.name}\n${lines.join('\n')}\n`);
          }
        }
      }
      return anyFailed ? ExitCode.FAILED : ExitCode.OK;
    });
  },
};
