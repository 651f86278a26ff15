import { expect } from 'chai';
import { allCommands, mainUsage, version } from '../../lib/cli/registry';

const COMMANDS = allCommands();
import { bin, cli } from './support';

describe('quadlet-cdk: help, version and exit codes', () => {
  it('--help lists every subcommand with its summary, exit code 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(mainUsage());
    expect(r.stdout).to.match(/^Usage: quadlet-cdk <command> \[options\]/);
    for (const c of COMMANDS) expect(r.stdout).to.match(new RegExp(`^  ${c.name} +${c.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
    expect(COMMANDS.map((c) => c.name)).to.include.members(['synth', 'watch', 'docs', 'graph', 'validate', 'import']);
  });

  for (const name of ['synth', 'watch', 'docs', 'graph', 'validate', 'import']) {
    it(`${name} --help, -h and help ${name} print its usage, exit code 0`, async () => {
      const command = COMMANDS.find((c) => c.name === name)!;
      expect(command.usage).to.match(new RegExp(`^Usage: quadlet-cdk ${name}\\b`));
      expect(command.usage).to.contain('-h, --help');
      for (const argv of [[name, '--help'], [name, '-h'], ['help', name], [name, 'whatever', '--help']]) {
        const r = await cli(argv);
        expect(r.code, argv.join(' ')).to.equal(0);
        expect(r.stdout).to.equal(command.usage);
        expect(r.stderr).to.equal('');
      }
    });
  }

  it('every subcommand\'s help names its exit codes or how it stops', () => {
    for (const c of COMMANDS) expect(c.usage, c.name).to.match(/Exit codes:|Stops on Ctrl-C/);
  });

  it('no command prints the usage to stderr with exit code 2', async () => {
    const r = await cli([]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(mainUsage());
  });

  it('an unknown command, an unknown flag and a missing value are usage errors (2)', async () => {
    const unknown = await cli(['synthesize']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('unknown command "synthesize"');
    const flag = await cli(['synth', '--outdir', 'x']);
    expect(flag.code).to.equal(2);
    expect(flag.stderr).to.contain("Unknown option '--outdir'").and.contain('see quadlet-cdk synth --help');
    const value = await cli(['graph', 'apps/demo.ts', '--format']);
    expect(value.code).to.equal(2);
    expect(value.stderr).to.contain("'--format <value>' argument missing");
    const format = await cli(['graph', 'apps/demo.ts', '--format', 'svg']);
    expect(format.code).to.equal(2);
    expect(format.stderr).to.contain('--format must be one of mermaid, dot, not svg');
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version']);
    expect([r.code, r.stdout]).to.deep.equal([0, `${version()}\n`]);
  });

  it('the bin exits with the same codes from a child process (0, 1, 2)', () => {
    expect(bin(['--help']).code).to.equal(0);
    const usage = bin(['synth', 'no/such/app.ts']);
    expect(usage.code, usage.stderr).to.equal(2);
    expect(usage.stderr).to.contain('no such app file or folder: no/such/app.ts');
    const none = bin([]);
    expect(none.code).to.equal(2);
  });
});
