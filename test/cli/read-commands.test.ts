import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { findValidators, requireValidators } from '../../lib/testing';
import { cli, ROOT, scratch, siteApp } from './support';

/** graph, docs and validate synthesize in a scratch folder: the real output folders stay untouched. */
describe('quadlet-cdk graph, docs, validate', () => {
  let s: ReturnType<typeof scratch>;
  beforeEach(() => { s = scratch(); });
  afterEach(() => s.cleanup());

  it('graph prints the sodimo units and their Requires= as a Mermaid flowchart, and writes nothing', async () => {
    const r = await cli(['graph', 'apps/sodimo.ts']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^%% apps\/sodimo\.ts: site sodimo\nflowchart LR\n/);
    expect(r.stdout).to.contain('subgraph');
    // Each edge carries its strength: Requires= edges are solid and labelled, Wants= edges dotted.
    expect(r.stdout).to.match(/ -->\|requires, healthy\| /);
    expect(r.stdout).to.match(/ -\.->\|wants\| /);
    expect(r.stdout).to.not.contain('```');
  });

  it('graph --format dot prints a Graphviz digraph with one edge per dependency', async () => {
    s.write('g.ts', `import { App, Container, Site } from ${JSON.stringify(path.join(ROOT, 'lib'))};
export default (app: App) => {
  const site = new Site(app, 'g');
  const db = new Container(site, 'pg', { image: 'docker.io/library/postgres:16.4', networkMode: 'none' });
  new Container(site, 'web', { image: 'docker.io/library/nginx:1.27', networkMode: 'none', dependsOn: [db] });
};
`);
    const r = await cli(['graph', '--format', 'dot'], s.dir);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal([
      '// apps/g.ts: site g',
      'digraph "g" {',
      '  rankdir=LR;',
      '  "pg.container" [shape=box];',
      '  "web.container" [shape=box];',
      '  "web.container" -> "pg.container";',
      '}',
      '',
    ].join('\n'));
    expect(fs.existsSync(path.join(s.dir, 'dist'))).to.equal(false);
  });

  it('graph and docs exit 1 when an app fails to synthesize', async () => {
    s.write('bad.ts', siteApp('bad', ['web'], { image: 'nginx:1.27' }));
    const graph = await cli(['graph'], s.dir);
    expect(graph.code).to.equal(1);
    expect(graph.stderr).to.contain('IMAGE001');
    expect((await cli(['docs'], s.dir)).code).to.equal(1);
  });

  it('docs prints the site docs sodimo generates; --json gives them as data', async () => {
    const r = await cli(['docs', 'apps/sodimo.ts']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^<!-- apps\/sodimo\.ts: docs\/sodimo\.md -->$/m).and.match(/^<!-- apps\/sodimo\.ts: docs\/sodimo-host\.md -->$/m).and.match(/^# /m);
    const json = JSON.parse((await cli(['docs', 'apps/sodimo.ts', '--json'])).stdout);
    expect(json.length).to.be.greaterThan(0);
    expect(json[0]).to.have.keys(['app', 'path', 'content']);
    expect(r.stdout).to.contain(json[0].content);
  });

  it('docs exits 1 for an app without SiteDocs, and --codes prints the code catalogue', async () => {
    s.write('plain.ts', siteApp('plain', ['web']));
    const none = await cli(['docs'], s.dir);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.contain('apps/plain.ts generates no docs');
    const codes = await cli(['docs', '--codes']);
    expect(codes.code).to.equal(0);
    expect(codes.stdout).to.contain('CORE003').and.contain('IMAGE001');
    expect(codes.stdout).to.equal(fs.readFileSync(path.join(ROOT, 'docs', 'diagnostics.md'), 'utf8'));
  });

  it('validate runs the quadlet generator, systemd-analyze and caddy over sodimo and reports each', async function () {
    this.timeout(300_000); // systemd-analyze verify once per unit
    const tools = findValidators();
    if (!tools.quadlet || !tools.caddy || !tools.systemdAnalyze) {
      if (requireValidators()) throw new Error('validators missing: run scripts/ensure-validators.sh');
      this.skip();
    }
    const r = await cli(['validate', 'apps/sodimo.ts', '--require-all']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.equal([
      'OK      quadlet         apps/sodimo.ts site sodimo',
      'OK      systemd-analyze apps/sodimo.ts site sodimo',
      'OK      caddy           apps/sodimo.ts site sodimo',
      '',
    ].join('\n'));
    const json = JSON.parse((await cli(['validate', 'apps/demo.ts', '--json'])).stdout);
    expect(json.ok).to.equal(true);
    expect(json.checks.map((c: any) => `${c.tool} ${c.status}`)).to.include('quadlet ok');
  });

  it('validate reports a missing validator as skipped, and --require-all makes that a failure', async () => {
    s.write('one.ts', siteApp('one', ['web']));
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const relaxed = await cli(['validate'], s.dir);
      const strict = await cli(['validate', '--require-all'], s.dir);
      if (!relaxed.stdout.includes('SKIPPED quadlet')) return; // a QUADLET_BIN in the environment found it
      expect(relaxed.code).to.equal(0);
      expect(relaxed.stdout).to.contain('SKIPPED quadlet         apps/one.ts site one: not installed');
      expect(strict.code).to.equal(1);
    } finally {
      process.env.PATH = saved;
    }
  });
});
