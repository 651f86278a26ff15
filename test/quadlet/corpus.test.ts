/**
 * Every unit file of podman's quadlet corpus (test/quadlet/corpus, see its README) through the
 * typed API (the quadlet importer builds the constructs), checked against the file's own
 * `## assert-...` lines with the generator of the release it needs (see corpus-run.ts). A file
 * leaving `match` / `rejected` / `keys`, or one of the listed ones starting to pass, fails the test.
 */
import * as fs from 'fs';
import { expect } from 'chai';
import { assertionsOf, knownKind } from './corpus-assert';
import { CORPUS, corpusFiles, CorpusResult, KINDS, runCase } from './corpus-run';
import { needQuadlet } from './support';

const KEEP_GROUPS = 'GroupAdd=keep-groups with another group, which podman refuses when it runs (QUADLET036; the generator passes both on)';

/** The files that are none of match / rejected / keys, and why: each is refused by the library on purpose. */
const KNOWN: Record<string, string> = {
  'creds.image': 'a password written in the unit (SECRET001): the output never holds a secret value; an auth file (podman login, AuthFile=) is the way',
  'group-add.build': `${KEEP_GROUPS}: buildah refuses it at every RUN step`,
  'group-add.container': `${KEEP_GROUPS}: podman run exits with 125; on a rootless site keep-groups is refused too (QUADLET020)`,
};

/**
 * The files the harness builds other than as imported (corpus-run.ts `build`), and how: a short
 * image name allowed with `allowShortName` and its reason, or the files podman's test puts beside
 * the file kept outside the site (`outsideUnits`, `QuadletUnit.fromFileName`) because two of them
 * (basic.container, basic.kube) make one service, which the library refuses in one site (QUADLET011).
 */
const SHORT = ['IMAGE001'];
const CLASH = ['QUADLET011'];
const ADJUSTED: Record<string, string[]> = {
  'containersconfmodule.container': SHORT,
  'containersconfmodule.image': SHORT,
  'globalargs.container': SHORT,
  'globalargs.image': SHORT,
  'shortname.container': SHORT,
  'dependent.build': CLASH,
  'dependent.container': CLASH,
  'dependent.image': CLASH,
  'dependent.kube': CLASH,
  'dependent.network': CLASH,
  'dependent.pod': CLASH,
  'dependent.volume': CLASH,
};

describe('podman\'s quadlet corpus, every unit file through the typed API', function () {
  this.timeout(20 * 60_000);
  let results: CorpusResult[] = [];

  it('uses only assertion kinds the interpreter evaluates', () => {
    const kinds = new Set(corpusFiles().flatMap((f) => assertionsOf(fs.readFileSync(`${CORPUS}/${f}`, 'utf8')).map((a) => a.kind)));
    expect([...kinds].filter((k) => !knownKind(k))).to.deep.equal([]);
    expect(kinds.size).to.be.greaterThan(25);
  });

  describe('built, synthesized and checked with the generator', () => {
    before(function () {
      needQuadlet(this);
      results = corpusFiles().map((f) => runCase(f));
      const line = (k: string) => {
        const of = results.filter((r) => r.kind === k);
        const n = (o: string, e?: string) => of.filter((r) => r.outcome === o && (e === undefined || r.expected === e)).length;
        return `${k.padEnd(9)} ${of.length} files: accepted ${n('match')} matching / ${of.filter((r) => r.expected === 'accepted').length}, rejected ${n('rejected')} / ${of.filter((r) => r.expected === 'rejected').length} refused by synth, ${n('keys')} beyond the installed generators (keys compared), ${n('miss')} listed`;
      };
      // Printed so the run shows the totals.
      console.log(KINDS.map((k) => `      ${line(k)}`).join('\n'));
      const newer = results.flatMap((r) => r.newer);
      console.log(`      ${results.reduce((n, r) => n + r.checked, 0)} assertions checked on our units; ${newer.length} fail on podman's own file with every installed generator (a newer podman's behaviour)`);
      console.log(`      ${results.filter((r) => r.adjusted.length).length} files built with allowShortName or with their neighbours outside the site`);
    });

    it('every file is matching, rejected or beyond the installed generators, except the listed ones', () => {
      const misses = Object.fromEntries(results.filter((r) => r.outcome === 'miss').map((r) => [r.file, r.why!.split('\n')[0]]));
      expect(Object.keys(misses).sort(), JSON.stringify(misses, undefined, 1)).to.deep.equal(Object.keys(KNOWN).sort());
    });

    it('builds only the listed files other than as imported, and each the listed way', () => {
      const adjusted = Object.fromEntries(results.filter((r) => r.adjusted.length).map((r) => [r.file, r.adjusted.map((a) => a.split(':')[0])]));
      expect(adjusted).to.deep.equal(ADJUSTED);
    });

    it('checks assertions on nearly every accepted file, and refuses rejected ones with an error', () => {
      const accepted = results.filter((r) => r.outcome === 'match');
      expect(accepted.length).to.be.greaterThan(260);
      expect(accepted.filter((r) => r.checked > 0).length).to.be.greaterThan(250);
      for (const r of results.filter((x) => x.outcome === 'rejected')) expect(r.codes, r.file).to.not.deep.equal([]);
    });

    it('counts as a newer release\'s behaviour only a few assertions', () => {
      const newer = results.filter((r) => r.newer.length).map((r) => `${r.file}: ${r.newer.join(' | ')}`);
      expect(newer.length, newer.join('\n')).to.be.at.most(10);
    });
  });
});
