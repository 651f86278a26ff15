/** `quadlet-cdk docs`: the site documentation an app generates, or the diagnostic code catalogue. */
import { Site } from '../core/site';
import { findApps, outputFiles, withScratchRuns } from './apps';
import { booleanFlag, parseFlags, stringFlag } from './args';
import { CliCommand, ExitCode } from './command';

export const docsCommand: CliCommand = {
  name: 'docs',
  summary: 'Print the site docs each app generates, or the diagnostic code catalogue',
  usage: `Usage: quadlet-cdk docs [APP...] [--apps DIR] [--json]
       quadlet-cdk docs --codes

Synthesizes each app in memory (nothing is written) and prints the Markdown documentation its
SiteDocs constructs generate: units, routes, dependencies, what to fill in on the host.
With --codes, prints every diagnostic code with its meaning and fix instead.

Options:
  --apps DIR  the apps folder (default: apps)
  --codes     print the diagnostic code catalogue (Markdown)
  --json      print [{ app, path, content }] instead of the Markdown
  -h, --help  print this help

Exit codes: 0 printed; 1 an app failed to synthesize or generates no docs; 2 wrong usage.
`,
  async run(args, io) {
    const parsed = parseFlags(args, { apps: { type: 'string' }, codes: { type: 'boolean' }, json: { type: 'boolean' } });
    if (booleanFlag(parsed, 'codes')) {
      await import('..'); // every domain registers its codes when loaded
      const { renderDiagnosticsDoc } = await import('../render/diagnostics-doc');
      io.stdout(renderDiagnosticsDoc());
      return ExitCode.OK;
    }
    const apps = findApps(parsed.positionals, io.cwd, stringFlag(parsed, 'apps', 'apps'));
    return withScratchRuns(apps, io, (succeeded, anyFailed) => {
      const docs: Array<{ app: string; path: string; content: string }> = [];
      let failed = anyFailed;
      for (const run of succeeded) {
        const before = docs.length;
        for (const { app, result } of run.synths) {
          const files = outputFiles(result);
          const docDirs = app.node.findAll().filter(Site.isSite).map((s) => (s.dirOf('docs') ? `${s.dirOf('docs')}/` : ''));
          for (const [p, content] of Object.entries(files)) {
            if (p.endsWith('.md') && docDirs.some((d) => p.startsWith(d))) docs.push({ app: run.app.display, path: p, content });
          }
        }
        if (docs.length === before) {
          io.stderr(`quadlet-cdk: ${run.app.display} generates no docs (add a SiteDocs to its site)\n`);
          failed = true;
        }
      }
      if (booleanFlag(parsed, 'json')) io.stdout(JSON.stringify(docs, null, 2) + '\n');
      else io.stdout(docs.map((d) => `<!-- ${d.app}: ${d.path} -->\n${d.content}`).join('\n'));
      return failed ? ExitCode.FAILED : ExitCode.OK;
    });
  },
};
