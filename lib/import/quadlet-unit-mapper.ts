/**
 * The sections of one imported quadlet unit as construct props. Keys with a typed prop become that
 * prop (references to units of the folder become references to their constructs); a value the
 * typed prop would write differently stays exactly as written, through `addEntry`. The library's
 * opinions (Description, Restart=always, the site target, its container naming) are switched off
 * where the file did not ask for them, so the units render as they did.
 */
import * as path from 'path';
import { unitNameProblem } from '../core/names';
import { KEY_TABLE, propNameOf, QuadletSection } from '../quadlet/keys';
import { parseEnvFile } from './interpolate';
import { Call, Decl, ModelBuilder, Ref, Value } from './model';
import { bool, camel, mountOf, portOf, typedKeyValue, unquoteSingle } from './quadlet-values';
import { ReportBuilder } from './report';
import { floats, IMPORT_SECRET_NAME, looksHarmless, systemdSafe } from './values';
import { UnitSection, valuesOf } from './unit-parse';
import { systemdSplit } from './words';

/** One file of the folder, by its path relative to the folder. */
export interface UnitFileInput {
  /** The path in the folder, e.g. `web.container`, `env/db.env`. */
  readonly path: string;
  /** Its content. */
  readonly text: string;
}

const STRENGTH = { Requires: 'requires', BindsTo: 'bindsTo', Wants: 'wants' } as const;
const SERVICE_TYPES = new Set(['simple', 'exec', 'oneshot', 'notify']);
const RESTART = new Set(['no', 'always', 'on-success', 'on-failure', 'on-abnormal', 'on-abort', 'on-watchdog']);

/** A unit of the folder being imported. */
export interface Unit {
  /** Its path in the folder. */
  readonly file: string;
  /** The unit name: the file name without its type (`worker` for `worker@.container`). */
  readonly base: string;
  /** The file type, e.g. `.container`. */
  readonly ext: string;
  /** The parsed file. */
  readonly sections: UnitSection[];
  /** The declaration it becomes. */
  readonly decl: Decl;
  /** The section its keys are in, e.g. `Container`. */
  readonly section: QuadletSection;
  /** A plain `.service` beside the quadlets (a Service construct), not a quadlet unit. @default false */
  readonly plain?: boolean;
  /** A template (`worker@.container`, or the template an instance file stands for). @default false */
  readonly template?: boolean;
  /** The service it makes, e.g. `db-volume.service`. */
  readonly serviceName: string;
}

/**
 * One quadlet unit file -> the props of its construct: each section in turn, keys with a typed
 * prop typed, the rest kept through `addEntry`.
 */
export class UnitMapper {
  private readonly props: Record<string, Value> = {};

  public constructor(
    private readonly u: Unit,
    private readonly byFile: Map<string, Unit>,
    private readonly byService: Map<string, Unit>,
    private readonly envFiles: Map<string, UnitFileInput>,
    private readonly model: ModelBuilder,
    private readonly report: ReportBuilder,
    private readonly siteName: string,
    /** Quadlet files outside the import (QuadletImportOptions.outsideUnits). */
    private readonly outside: ReadonlySet<string> = new Set(),
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
      Container: ['containerName', new Call('new SystemdText', [u.template ? 'systemd-%p_%i' : 'systemd-%N'])],
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
    // become typed dependencies of that strength, and so do units outside the import named by
    // file (outsideUnits); anything else stays as written.
    const deps: Value[] = [];
    const strengthOf = (name: string) => (['Requires', 'BindsTo', 'Wants'] as const).filter((k) => list(k).includes(name));
    for (const name of [...new Set([...list('Requires'), ...list('BindsTo'), ...list('Wants'), ...after])]) {
      const inFolder = this.byService.get(name);
      const target = inFolder ? new Ref(inFolder.decl) : this.outside.has(name) ? new Call('QuadletUnit.fromFileName', [name]) : undefined;
      const keys = strengthOf(name);
      if (!target || inFolder === this.u || !after.has(name) || keys.length > 1) continue;
      const strength = keys.length === 0 ? 'orderOnly' : STRENGTH[keys[0]];
      deps.push(strength === 'requires' ? target : { unit: target, strength });
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
        // `After=` alone empties the list so far: kept as written.
        if (rest.length || e.value.trim() === '') this.raw('Unit', e.key, rest.join(' '));
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
      if (e.key === 'DefaultInstance' && this.u.template && words.length === 1) this.props.defaultInstance = words[0];
      else if (prop && typed) install[prop] = [...((install[prop] as string[]) ?? []), ...words];
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
      this.u.decl.todos.push('Image: the unit runs nothing the Container construct can say (no Image=, no plain Rootfs=)');
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
      case 'Container.Rootfs': {
        // A plain folder, optionally `:O` (overlay); other options (idmap) stay raw.
        const m = /^([^:%$"]+?)(:O)?$/.exec(last);
        if (!m || this.props.image !== undefined || values.length > 1) {
          rawAll();
          return true;
        }
        this.props.image = new Call('RootFs.at', m[2] ? [m[1], { overlay: true }] : [m[1]]);
        return true;
      }
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
        const mounts = values.map((v) => mountOf(v, this.byFile));
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
    const value = typedKeyValue(info, values);
    if (value === undefined) rawAll();
    else this.props[propNameOf(key)] = value;
  }
}
