/**
 * Drop-in files of an imported quadlet folder (`web.container.d/10-env.conf`, `container.d/`,
 * `web-.container.d/`) as DropIn constructs: quadlet keys typed like a unit's, `Key=` alone as a
 * reset, the systemd sections as written.
 */
import * as path from 'path';
import { KEY_TABLE, propNameOf, QuadletSection } from '../quadlet/keys';
import { ModelBuilder, Ref, Value } from './model';
import { typedKeyValue } from './quadlet-values';
import { Unit, UnitFileInput } from './quadlet-unit-mapper';
import { ReportBuilder } from './report';
import { parseUnitFile } from './unit-parse';

/** The units a drop-in folder can name, by file name: a unit, or one instance of a template. */
export type DropInTargets = Map<string, { readonly unit: Unit; readonly instance?: string }>;

const SECTION_OF: Record<string, QuadletSection> = {
  container: 'Container', volume: 'Volume', network: 'Network', pod: 'Pod', image: 'Image', build: 'Build', kube: 'Kube', artifact: 'Artifact',
};

/** `web.container.d` -> the drop-in's `to`, its type, and a name for its id; undefined when it names no unit of the folder. */
function targetOf(folder: string, targets: DropInTargets): { to: Value; kind: string; owner: string } | string {
  const unit = folder.replace(/\.d$/, '');
  if (SECTION_OF[unit]) return { to: { allOf: unit }, kind: unit, owner: unit };
  const ext = path.extname(unit).slice(1);
  if (!SECTION_OF[ext]) return `${folder}/ is not a drop-in folder of a quadlet unit type`;
  const base = path.basename(unit, `.${ext}`);
  if (base.endsWith('-')) return { to: { kind: ext, prefix: base.slice(0, -1) }, kind: ext, owner: base.slice(0, -1) };
  const t = targets.get(unit);
  if (!t) return `${folder}/ changes ${unit}, which is not in the folder`;
  return { to: t.instance === undefined ? new Ref(t.unit.decl) : new Ref(t.unit.decl, 'instance', [t.instance]), kind: ext, owner: t.unit.base };
}

/** Maps one drop-in file; what it cannot type is reported (a DropIn has no escape hatch). */
export function mapDropIn(f: UnitFileInput, targets: DropInTargets, model: ModelBuilder, report: ReportBuilder): void {
  const folder = path.basename(path.dirname(f.path));
  const target = f.path.endsWith('.conf') ? targetOf(folder, targets) : 'only .conf files of a drop-in folder are read';
  const parsed = parseUnitFile(f.text);
  if (typeof target === 'string' || 'error' in parsed) {
    report.add('IMPORT012', f.path, undefined, `${typeof target === 'string' ? target : (parsed as { error: string }).error}; keep the file beside the site`);
    return;
  }
  const name = path.basename(f.path, '.conf');
  const section = SECTION_OF[target.kind];
  const props: Record<string, Value> = { to: target.to, name };
  const keys: Record<string, Value> = {};
  const reset: string[] = [];
  for (const s of parsed.sections) {
    const systemd = ({ Unit: 'unit', Service: 'service', Install: 'install' } as Record<string, string>)[s.name];
    if (systemd) {
      const entries: Record<string, string[]> = {};
      for (const e of s.entries) entries[e.key] = [...(entries[e.key] ?? []), e.value];
      props[systemd] = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
      continue;
    }
    if (s.name !== section) {
      report.add('IMPORT012', f.path, `[${s.name}]`, `section [${s.name}] of a drop-in for ${target.kind} units is not imported`);
      continue;
    }
    for (const key of [...new Set(s.entries.map((e) => e.key))]) {
      const all = s.entries.filter((e) => e.key === key).map((e) => e.value);
      // `Key=` alone empties what came before: a reset, then the values after it.
      const cut = all.lastIndexOf('');
      const values = all.slice(cut + 1);
      const info = KEY_TABLE[section].keys[key];
      const value = info && values.length ? typedKeyValue(info, values) : undefined;
      if (!info || (values.length && value === undefined)) {
        report.add('IMPORT012', f.path, key, `${key}= ${info ? 'has a value the typed drop-in cannot hold' : `is not a key of [${section}]`}; add it to the drop-in by hand`);
        continue;
      }
      if (cut >= 0) reset.push(key);
      if (value !== undefined) keys[propNameOf(key)] = value;
    }
  }
  if (Object.keys(keys).length) props[target.kind] = keys;
  if (reset.length) props.reset = reset;
  const decl = model.add('DropIn', `${target.owner}-${name}`, props);
  decl.notes.push(`from ${f.path}`);
}
