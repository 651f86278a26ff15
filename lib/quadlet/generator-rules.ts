/**
 * What the quadlet generator refuses in a unit that no single key shows: keys that exclude each
 * other, and references to quadlet units the site does not have. Checked on the rendered unit, so
 * typed props and escape-hatch entries (`addEntry`) are held to the same rules; each rule is one of
 * podman's own refusals (its corpus has a file for each, see test/quadlet/corpus).
 */
import { Reporter } from '../core/diagnostics';
import { UnitFile } from '../render/unit-file';
import { compareVersions, QuadletSection } from './keys';
import { versionName } from './version-values';

/** The first release whose generator translates `[Unit]` dependencies on quadlet files (`Requires=db.container`). */
export const UNIT_DEPENDENCY_TRANSLATION_SINCE = '5.5.0';

/** What a rule sees: the quadlet section's values by key, the site's quadlet files, the target release. */
interface RuleInput {
  readonly keys: ReadonlyMap<string, readonly string[]>;
  readonly unit: ReadonlyMap<string, readonly string[]>;
  readonly units: ReadonlySet<string>;
  readonly target: string;
}

interface Rule {
  readonly section: QuadletSection;
  /** The problem in podman's words, or undefined. */
  readonly check: (i: RuleInput) => string | undefined;
}

const QUADLET_FILE = /\.(container|volume|network|pod|image|build|kube|artifact)$/;
const DEPENDENCY_KEYS = ['Wants', 'Requires', 'Requisite', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'Before', 'After'];
const has = (i: RuleInput, key: string) => (i.keys.get(key) ?? []).some((v) => v !== '');
const count = (i: RuleInput, key: string) => (i.keys.get(key) ?? []).filter((v) => v !== '').length;

/** `Image=`, `Pod=` naming a quadlet file of `kinds` the site does not have. */
function missingUnit(i: RuleInput, key: string, kinds: RegExp, what: string): string | undefined {
  const v = i.keys.get(key)?.at(-1);
  return v !== undefined && kinds.test(v) && !i.units.has(v) ? `${key}=${v} names ${what} the site does not have` : undefined;
}

const RULES: Rule[] = [
  {
    section: 'Container',
    check: (i) => (has(i, 'RemapUsers') && ['UserNS', 'UIDMap', 'GIDMap', 'SubUIDMap', 'SubGIDMap'].some((k) => has(i, k))
      ? 'RemapUsers= (deprecated) is set along with UserNS=, UIDMap=, GIDMap=, SubUIDMap= or SubGIDMap=: the generator refuses the mix'
      : undefined),
  },
  { section: 'Container', check: (i) => (has(i, 'ReloadCmd') && has(i, 'ReloadSignal') ? 'ReloadCmd= and ReloadSignal= exclude each other' : undefined) },
  { section: 'Container', check: (i) => (has(i, 'Group') && !has(i, 'User') ? 'Group= is set without User=' : undefined) },
  {
    section: 'Container',
    check: (i) => {
      const pod = i.keys.get('Pod')?.at(-1);
      if (pod !== undefined && pod !== '' && !pod.endsWith('.pod')) return `Pod=${pod} is no quadlet .pod unit: the generator only joins pods it makes`;
      return missingUnit(i, 'Pod', /\.pod$/, 'a .pod unit');
    },
  },
  {
    section: 'Container',
    check: (i) => {
      for (const m of i.keys.get('Mount') ?? []) {
        const opts = m.replace(/^"(.*)"$/, '$1').split(',');
        if (opts.includes('type=image') && !opts.some((o) => /^(source|src)=./.test(o))) return `Mount=${m}: a type=image mount needs source=`;
      }
      return undefined;
    },
  },
  { section: 'Volume', check: (i) => missingUnit(i, 'Image', /\.(image|build)$/, 'an image unit') },
  { section: 'Kube', check: (i) => (i.keys.get('RemapUsers')?.at(-1) === 'manual' ? 'RemapUsers=manual is not supported for .kube units' : undefined) },
  {
    section: 'Kube',
    check: (i) => (count(i, 'Yaml') > 1 && i.keys.get('SetWorkingDirectory')?.at(-1) === 'yaml' ? 'SetWorkingDirectory=yaml needs a single Yaml=' : undefined),
  },
  { section: 'Network', check: (i) => (count(i, 'IPRange') > count(i, 'Subnet') ? `${count(i, 'IPRange')} IPRange= but ${count(i, 'Subnet')} Subnet=: each range needs its subnet` : undefined) },
];

/** `[Unit]` dependencies on quadlet files (`Requires=db.container`) the site does not have: refused from 5.5. */
function missingDependencies(i: RuleInput): string[] {
  if (compareVersions(i.target, UNIT_DEPENDENCY_TRANSLATION_SINCE) < 0) return [];
  return DEPENDENCY_KEYS.flatMap((k) => (i.unit.get(k) ?? []).flatMap((v) => v.split(/\s+/))
    .filter((name) => QUADLET_FILE.test(name) && !i.units.has(name))
    .map((name) => `${k}=${name} names a quadlet unit the site does not have (podman ${versionName(UNIT_DEPENDENCY_TRANSLATION_SINCE)} and later translate such names, and refuse unknown ones)`));
}

function byKey(file: UnitFile, section: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of file.sections.find((s) => s.name === section)?.entries ?? []) out.set(e.key, [...(out.get(e.key) ?? []), e.value]);
  return out;
}

/** QUADLET035 for each rule the rendered unit breaks. `units` are the site's quadlet file names. */
export function checkGeneratorRules(file: UnitFile, section: QuadletSection, units: ReadonlySet<string>, target: string, report: Reporter): void {
  const input: RuleInput = { keys: byKey(file, section), unit: byKey(file, 'Unit'), units, target };
  const problems = [...RULES.filter((r) => r.section === section).map((r) => r.check(input)), ...missingDependencies(input)];
  for (const p of problems) if (p) report('QUADLET035', `the generator refuses this unit: ${p}`);
}
