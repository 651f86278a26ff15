/**
 * A folder of hand-written quadlet units -> a site model. Keys with a typed prop become that
 * prop (references to units of the folder become references to their constructs); a value the
 * typed prop would write differently stays exactly as written, through `addEntry`. The library's
 * opinions (Description, Restart=always, the site target, its container naming) are switched
 * off where the file did not ask for them, so the units render as they did.
 */
import * as path from 'path';
import { unitNameProblem } from '../core/names';
import { encodeValue } from '../render/encode';
import { literalOf, SystemdText } from '../render/systemd-value';
import { KEY_TABLE, propNameOf, QuadletSection } from '../quadlet/keys';
import { Mount, mountSpec } from '../quadlet/mounts';
import { PortMapping, publishSpec } from '../quadlet/ports';
import { parseEnvFile } from './interpolate';
import { Call, ConstructClass, Decl, ModelBuilder, Ref, SiteModel, Value } from './model';
import { ReportBuilder } from './report';
import { floats, IMPORT_SECRET_NAME, looksHarmless, siteNameOf, systemdSafe } from './values';
import { parseUnitFile, UnitSection, valuesOf } from './unit-parse';
import { systemdSplit } from './words';

/** One file of the folder, by its path relative to the folder. */
export interface UnitFileInput {
  /** The path in the folder, e.g. `web.container`, `env/db.env`. */
  readonly path: string;
  /** Its content. */
  readonly text: string;
}

/** Options of the quadlet import. */
export interface QuadletImportOptions {
  /** The site name. @default 'imported' */
  readonly siteName?: string;
  /** The podman release the site targets. @default '5.4.2' */
  readonly podmanVersion?: string;
  /** Host paths under it become `home('...')`. @default - none */
  readonly homeDir?: string;
}

const CLASS_OF: Record<string, [ConstructClass, QuadletSection]> = {
  '.container': ['Container', 'Container'], '.volume': ['Volume', 'Volume'], '.network': ['Network', 'Network'],
  '.pod': ['Pod', 'Pod'], '.image': ['Image', 'Image'], '.build': ['Build', 'Build'], '.kube': ['Kube', 'Kube'],
  '.artifact': ['Artifact', 'Artifact'],
};
const SERVICE_SUFFIX: Record<string, string> = { '.container': '', '.kube': '', '.pod': '-pod', '.network': '-network', '.volume': '-volume', '.image': '-image', '.build': '-build', '.artifact': '-artifact' };
const STRENGTH = { Requires: 'requires', BindsTo: 'bindsTo', Wants: 'wants' } as const;
const SERVICE_TYPES = new Set(['simple', 'exec', 'oneshot', 'notify']);
const RESTART = new Set(['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog']);

interface Unit {
  readonly file: string;
  readonly base: string;
  readonly ext: string;
  readonly sections: UnitSection[];
  readonly decl: Decl;
  readonly section: QuadletSection;
  /** A plain `.service` beside the quadlets (a Service construct), not a quadlet unit. */
  readonly plain?: boolean;
  readonly serviceName: string;
}

export function mapQuadlets(files: readonly UnitFileInput[], options: QuadletImportOptions, report: ReportBuilder): SiteModel {
  const model = new ModelBuilder();
  const units: Unit[] = [];
  const envFiles = new Map<string, UnitFileInput>();
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    report.sources.push(f.path);
    const ext = path.extname(f.path);
    const base = path.basename(f.path, ext);
    if (f.path.endsWith('.env')) {
      envFiles.set(path.basename(f.path), f);
      continue;
    }
    if (/\.d\//.test(f.path)) {
      report.add('IMPORT012', f.path, undefined, 'drop-in files are not imported yet (the library does not model drop-ins); merge it into its unit by hand');
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
    const serviceName = valuesOf(parsed.sections, 'Quadlet', 'ServiceName').concat(valuesOf(parsed.sections, cls[1], 'ServiceName')).pop();
    const decl = model.add(cls[0], base, {});
    decl.notes.push(`from ${f.path}`);
    units.push({ file: f.path, base, ext, sections: parsed.sections, decl, section: cls[1], serviceName: `${serviceName ?? `${base}${SERVICE_SUFFIX[ext]}`}.service` });
  }
  const byFile = new Map(units.map((u) => [`${u.base}${u.ext}`, u]));
  const byService = new Map(units.map((u) => [u.serviceName, u]));
  const siteName = siteNameOf(options.siteName ?? 'imported');
  for (const u of units) new UnitMapper(u, byFile, byService, envFiles, model, report, siteName).run();
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

class UnitMapper {
  private readonly props: Record<string, Value> = {};

  public constructor(
    private readonly u: Unit,
    private readonly byFile: Map<string, Unit>,
    private readonly byService: Map<string, Unit>,
    private readonly envFiles: Map<string, UnitFileInput>,
    private readonly model: ModelBuilder,
    private readonly report: ReportBuilder,
    private readonly siteName: string,
  ) {}

  private raw(section: string, key: string, value: string): void {
    this.u.decl.entries.push([section, key, value]);
  }

  public run(): void {
    const u = this.u;
    Object.assign(this.props, u.decl.props);
    for (const s of u.sections) {
      if (s.name === 'Unit') this.unitSection(s);
      else if (s.name === 'Service') (u.plain ? this.plainServiceSection(s) : this.serviceSection(s));
      else if (s.name === 'Install') this.installSection(s);
      else if (s.name === 'Quadlet') this.quadletSection(s);
      else if (s.name === u.section && !u.plain) this.mainSection(s);
      else {
        for (const e of s.entries) this.raw(s.name, e.key, e.value);
        if (s.entries.length) this.report.add('IMPORT004', u.file, `[${s.name}]`, `section [${s.name}] kept through addEntry`);
      }
    }
    if (!u.sections.some((s) => s.name === 'Unit' && s.entries.some((e) => e.key === 'Description'))) this.props.description = false;
    if (!u.sections.some((s) => s.name === 'Install')) this.props.install = false;
    if (!u.plain && (u.section === 'Container' || u.section === 'Kube')) this.props.service = { ...((this.props.service as object) ?? {}), restart: false };
    // The library's 900 s start timeout for long-running containers: not what the file said.
    if (u.section === 'Container' && !u.plain && valuesOf(u.sections, 'Service', 'TimeoutStartSec').length === 0) this.props.service = { ...((this.props.service as object) ?? {}), timeoutStartSec: false };
    // Quadlet's own default names: the library's differ (no systemd- prefix), so say them.
    const defaults: Partial<Record<QuadletSection, [string, Value]>> = {
      Container: ['containerName', new Call('new SystemdText', [u.base.includes('@') ? 'systemd-%p_%i' : 'systemd-%N'])],
      Network: ['networkName', `systemd-${u.base}`],
      Volume: ['volumeName', `systemd-${u.base}`],
      Pod: ['podName', `systemd-${u.base}`],
    };
    const d = u.plain ? undefined : defaults[u.section];
    if (d && this.props[d[0]] === undefined) this.props[d[0]] = d[1];
    u.decl.props = this.props;
  }

  private unitSection(s: UnitSection): void {
    const list = (key: string) => s.entries.filter((e) => e.key === key).flatMap((e) => e.value.split(/\s+/).filter((x) => x));
    const after = new Set(list('After'));
    const typed = new Set<string>();
    // Units of the folder named in Requires=/BindsTo=/Wants= with After=, or in After= alone,
    // become typed dependencies of that strength; anything else stays as written.
    const deps: Value[] = [];
    const strengthOf = (name: string) => (['Requires', 'BindsTo', 'Wants'] as const).filter((k) => list(k).includes(name));
    for (const name of [...new Set([...list('Requires'), ...list('BindsTo'), ...list('Wants'), ...after])]) {
      const target = this.byService.get(name);
      const keys = strengthOf(name);
      if (!target || target === this.u || !after.has(name) || keys.length > 1) continue;
      const strength = keys.length === 0 ? 'orderOnly' : STRENGTH[keys[0]];
      deps.push(strength === 'requires' ? new Ref(target.decl) : { unit: new Ref(target.decl), strength });
      for (const k of [...keys, 'After']) typed.add(`${k}:${name}`);
    }
    if (deps.length) this.props.dependsOn = deps;
    for (const e of s.entries) {
      if (e.key === 'Description' && !/[%$]/.test(e.value) && e.value !== '') {
        this.props.description = e.value;
        continue;
      }
      if (e.key === 'Description') {
        this.props.description = false;
        this.raw('Unit', 'Description', e.value);
        continue;
      }
      if (['Requires', 'BindsTo', 'Wants', 'After'].includes(e.key)) {
        const rest = e.value.split(/\s+/).filter((x) => x && !typed.has(`${e.key}:${x}`));
        if (rest.length) this.raw('Unit', e.key, rest.join(' '));
        continue;
      }
      this.raw('Unit', e.key, e.value);
    }
  }

  private serviceSection(s: UnitSection): void {
    const service: Record<string, Value> = {};
    for (const e of s.entries) {
      // Restart= stays as written: the typed prop adds RestartSec= and StartLimit*= defaults.
      if (e.key === 'Restart') this.raw('Service', 'Restart', e.value);
      else if (['RestartSec', 'TimeoutStartSec', 'TimeoutStopSec'].includes(e.key) && /^\d+$/.test(e.value) && service[camel(e.key)] === undefined) service[camel(e.key)] = parseInt(e.value, 10);
      else if (e.key === 'Type' && ['notify', 'oneshot'].includes(e.value) && !service.type && (this.u.section === 'Container' || this.u.section === 'Kube')) service.type = e.value;
      else this.raw('Service', e.key, e.value);
    }
    if (Object.keys(service).length) this.props.service = { ...((this.props.service as object) ?? {}), ...service };
  }

  /**
   * `[Service]` of a plain service: the command, type, restart and timeouts typed, variables as
   * for a container; everything else as written. Restart= without RestartSec= stays as written
   * (the Service construct would add RestartSec=5).
   */
  private plainServiceSection(s: UnitSection): void {
    const restart = s.entries.filter((e) => e.key === 'Restart').map((e) => e.value);
    const restartSec = s.entries.filter((e) => e.key === 'RestartSec').map((e) => e.value);
    const typedRestart = restart.length === 1 && RESTART.has(restart[0]) && restartSec.length === 1 && /^\d+$/.test(restartSec[0]);
    // The construct writes Type=exec unless told; systemd's own default is simple. A type it does
    // not take stays as written, after the typed one (the last Type= wins).
    const type = s.entries.filter((e) => e.key === 'Type').map((e) => e.value);
    if (type.length === 0) this.props.type = 'simple';
    else if (type.length === 1 && SERVICE_TYPES.has(type[0])) this.props.type = type[0];
    this.props.restart = typedRestart ? restart[0] : 'no';
    if (typedRestart) this.props.restartSec = parseInt(restartSec[0], 10);
    const env = s.entries.filter((e) => e.key === 'Environment').map((e) => e.value);
    if (env.length && !this.environment(env)) env.forEach((v) => this.raw('Service', 'Environment', v));
    const files = s.entries.filter((e) => e.key === 'EnvironmentFile').map((e) => e.value);
    if (files.length) this.environmentFiles(files, 'Service');
    for (const e of s.entries) {
      if (['ExecStart', 'Environment', 'EnvironmentFile'].includes(e.key)) continue;
      if (e.key === 'Type' && type.length === 1 && SERVICE_TYPES.has(e.value)) continue;
      if ((e.key === 'Restart' || e.key === 'RestartSec') && typedRestart) continue;
      if (e.key === 'TimeoutStartSec' && /^\d+$/.test(e.value) && this.props.timeoutStartSec === undefined) this.props.timeoutStartSec = parseInt(e.value, 10);
      else if (e.key === 'WorkingDirectory' && this.props.workingDirectory === undefined && e.value !== '' && !/["']/.test(e.value)) this.props.workingDirectory = systemdSafe(e.value);
      else this.raw('Service', e.key, e.value);
    }
  }

  private installSection(s: UnitSection): void {
    const install: Record<string, Value> = { wantedBy: [] };
    for (const e of s.entries) {
      const words = systemdSplit(e.value, true) ?? [];
      const prop = { WantedBy: 'wantedBy', RequiredBy: 'requiredBy', Alias: 'alias' }[e.key];
      // A name the library refuses (a path: systemd links it in a folder) stays as written.
      const typed = words.length > 0 && words.every((w) => !unitNameProblem(w, e.key));
      if (prop && typed) install[prop] = [...((install[prop] as string[]) ?? []), ...words];
      else this.raw('Install', e.key, e.value);
    }
    this.props.install = install;
  }

  private quadletSection(s: UnitSection): void {
    for (const e of s.entries) {
      if (e.key === 'DefaultDependencies' && bool(e.value) !== undefined) this.props.defaultDependencies = bool(e.value);
      else if (e.key === 'ServiceName' && !/[%$"]/.test(e.value)) this.props.serviceName = e.value;
      else this.raw('Quadlet', e.key, e.value);
    }
  }

  private mainSection(s: UnitSection): void {
    const sec = this.u.section;
    const keys = [...new Set(s.entries.map((e) => e.key))];
    for (const key of keys) {
      const values = s.entries.filter((e) => e.key === key).map((e) => e.value);
      if (!this.special(key, values)) this.generic(key, values);
    }
    if (sec === 'Container' && this.props.image === undefined && !keys.includes('Image')) {
      this.u.decl.todos.push('Image: the unit runs a rootfs (or nothing); the Container construct needs an image');
      this.report.add('IMPORT003', this.u.file, 'Image', 'no Image=: the Container construct needs one');
      this.props.image = '';
    }
  }

  /** Keys the constructs take in their own shape; false to fall back to the generic mapping. */
  private special(key: string, values: string[]): boolean {
    const sec = this.u.section;
    const last = KEY_TABLE[sec].keys[key]?.parse === 'single' ? unquoteSingle(values[values.length - 1]) : values[values.length - 1];
    const rawAll = () => values.forEach((v) => this.raw(sec, key, v));
    const typedUnit = (v: string, ext: string) => (v.endsWith(ext) ? this.byFile.get(v) : undefined);
    switch (`${sec}.${key}`) {
      case 'Container.Image': {
        const unit = typedUnit(last, '.image') ?? typedUnit(last, '.build');
        if (/[%$"]/.test(last)) return false;
        if (unit) this.props.image = new Ref(unit.decl);
        else {
          this.props.image = last;
          if (floats(last)) this.props.allowFloatingTag = 'imported as written: pin a version';
        }
        return true;
      }
      case 'Image.Image':
        if (values.length > 1 || /[%$"]/.test(last)) return false;
        this.props.image = last;
        if (floats(last)) this.props.allowFloatingTag = 'imported as written: pin a version';
        return true;
      case 'Artifact.Artifact':
        if (values.length > 1 || /[%$"]/.test(last)) return false;
        this.props.artifact = last;
        return true;
      case 'Container.ContainerName':
      case 'Network.NetworkName':
      case 'Volume.VolumeName':
      case 'Pod.PodName': {
        if (/["]/.test(last) || last === '') return false;
        const prop = propNameOf(key);
        if (sec !== 'Container' && /[%$]/.test(last)) return false;
        this.props[prop] = systemdSafe(last);
        if (values.length > 1) this.report.add('IMPORT011', this.u.file, key, `${key}= is given ${values.length} times; the last one counts`);
        return true;
      }
      case 'Container.Pod': {
        const pod = typedUnit(last, '.pod');
        if (!pod || values.length > 1) return false;
        this.props.pod = new Ref(pod.decl);
        return true;
      }
      case 'Container.Network':
      case 'Pod.Network':
      case 'Kube.Network':
      case 'Build.Network':
        return this.networks(values);
      case 'Container.PublishPort':
      case 'Pod.PublishPort':
      case 'Kube.PublishPort': {
        const maps = values.map(portOf);
        if (maps.some((m) => !m)) rawAll();
        else this.props.publish = maps as Value[];
        return true;
      }
      case 'Container.Volume':
      case 'Pod.Volume': {
        const mounts = values.map((v) => this.mountOf(v));
        if (mounts.some((m) => !m)) rawAll();
        else this.props.volumes = mounts as Value[];
        return true;
      }
      case 'Container.Environment':
        return this.environment(values);
      case 'Container.EnvironmentFile':
        return this.environmentFiles(values);
      case 'Container.Exec': {
        const words = systemdSplit(last, true);
        if (!words || words.length === 0) return false;
        this.props.command = words.map(systemdSafe);
        return true;
      }
      case 'Container.Entrypoint':
        if (values.length > 1 || /[%$"]/.test(last)) return false;
        this.props.entrypoint = last;
        return true;
      // The typed prop also makes the unit want podman-auto-update.timer, which the file did not.
      case 'Container.AutoUpdate':
      case 'Container.Secret':
      case 'Build.Secret':
        rawAll();
        return true;
      case 'Build.ImageTag':
        if (values.some((v) => v === '' || /[%$]/.test(v))) return false;
        this.props.imageTag = values.length === 1 ? values[0] : values;
        return true;
      case 'Build.File':
      case 'Build.SetWorkingDirectory':
        if (values.length > 1 || /"/.test(last)) return false;
        this.props[propNameOf(key)] = systemdSafe(last);
        return true;
      case 'Kube.Yaml':
        if (values.some((v) => /"/.test(v) || v === '')) return false;
        this.props.yaml = values.length === 1 ? systemdSafe(values[0]) : values.map(systemdSafe);
        return true;
      case 'Network.Subnet':
      case 'Network.Gateway':
        if (values.some((v) => v === '' || /[%$"]/.test(v))) return false;
        this.props[propNameOf(key)] = values.length === 1 ? values[0] : values;
        return true;
      case 'Volume.User':
      case 'Volume.Group':
        if (values.length > 1 || !/^\d+$/.test(last)) {
          rawAll();
          return true;
        }
        this.props[propNameOf(key)] = parseInt(last, 10);
        return true;
    }
    return false;
  }

  private networks(values: string[]): boolean {
    const sec = this.u.section;
    const refs: Value[] = [];
    for (const v of values) {
      const unit = v.endsWith('.network') ? this.byFile.get(v) : undefined;
      if (unit) refs.push(new Ref(unit.decl));
      else if (sec === 'Container' && values.length === 1 && ['host', 'none', 'pasta', 'slirp4netns', 'private'].includes(v)) {
        this.props.networkMode = v;
        return true;
      } else if (sec === 'Container' && values.length === 1 && v.endsWith('.container') && this.byFile.get(v)) {
        this.props.networkOf = new Ref(this.byFile.get(v)!.decl);
        return true;
      } else if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(v)) refs.push(new Call('Network.fromName', [v]));
      else {
        values.forEach((x) => this.raw(sec, 'Network', x));
        if (sec !== 'Build') this.props.networks = [];
        return true;
      }
    }
    this.props.networks = refs;
    return true;
  }

  private mountOf(v: string): Value | undefined {
    const parts = v.split(':');
    if (parts.length < 2 || parts.length > 3) return undefined;
    const [src, dst, opts] = parts;
    const options = opts ? opts.split(',') : [];
    const readOnly = options[0] === 'ro';
    const rest = readOnly ? options.slice(1) : options;
    if (rest.includes('ro') || options.some((o) => o === '')) return undefined;
    let source: Value;
    let check: Mount;
    const unit = src.endsWith('.volume') ? this.byFile.get(src) : undefined;
    if (unit) {
      source = new Ref(unit.decl);
      check = { volume: { volumeName: '', volumeRef: src }, path: dst };
    } else if (/^(\/|%h(\/|$)|\.\/)/.test(src)) {
      source = systemdSafe(src);
      check = { hostPath: /[%$]/.test(src) ? new SystemdText(src) : src, path: dst };
    } else if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(src)) {
      source = new Call('Volume.fromName', [src]);
      check = { volume: { volumeName: src, volumeRef: src }, path: dst };
    } else return undefined;
    if (!dst.startsWith('/') || /[%$]/.test(dst)) return undefined;
    const m: Record<string, Value> = 'volume' in check ? { volume: source, path: dst } : { hostPath: source, path: dst };
    if (readOnly) m.readOnly = true;
    if (rest.length) m.options = rest;
    const spec = mountSpec({ ...check, readOnly, options: rest.length ? rest : undefined } as Mount);
    return spec.text === v ? m : undefined;
  }

  private environment(values: string[]): boolean {
    const env: Record<string, Value> = {};
    const secrets: Record<string, { description: string }> = {};
    for (const line of values) {
      for (const word of systemdSplit(line, true) ?? [' ']) {
        const i = word.indexOf('=');
        if (i <= 0) return false;
        const k = word.slice(0, i);
        const v = word.slice(i + 1);
        if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) return false;
        if (IMPORT_SECRET_NAME.test(k) && v !== '' && !looksHarmless(k, v)) {
          secrets[k] = { description: `was Environment=${k}=... in ${this.u.file}` };
          delete env[k];
        } else env[k] = systemdSafe(v);
      }
    }
    if (Object.keys(secrets).length) {
      const f = this.model.add('EnvFile', `${this.u.base}-secrets`, { name: `${this.u.base}-secrets`, secrets });
      f.notes.push(`secret variables of ${this.u.file}: fill in the real file on the host`);
      this.addEnvFile(new Ref(f));
      this.report.add('IMPORT006', this.u.file, 'Environment', `${Object.keys(secrets).join(', ')} look secret: moved to ${this.u.base}-secrets.env (a template with empty values), not written into the site`);
    }
    if (Object.keys(env).length) this.props.environment = env;
    return true;
  }

  private addEnvFile(ref: Value): void {
    this.props.envFiles = [...((this.props.envFiles as Value[]) ?? []), ref];
  }

  private environmentFiles(values: string[], section = 'Container'): boolean {
    for (const v of values) {
      const file = this.envFiles.get(path.basename(v));
      if (!file) {
        this.raw(section, 'EnvironmentFile', v);
        continue;
      }
      const vars = parseEnvFile(file.text, () => undefined);
      const plain: Record<string, string> = {};
      const secrets: Record<string, { description: string }> = {};
      for (const [k, x] of vars) {
        if (IMPORT_SECRET_NAME.test(k) && x !== '' && !looksHarmless(k, x)) secrets[k] = { description: `from ${file.path}` };
        else plain[k] = x;
      }
      const name = path.basename(file.path, '.env');
      const f = this.model.add('EnvFile', `${name}-env`, { name, values: Object.keys(plain).length ? plain : undefined, secrets: Object.keys(secrets).length ? secrets : undefined });
      f.notes.push(`from ${file.path}`);
      this.addEnvFile(new Ref(f));
      this.report.add('IMPORT011', this.u.file, 'EnvironmentFile', `${v} becomes the site's env file ${name}.env (~/.config/${this.siteName}/${name}.env)${Object.keys(secrets).length ? `; ${Object.keys(secrets).join(', ')} look secret and are left empty in its template` : ''}`);
    }
    return true;
  }

  /** Any other key: typed by how quadlet parses it, or kept as written. */
  private generic(key: string, values: string[]): void {
    const sec = this.u.section;
    const info = KEY_TABLE[sec].keys[key];
    const rawAll = () => values.forEach((v) => this.raw(sec, key, v));
    if (!info) {
      rawAll();
      this.report.add('IMPORT004', this.u.file, key, `${key}= is not a key the library knows for [${sec}]; kept through addEntry`);
      return;
    }
    const last = info.parse === 'single' ? unquoteSingle(values[values.length - 1]) : values[values.length - 1];
    let value: Value;
    let check: unknown;
    switch (info.parse) {
      case 'bool':
        value = bool(last);
        check = value;
        break;
      case 'int':
        value = /^-?\d+$/.test(last) ? parseInt(last, 10) : undefined;
        check = value;
        break;
      case 'single':
        value = systemdSafe(last);
        check = unit(last);
        break;
      case 'multi-raw':
        if (values.some((v) => v === '')) break;
        value = values.map(systemdSafe);
        check = values.map(unit);
        break;
      case 'multi-words':
      case 'multi-args':
      case 'last-args': {
        const split = (info.parse === 'last-args' ? [last] : values).map((v) => systemdSplit(v, true));
        if (split.some((w) => w === undefined)) break;
        const words = split.flat() as string[];
        if (words.length === 0) break;
        value = words.map(systemdSafe);
        check = words.map(unit);
        break;
      }
      case 'multi-keyval': {
        const rec: Record<string, Value> = {};
        const chk: Record<string, unknown> = {};
        let ok = true;
        for (const w of values.flatMap((v) => systemdSplit(v, true) ?? ['='])) {
          const i = w.indexOf('=');
          if (i <= 0) ok = false;
          else {
            rec[w.slice(0, i)] = systemdSafe(w.slice(i + 1));
            chk[w.slice(0, i)] = unit(w.slice(i + 1));
          }
        }
        if (ok && Object.keys(rec).length) {
          value = rec;
          check = chk;
        }
        break;
      }
    }
    if (value === undefined || !encodeValue(info.parse, check as any).ok || (info.parse === 'single' && values.length > 1)) {
      rawAll();
      return;
    }
    this.props[propNameOf(key)] = value;
  }
}

/** Quadlet strips the quotes around a single value (`Image="x"` is `x`); inner quotes stay. */
function unquoteSingle(v: string): string {
  return /^"[^"]*"$/.test(v) ? v.slice(1, -1) : v;
}

function unit(s: string): string | SystemdText {
  return /[%$]/.test(s) ? new SystemdText(s) : s;
}

function bool(v: string): boolean | undefined {
  if (/^(1|yes|true|on)$/i.test(v)) return true;
  if (/^(0|no|false|off)$/i.test(v)) return false;
  return undefined;
}

function camel(k: string): string {
  return k[0].toLowerCase() + k.slice(1);
}

/** A `PublishPort=` value as a typed mapping, only when the library writes it back identically. */
function portOf(v: string): Value | undefined {
  const m = /^(?:(\[[0-9a-fA-F:]+\]|[0-9.]+|):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(v);
  if (!m) return undefined;
  const [, ipRaw, host, container, proto] = m;
  if (host === undefined) return undefined;
  const ip = ipRaw?.replace(/^\[|\]$/g, '');
  if (ip === '' || ip === '0.0.0.0' || ip === '::') return undefined;
  const mapping: Record<string, Value> = { container: parseInt(container, 10) };
  if (host !== container) mapping.host = parseInt(host, 10);
  if (proto === 'udp') mapping.protocol = 'udp';
  if (ipRaw === undefined) mapping.public = true;
  else if (ip !== '127.0.0.1') mapping.bind = ip;
  const spec = publishSpec(mapping as unknown as PortMapping);
  return spec === v && literalOf(spec) === v ? mapping : undefined;
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
