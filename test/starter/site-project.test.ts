import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { javascript, SampleFile, typescript } from 'projen';
import { QuadletSite } from '../../lib/projen';

/** The QuadletSite component in memory (the end-to-end guide test only runs in CI). */
describe('QuadletSite (projen component)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-projen-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const project = () => new typescript.TypeScriptProject({
    name: 'site', defaultReleaseBranch: 'main', outdir: dir, github: false, sampleCode: false, jest: false, packageManager: javascript.NodePackageManager.NPM,
  });
  const samples = (p: typescript.TypeScriptProject) => p.components.filter((c): c is SampleFile => c instanceof SampleFile).map((c) => (c as any).filePath as string).filter((f) => f.endsWith('.ts'));
  const ignoresOf = (p: typescript.TypeScriptProject) => {
    const added: string[] = [];
    const original = p.addGitIgnore.bind(p);
    p.addGitIgnore = (pattern: string) => { added.push(pattern); original(pattern); };
    return added;
  };

  it('adds a synth task over apps/ into dist/, the deps, the gitignore entry and a sample app', () => {
    const p = project();
    const ignored = ignoresOf(p);
    const site = new QuadletSite(p);
    expect([site.appsDir, site.outdir]).to.deep.equal(['apps', 'dist']);
    const task = p.tasks.tryFind('synth')!;
    expect(task.steps.map((s) => s.exec)).to.have.length(1);
    expect(task.steps[0].exec).to.equal('quadlet-cdk synth --apps apps --out dist');
    expect(p.deps.tryGetDependency('quadlet-cdk')?.version).to.match(/^\^\d+\.\d+\.\d+/);
    expect(ignored).to.deep.equal(['/dist/']);
    expect(samples(p)).to.deep.equal(['apps/main.ts']);
  });

  it('takes its folders and task name from options, and can leave deps and the sample alone', () => {
    fs.mkdirSync(path.join(dir, 'sites'));
    fs.writeFileSync(path.join(dir, 'sites', 'mine.ts'), '');
    const p = project();
    const ignored = ignoresOf(p);
    new QuadletSite(p, { appsDir: 'sites', outdir: 'out', taskName: 'units', manageDependencies: false, sampleApp: true, strict: true });
    expect(p.tasks.tryFind('units')!.steps[0].exec).to.equal('quadlet-cdk synth --apps sites --out out --strict');
    expect(p.deps.tryGetDependency('quadlet-cdk')).to.equal(undefined);
    expect(ignored).to.deep.equal(['/out/']);
    expect(samples(p), 'no sample when the folder has an app').to.deep.equal([]);
  });
});
