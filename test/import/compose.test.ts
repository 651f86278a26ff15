import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { checkCompose, ComposeCheck, composeProjects } from './compose-corpus';
import { scratchDir, typeCheck } from './support';

describe('import compose: real projects', function () {
  this.timeout(10 * 60_000);
  const checks = new Map<string, ComposeCheck>();
  let dir: string;

  before(() => {
    dir = scratchDir('compose');
    for (const { name, file } of composeProjects()) checks.set(name, checkCompose(name, file, dir));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('has at least 20 projects', () => {
    expect(checks.size).to.be.at.least(20);
  });

  it('imports every file with a report, and each site synthesizes and passes the quadlet generator', () => {
    for (const [name, c] of checks) {
      expect(c.result.ok, name).to.equal(true);
      expect(c.result.report.sources.length, name).to.be.greaterThan(0);
      expect(c.problems, name).to.deep.equal([]);
      expect(Object.keys(c.quadlets).length, name).to.be.greaterThan(0);
    }
  });

  it('every generated site type-checks against the library', () => {
    expect(typeCheck([...checks.values()].map((c) => c.site))).to.equal('');
  });

  it('never writes a secret value into the source or the synthesized files', () => {
    let checked = 0;
    for (const [name, c] of checks) {
      const dirOf = path.dirname(composeProjects().find((p) => p.name === name)!.file);
      const envFiles = [...fs.readdirSync(dirOf).map((f) => path.join(dirOf, f)), ...(fs.existsSync(path.join(dirOf, 'env')) ? fs.readdirSync(path.join(dirOf, 'env')).map((f) => path.join(dirOf, 'env', f)) : [])]
        .filter((f) => /(^|\/)\.env|\.env$/.test(f) && fs.statSync(f).isFile());
      const secrets = envFiles.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n'))
        .map((l) => /^(?:export\s+)?[A-Z0-9_]*(PASS|SECRET|KEY|TOKEN)[A-Z0-9_]*=["']?([^"'\s]{6,})/.exec(l.trim())?.[2]).filter((v): v is string => !!v && !/^(true|false)$/i.test(v));
      checked += secrets.length;
      for (const s of secrets) {
        expect(c.result.source, `${name}: ${s.slice(0, 3)}...`).not.to.include(s);
        for (const text of Object.values(c.quadlets)) expect(text).not.to.include(s);
      }
    }
    expect(checked).to.be.greaterThan(10);
  });

  it('maps service_healthy to a dependency on a unit that reports healthy (authentik)', () => {
    const src = checks.get('authentik')!.result.source;
    expect(src).to.match(/dependsOn: \[\{ unit: postgresql, ready: 'healthy' \}, \{ unit: redis, ready: 'healthy' \}\]/);
    expect(src).not.to.match(/notify: 'healthy'/);
    const units = checks.get('authentik')!.quadlets;
    expect(units['postgresql.container']).to.include('Notify=healthy');
    expect(units['server.container']).to.match(/^Requires=postgresql\.service redis\.service$/m);
  });
});
