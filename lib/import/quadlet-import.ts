/**
 * A folder of hand-written quadlet units -> a site model: which file becomes which construct
 * (templates and their instances, drop-ins, plain services beside the quadlets); the keys of each
 * unit are mapped by UnitMapper (quadlet-unit-mapper.ts), drop-ins by quadlet-drop-ins.ts.
 */
import * as path from 'path';
import { QuadletSection } from '../quadlet/keys';
import { ConstructClass, ModelBuilder, SiteModel } from './model';
import { DropInTargets, mapDropIn } from './quadlet-drop-ins';
import { Unit, UnitFileInput, UnitMapper } from './quadlet-unit-mapper';
import { ReportBuilder } from './report';
import { siteNameOf, systemdSafe } from './values';
import { parseUnitFile, UnitSection, valuesOf } from './unit-parse';
import { systemdSplit } from './words';

export type { UnitFileInput } from './quadlet-unit-mapper';

/** Options of the quadlet import. */
export interface QuadletImportOptions {
  /** The site name. @default 'imported' */
  readonly siteName?: string;
  /** The podman release the site targets. @default '5.4.2' */
  readonly podmanVersion?: string;
  /** Host paths under it become `home('...')`. @default - none */
  readonly homeDir?: string;
  /**
   * Quadlet files that stay outside the imported site, managed elsewhere (an admin's own units
   * beside it, e.g. `['db.container']`): a `[Unit]` dependency naming one of them by file name
   * (`Requires=db.container`) becomes a typed `QuadletUnit.fromFileName('db.container')`. Any
   * other file name the import does not have stays as written, and synth reports it (QUADLET035)
   * on a site whose generator refuses it.
   * @default - none
   */
  readonly outsideUnits?: readonly string[];
}

const CLASS_OF: Record<string, [ConstructClass, QuadletSection]> = {
  '.container': ['Container', 'Container'], '.volume': ['Volume', 'Volume'], '.network': ['Network', 'Network'],
  '.pod': ['Pod', 'Pod'], '.image': ['Image', 'Image'], '.build': ['Build', 'Build'], '.kube': ['Kube', 'Kube'],
  '.artifact': ['Artifact', 'Artifact'],
};
/** The unit types with a template construct (`worker@.container`). */
const TEMPLATE_OF: Record<string, ConstructClass> = { '.container': 'ContainerTemplate', '.volume': 'VolumeTemplate', '.network': 'NetworkTemplate' };
const SERVICE_SUFFIX: Record<string, string> = { '.container': '', '.kube': '', '.pod': '-pod', '.network': '-network', '.volume': '-volume', '.image': '-image', '.build': '-build', '.artifact': '-artifact' };

/** `worker@.container` -> ['worker', '']; `worker@a.container` -> ['worker', 'a']; else undefined. */
function templateName(base: string): [string, string] | undefined {
  const m = /^([^@]+)@(.*)$/.exec(base);
  return m ? [m[1], m[2]] : undefined;
}

/** The sections other than [Install], for comparing an instance file with its template. */
function bodyOf(sections: readonly UnitSection[]): string {
  return JSON.stringify(sections.filter((s) => s.name !== 'Install'));
}

export function mapQuadlets(files: readonly UnitFileInput[], options: QuadletImportOptions, report: ReportBuilder): SiteModel {
  const model = new ModelBuilder();
  const units: Unit[] = [];
  const envFiles = new Map<string, UnitFileInput>();
  const dropIns: UnitFileInput[] = [];
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const names = new Set(sorted.map((f) => path.basename(f.path)));
  // Instance files of a template in the folder: mapped onto the template after it.
  const instanceFiles: Array<{ f: UnitFileInput; template: string; instance: string; sections: UnitSection[] }> = [];
  for (const f of sorted) {
    report.sources.push(f.path);
    const ext = path.extname(f.path);
    const base = path.basename(f.path, ext);
    if (f.path.endsWith('.env')) {
      envFiles.set(path.basename(f.path), f);
      continue;
    }
    if (/\.d\//.test(f.path)) {
      dropIns.push(f);
      continue;
    }
    if (ext === '.service') {
      const service = plainService(f, model, report);
      if (service) units.push({ ...service, base, ext });
      continue;
    }
    if (['.timer', '.target', '.socket', '.path', '.mount'].includes(ext)) {
      report.add('IMPORT012', f.path, undefined, `plain .${ext.slice(1)} units are not imported as constructs yet; keep the file beside the site (~/.config/systemd/user)`);
      continue;
    }
    const cls = CLASS_OF[ext];
    if (!cls) {
      report.add('IMPORT012', f.path, undefined, 'not a unit file the import knows');
      continue;
    }
    const parsed = parseUnitFile(f.text);
    if ('error' in parsed) {
      report.add('IMPORT001', f.path, undefined, parsed.error);
      continue;
    }
    const tpl = templateName(base);
    if (tpl && !TEMPLATE_OF[ext]) {
      report.add('IMPORT012', f.path, undefined, `${ext} templates have no construct (the library has ContainerTemplate, VolumeTemplate and NetworkTemplate); keep the file beside the site`);
      continue;
    }
    if (tpl && tpl[1] !== '' && names.has(`${tpl[0]}@${ext}`)) {
      instanceFiles.push({ f, template: `${tpl[0]}@${ext}`, instance: tpl[1], sections: parsed.sections });
      continue;
    }
    const name = tpl ? tpl[0] : base;
    const serviceName = valuesOf(parsed.sections, 'Quadlet', 'ServiceName').concat(valuesOf(parsed.sections, cls[1], 'ServiceName')).pop();
    const decl = model.add(tpl ? TEMPLATE_OF[ext] : cls[0], name, {});
    decl.notes.push(`from ${f.path}`);
    // An instance file without its template stands for both: the template, and the instance it starts.
    if (tpl && tpl[1] !== '') {
      decl.notes.push(`(the instance ${tpl[1]} of template ${name}@${ext}, which is not in the folder)`);
      decl.instances.push(tpl[1]);
    }
    const service = tpl ? `${name}${SERVICE_SUFFIX[ext]}@.service` : `${serviceName ?? `${base}${SERVICE_SUFFIX[ext]}`}.service`;
    units.push({ file: f.path, base: name, ext, sections: parsed.sections, decl, section: cls[1], template: !!tpl, serviceName: service });
  }
  const byFile = new Map(units.map((u) => [u.template ? `${u.base}@${u.ext}` : path.basename(u.file), u]));
  const targets: DropInTargets = new Map([...byFile].map(([n, u]) => [n, { unit: u }]));
  for (const u of units.filter((x) => x.template && /@./.test(path.basename(x.file, x.ext)))) targets.set(path.basename(u.file), { unit: u, instance: templateName(path.basename(u.file, u.ext))![1] });
  for (const i of instanceFiles) {
    const t = byFile.get(i.template)!;
    targets.set(path.basename(i.f.path), { unit: t, instance: i.instance });
    // The instance's own file: with [Install] it starts at boot; without, the template's
    // `install: false` keeps the copy out of boot too.
    t.decl.instances.push(i.instance);
    if (bodyOf(i.sections) !== bodyOf(t.sections)) {
      report.add('IMPORT012', i.f.path, undefined, `the instance file differs from its template ${i.template}: only whether it starts at boot is imported; put the differences in a drop-in (${path.basename(i.f.path)}.d/)`);
    }
  }
  const byService = new Map(units.map((u) => [u.serviceName, u]));
  const siteName = siteNameOf(options.siteName ?? 'imported');
  const outside = new Set((options.outsideUnits ?? []).filter((n) => !byFile.has(n)));
  for (const u of units) new UnitMapper(u, byFile, byService, envFiles, model, report, siteName, outside).run();
  for (const f of dropIns) mapDropIn(f, targets, model, report);
  return {
    siteName,
    siteProps: options.podmanVersion && options.podmanVersion !== '5.4.2' ? { podmanVersion: options.podmanVersion } : {},
    decls: model.decls,
    shared: model.shared,
    header: [
      'Imported by quadlet-cdk import quadlet.',
      'The units keep what their files said: quadlet\'s own names (systemd-%N), no Description= or Restart=',
      'where they had none. Drop those props to get the library\'s defaults instead.',
      'Review every TODO(import) comment and the import report before you deploy it.',
    ],
  };
}

/**
 * A plain `.service` file as a Service construct, when its one `ExecStart=` is a command line the
 * construct can hold (no `-`, `@`, `+`, `!` prefixes); otherwise it is listed and left beside
 * the site, as a timer or target is.
 */
function plainService(f: UnitFileInput, model: ModelBuilder, report: ReportBuilder): Omit<Unit, 'base' | 'ext'> | undefined {
  const parsed = parseUnitFile(f.text);
  if ('error' in parsed) {
    report.add('IMPORT001', f.path, undefined, parsed.error);
    return undefined;
  }
  const exec = valuesOf(parsed.sections, 'Service', 'ExecStart');
  const words = exec.length === 1 ? systemdSplit(exec[0], true) : undefined;
  if (!words || words.length === 0 || /^[-@+!:|]/.test(words[0])) {
    report.add('IMPORT012', f.path, 'ExecStart', `a plain service needs exactly one ExecStart= without prefixes to become a Service construct (this one has ${exec.length}${exec.length === 1 ? ', with a prefix or an escape the construct cannot hold' : ''}); keep the file beside the site (~/.config/systemd/user)`);
    return undefined;
  }
  const base = path.basename(f.path, '.service');
  const decl = model.add('Service', base, { exec: words.map(systemdSafe) });
  decl.notes.push(`from ${f.path}`);
  return { file: f.path, sections: parsed.sections, decl, section: 'Container', plain: true, serviceName: `${base}.service` };
}
