/**
 * Podman's quadlet corpus (test/quadlet/corpus, see its README) through the typed API: each unit
 * file, with the files podman's own test puts beside it (dependencies, drop-ins), is imported into
 * constructs, synthesized by the library, and the generator of the release the file needs renders
 * the result; the corpus file's own `## assert-...` lines are evaluated on that service. The same
 * generator's rendering of podman's original file is evaluated too: an assertion that fails there
 * describes a newer generator than the one installed, and is counted apart, not as a miss.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from '../../lib';
import { buildSite, importQuadlets } from '../../lib/import';
import { parseUnitFile } from '../../lib/import/unit-parse';
import { systemdSplit } from '../../lib/import/words';
import { parseImageRef } from '../../lib/quadlet/image-ref';
import { compareVersions, KEY_TABLE, QuadletSection } from '../../lib/quadlet/keys';
import { quadletFor, quadletGenerate } from '../../lib/testing';
import { Assertion, assertionsOf, evaluate } from './corpus-assert';
import { quadletFiles } from './support';

export const CORPUS = path.join(__dirname, 'corpus');
export const KINDS = ['container', 'volume', 'network', 'pod', 'image', 'build', 'kube', 'artifact'] as const;
export type Kind = typeof KINDS[number];
const UNIT = new RegExp(`\\.(${KINDS.join('|')})$`);
const SECTION: Record<Kind, QuadletSection> = {
  container: 'Container', volume: 'Volume', network: 'Network', pod: 'Pod', image: 'Image', build: 'Build', kube: 'Kube', artifact: 'Artifact',
};
const SUFFIX: Record<Kind, string> = { container: '', kube: '', pod: '-pod', network: '-network', volume: '-volume', image: '-image', build: '-build', artifact: '-artifact' };
/** Where podman's test writes the units: some assertions match this path. */
const UNIT_FOLDER = 'podman-e2e-corpus/subtest-corpus/quadlet';
/** The podman path written into ExecStart= (assertions match a path ending in /podman); nothing runs it. */
const PODMAN = '/usr/bin/podman';
/** The releases whose generators scripts/ensure-validators.sh installs. */
const GENERATORS = ['5.4.2', '5.8.6'];
/** The release the corpus was taken from (see its README): what a file beyond the installed generators targets. */
const CORPUS_RELEASE = '6.0.0';
const REFUSED = 'the generator refuses podman\'s own file';

/** What podman's test (quadlet_test.go) expects of a file: see corpus/outcomes.json. */
interface Expected {
  readonly outcome: 'success' | 'warning' | 'error';
  readonly message?: string;
  readonly serviceName?: string;
  readonly with?: string[];
}
const OUTCOMES: Record<string, Expected> = JSON.parse(fs.readFileSync(path.join(CORPUS, 'outcomes.json'), 'utf8'));

export interface CorpusResult {
  readonly file: string;
  readonly kind: Kind;
  /** What podman's test expects: the generator accepts it (success, warning) or refuses it (error). */
  readonly expected: 'accepted' | 'rejected';
  /**
   * - `match`: built with the typed API, every assertion that holds on podman's own file holds on ours;
   * - `rejected`: the generator refuses the file, and the library's synth fails with an error diagnostic;
   * - `keys`: needs a release newer than any installed generator: our unit sets every key the file sets;
   * - `miss`: none of the above (`why` says what).
   */
  readonly outcome: 'match' | 'rejected' | 'keys' | 'miss';
  /** The release the site targets (and whose generator ran). */
  readonly podman: string;
  readonly why?: string;
  /** The assertions evaluated on our service. */
  readonly checked: number;
  /** Assertions that fail on podman's own file with the installed generator: a newer release's behaviour. */
  readonly newer: string[];
  /** The diagnostic codes of a rejected file. */
  readonly codes?: string[];
  /** How the harness built the case other than as imported (see `build`): empty for most. */
  readonly adjusted: string[];
}

export function corpusFiles(): string[] {
  return fs.readdirSync(CORPUS).filter((f) => UNIT.test(f)).sort();
}

const kindOf = (f: string) => UNIT.exec(f)![1] as Kind;
const read = (f: string) => fs.readFileSync(path.join(CORPUS, f), 'utf8');

/** A file podman's test does not list: its own `## assert-failed` says whether it is refused. */
function expectationOf(file: string): Expected {
  return OUTCOMES[file] ?? { outcome: assertionsOf(read(file)).some((a) => a.kind === 'assert-failed') ? 'error' : 'success' };
}

/** The drop-ins podman's test copies beside `file`: `<file>.d/`, and for an instance its template's. */
function dropIns(file: string): string[] {
  const m = /^(.+)@(.+)(\.\w+)$/.exec(file);
  const dirs = [`${file}.d`, ...(m ? [`${m[1]}@${m[3]}.d`] : [])];
  return dirs.filter((d) => fs.existsSync(path.join(CORPUS, d))).flatMap((d) => fs.readdirSync(path.join(CORPUS, d)).sort().map((f) => `${d}/${f}`));
}

/**
 * The files of one case: podman's test lists the dependencies of those it has; the few it does
 * not run (dependencies only) get the corpus files they name.
 */
function inputsOf(file: string, e: Expected, all: Set<string>): string[] {
  const named = OUTCOMES[file] ? [] : [...read(file).matchAll(/[A-Za-z0-9_.@-]+\.(?:container|volume|network|pod|image|build|kube|artifact)\b/g)].map((m) => m[0]).filter((f) => all.has(f) && f !== file);
  const units = [file, ...(e.with ?? named)];
  return [...units, ...units.flatMap(dropIns)];
}

/** The release whose keys the files use (templates and drop-ins need 5.0). */
function releaseNeeded(files: string[]): string {
  let need = '4.4.0';
  const raise = (v: string) => {
    // The key table names podman's development releases as they were tagged (6.0.0-dev).
    if (compareVersions(v.split('-')[0], need) > 0) need = v.split('-')[0];
  };
  for (const f of files) {
    if (f.includes('@') || f.includes('.d/')) raise('5.0');
    const parsed = parseUnitFile(read(f));
    if ('error' in parsed) continue;
    const kind = UNIT.exec(f.replace(/\.d\/.*$/, ''))?.[1] as Kind | undefined;
    if (!kind) continue;
    for (const s of parsed.sections) {
      const table = KEY_TABLE[s.name as QuadletSection];
      for (const e of s.entries) if (table?.keys[e.key]) raise(table.keys[e.key].since);
    }
  }
  return need;
}

/** The installed release whose generator checks a file needing `need`; undefined when none is new enough. */
function generatorFor(need: string): string | undefined {
  return GENERATORS.find((g) => compareVersions(g, need) >= 0);
}

function serviceOf(file: string, e: Expected): string {
  return `${e.serviceName ?? file.replace(UNIT, '') + SUFFIX[kindOf(file)]}.service`;
}

/** What synth made of a case: the quadlet files (with podman's own files it keeps outside the site), or the errors. */
interface Built {
  readonly files?: Record<string, string>;
  readonly errors: string[];
  readonly review: string[];
  /** How the case was built other than as imported, and why (see `build`). */
  readonly adjusted: string[];
}

/** The reason the harness gives the units whose short image name it allows (IMAGE001). */
export const SHORT_NAME_REASON = 'podman\'s corpus names an image built or tagged on the test host';

/** Imports the files into constructs and synthesizes them once: the quadlet files, or the error codes. */
function synth(inputs: Array<{ path: string; text: string }>, podman: string, outside: string[], shortNames: boolean): Omit<Built, 'adjusted'> {
  const imported = importQuadlets(inputs, { siteName: 'corpus', podmanVersion: podman, homeDir: '/home/corpus', outsideUnits: outside });
  const review = imported.report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.code} ${f.path}${f.field ? ` ${f.field}` : ''}: ${f.message}`);
  if (shortNames) {
    // The typed API's own escape hatch, given with its reason on each unit that names a short image.
    for (const d of imported.model.decls) {
      const image = d.props.image;
      if ((d.cls === 'Container' || d.cls === 'Image') && typeof image === 'string' && parseImageRef(image) && !parseImageRef(image)!.registry) d.props.allowShortName = SHORT_NAME_REASON;
    }
  }
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-corpus' });
  buildSite(imported.model, app);
  const out = app.synthFiles({ allowErrors: true });
  const errors = out.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
  return { files: errors.length ? undefined : quadletFiles(app), errors, review };
}

const codesOf = (errors: string[]) => new Set(errors.map((e) => e.split(':')[0]));

/**
 * Builds a case through the importer. Two refusals of the library are met the way a site author
 * meets them, and only when they are the only errors:
 * - IMAGE001 (a short image name): the units naming one get `allowShortName` with a reason;
 * - QUADLET011 (two of podman's files make one service, e.g. basic.container and basic.kube):
 *   the file is the site, and the files podman's test puts beside it stay outside it, as an
 *   admin's own units (`outsideUnits`: its dependencies on them become
 *   `QuadletUnit.fromFileName`); they are written beside the site's units for the generator run.
 */
function build(file: string, inputs: Array<{ path: string; text: string }>, podman: string): Built {
  const units = inputs.filter((i) => !i.path.includes('.d/'));
  let outside: Array<{ path: string; text: string }> = [];
  let shortNames = false;
  const adjusted: string[] = [];
  let r = synth(inputs, podman, [], false);
  for (let round = 0; r.errors.length && round < 2; round++) {
    const codes = codesOf(r.errors);
    if ([...codes].some((c) => c !== 'IMAGE001' && c !== 'QUADLET011')) break;
    if (codes.has('QUADLET011') && !outside.length && units.length > 1) {
      outside = units.filter((i) => i.path !== file);
      adjusted.push(`QUADLET011: ${outside.map((i) => i.path).join(' ')} outside the site`);
    }
    if (codes.has('IMAGE001') && !shortNames) {
      shortNames = true;
      adjusted.push('IMAGE001: allowShortName');
    }
    const site = inputs.filter((i) => !outside.includes(i));
    r = synth(site, podman, outside.map((i) => i.path), shortNames);
  }
  return r.files ? { ...r, files: { ...Object.fromEntries(outside.map((i) => [i.path, i.text])), ...r.files }, adjusted } : { ...r, adjusted };
}

/** Every `Key=value` of the corpus file's quadlet section is one of ours too (values compared as written). */
function missingKeys(corpusText: string, ours: string | undefined, section: QuadletSection): string[] {
  const theirs = parseUnitFile(corpusText);
  const mine = ours === undefined ? undefined : parseUnitFile(ours);
  if ('error' in theirs) return [theirs.error];
  // Values compared as the words systemd reads (quoting may differ).
  const kv = (e: { key: string; value: string }) => `${e.key}=${JSON.stringify(systemdSplit(e.value))}`;
  const have = new Set(mine && !('error' in mine) ? mine.sections.filter((s) => s.name === section).flatMap((s) => s.entries.map(kv)) : []);
  return theirs.sections.filter((s) => s.name === section).flatMap((s) => s.entries).filter((e) => !have.has(kv(e))).map((e) => `${e.key}=${e.value}`);
}

/** The generator's rendering of podman's own files, and the assertions that fail on it. */
function original(inputs: Array<{ path: string; text: string }>, podman: string, service: string, assertions: Assertion[]): string[] {
  const r = quadletGenerate(Object.fromEntries(inputs.map((i) => [i.path, i.text])), { podmanVersion: podman, unitFolder: UNIT_FOLDER, podman: PODMAN });
  try {
    // A generator that refuses podman's own file fails every assertion, and one more.
    if (r.services[service] === undefined) return [...assertions.map((a) => a.line), `${REFUSED}: ${r.stderr.split('\n').filter((l) => l.includes('converting')).join(' ')}`];
    return assertions.filter((a) => evaluate(a, { service: r.services[service], outDir: r.outDir, stderr: r.stderr }) !== undefined).map((a) => a.line);
  } finally {
    r.cleanup();
  }
}

/**
 * Runs one corpus file through the typed API and the generator. The site targets the oldest
 * installed release that has the file's keys and under whose generator podman's own file passes
 * its assertions (else the newest); assertions failing on podman's file even there are `newer`.
 */
export function runCase(file: string, all: Set<string> = new Set(corpusFiles())): CorpusResult {
  const e = expectationOf(file);
  const kind = kindOf(file);
  const expected = e.outcome === 'error' ? 'rejected' : 'accepted';
  const names = inputsOf(file, e, all);
  const inputs = names.map((n) => ({ path: n, text: read(n) }));
  const assertions = assertionsOf(read(file)).filter((a) => a.kind !== 'assert-failed');
  const service = serviceOf(file, e);
  const need = releaseNeeded(names);
  let candidates = GENERATORS.filter((g) => compareVersions(g, need) >= 0 && quadletFor(g) && compareVersions(quadletFor(g)!.version, g) >= 0);
  let podman = candidates[0] ?? (generatorFor(need) ? GENERATORS[0] : CORPUS_RELEASE);
  let newer: string[] = [];
  if (expected === 'accepted' && candidates.length) {
    for (const g of candidates) {
      const failing = original(inputs, g, service, assertions);
      if (g === candidates[0] || failing.length < newer.length) [podman, newer] = [g, failing];
      if (failing.length === 0) break;
    }
    // Every installed generator refuses podman's own file: it is a newer release's behaviour.
    if (newer.some((l) => l.startsWith(REFUSED))) [candidates, podman, newer] = [[], CORPUS_RELEASE, []];
  }
  // A refused file targets the oldest installed release whose generator refuses it (some refusals are newer than 5.4).
  if (expected === 'rejected') podman = candidates.find((g) => original(inputs, g, service, []).length > 0) ?? podman;
  const built = build(file, inputs, podman);
  const base = { file, kind, expected, podman, checked: 0, newer, adjusted: built.adjusted } as const;
  if (expected === 'rejected') {
    return built.files ? { ...base, outcome: 'miss', why: `the generator refuses it (${e.message ?? 'assert-failed'}); synth accepted it` } : { ...base, outcome: 'rejected', codes: built.errors.map((x) => x.split(':')[0]) };
  }
  if (!built.files) return { ...base, outcome: 'miss', why: `synth failed: ${built.errors.join('; ')}\n${built.review.join('\n')}` };
  if (!candidates.length) {
    if (podman !== CORPUS_RELEASE) return { ...base, outcome: 'miss', why: `no generator for podman ${podman} installed (scripts/ensure-validators.sh)` };
    const missing = missingKeys(read(file), built.files[file], SECTION[kind]);
    return missing.length ? { ...base, outcome: 'miss', why: `needs podman ${CORPUS_RELEASE}; our unit lacks ${missing.join(', ')}` } : { ...base, outcome: 'keys' };
  }
  const mine = quadletGenerate(built.files, { podmanVersion: podman, unitFolder: UNIT_FOLDER, podman: PODMAN });
  try {
    const failed = assertions.filter((a) => !newer.includes(a.line)).map((a) => evaluate(a, { service: mine.services[service], outDir: mine.outDir, stderr: mine.stderr })).filter((x): x is string => x !== undefined);
    const result = { ...base, checked: assertions.length - newer.length };
    if (mine.services[service] === undefined) return { ...result, outcome: 'miss', why: `the generator wrote no ${service}: ${mine.stderr.split('\n').filter((l) => /converting|rror/.test(l)).join(' ')}` };
    return failed.length ? { ...result, outcome: 'miss', why: `${failed.join('\n')}\n--- ours:\n${mine.services[service]}\n${built.review.join('\n')}` } : { ...result, outcome: 'match' };
  } finally {
    mine.cleanup();
  }
}
