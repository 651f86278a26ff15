import { expect } from 'chai';
import * as fs from 'fs';
import { corpusFiles, roundTrip, CaseResult } from './corpus-roundtrip';
import { scratchDir } from './support';

describe('import quadlet: round trip over podman\'s own corpus', function () {
  this.timeout(15 * 60_000);
  let results: CaseResult[] = [];
  let dir: string;

  before(() => {
    dir = scratchDir('corpus');
    results = corpusFiles().map((f) => roundTrip(f, dir));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders the same service for at least 95% of the files the generator accepts', () => {
    const accepted = results.filter((r) => r.outcome !== 'not-accepted');
    const matching = accepted.filter((r) => r.outcome === 'match');
    const share = matching.length / accepted.length;
    // Printed so the run shows the figure the issue asks for.
    console.log(`      corpus: ${results.length} files, ${accepted.length} accepted by the generator, ${matching.length} identical after import (${(share * 100).toFixed(1)}%)`);
    expect(accepted.length).to.be.greaterThan(200);
    expect(share).to.be.at.least(0.95);
  });

  it('names the cause for every file that does not round-trip', () => {
    for (const r of results.filter((x) => x.outcome === 'differs' || x.outcome === 'failed')) {
      expect(r.cause, r.file).to.be.a('string').and.match(/\S/);
    }
  });

  it('turns references between units into references between constructs', () => {
    const source = fs.readFileSync(results.find((r) => r.file === 'network.quadlet.container')!.source!, 'utf8');
    expect(source).to.match(/const basic = new Network\(site, 'basic'/);
    expect(source).to.match(/networks: \[basic\]/);
    const dep = fs.readFileSync(results.find((r) => r.file === 'image.container')?.source ?? results.find((r) => r.file === 'basic.container')!.source!, 'utf8');
    expect(dep).to.include('new Container(site');
  });
});
