import { Construct, IConstruct } from 'constructs';
import { About, Docs } from '../core/about';
import { Reporter } from '../core/diagnostics';
import { checkUnitList, encodeUnitList, escapeControls, nameProblem } from '../core/names';
import { RenderContext, Resource, ValidationContext } from '../core/resource';
import { EncodableValue, encodeValue, ParseMode } from '../render/encode';
import { renderUnitFile, UnitFile } from '../render/unit-file';
import { literalOf, UnitValue } from '../render/systemd-value';
import { credentialFlagIn, CREDENTIALS_HINT, credsHavePassword } from './literal-secrets';
import './codes';
import '../deploy/unit-hash';
import { Dependency, DependencyList, DependencyOptions, dependencySpec, DependsOn, IQuadletUnitRef, IServiceUnit, QUADLET_UNIT_FILE } from './dependency';
import { compareVersions, KEY_TABLE, keyOfProp, QuadletSection } from './keys';
import { QuadletBundle } from './bundle';
import { checkGeneratorRules } from './generator-rules';
import {
  checkVersionValues, parseModeFor, SERVICE_USER_WARNED_SINCE, TEMPLATE_REFERENCES_SINCE, TEMPLATES_SINCE, UPHELD_BY_SINCE, USERS_DIR_SINCE, versionName,
} from './version-values';

export type { IQuadletUnitRef, IServiceUnit } from './dependency';

/** Restart policies systemd knows. */
export type RestartPolicy = 'no' | 'always' | 'on-success' | 'on-failure' | 'on-abnormal' | 'on-abort' | 'on-watchdog';

/**
 * How a unit that keeps failing ends up `failed` instead of restarting forever. systemd's own
 * defaults (RestartSec=100ms, at most 5 starts in 10 s) only trip for failures that come within
 * 2 s: a start that fails after 4 s (a rootless port that cannot be bound, a mount that is
 * missing) restarts for ever and never shows as failed. 5 s between restarts and 5 starts in
 * 10 minutes end any unit whose run lasts under 2 minutes in `failed` (result `start-limit-hit`),
 * after about 5 x (run time + 5 s); one that runs longer between failures keeps restarting.
 */
export const RESTART_DEFAULTS = {
  /** `RestartSec=`: seconds between a failure and the next start. */
  restartSec: 5,
  /** `StartLimitIntervalSec=` in `[Unit]`: the window starts are counted in. */
  startLimitIntervalSec: 600,
  /** `StartLimitBurst=` in `[Unit]`: starts allowed in the window; the next one fails the unit. */
  startLimitBurst: 5,
} as const;

/** The `[Service]` settings a quadlet unit commonly needs. Others go through `addEntry`. */
export interface ServiceOptions {
  /**
   * systemd's `Restart=`; `false` writes none at all (quadlet's own default: no restart), as a
   * hand-written unit without one had.
   * @default 'always' for long-running units, nothing for oneshot ones
   */
  readonly restart?: RestartPolicy | false;
  /** Seconds between restarts. @default 5 when the unit restarts (RESTART_DEFAULTS) */
  readonly restartSec?: number;
  /**
   * `StartLimitIntervalSec=`: the window, in seconds, in which starts are counted (0 turns the
   * limit off: the unit then restarts for ever).
   * @default 600 when the unit restarts (RESTART_DEFAULTS)
   */
  readonly startLimitIntervalSec?: number;
  /** `StartLimitBurst=`: starts allowed in the window before the unit is failed. @default 5 when the unit restarts (RESTART_DEFAULTS) */
  readonly startLimitBurst?: number;
  /**
   * Seconds a start may take. A container's first start pulls its image (gigabytes for an LLM
   * or ML image) and a health-gated one waits for its first passing check: 90s is too short.
   * `false` writes no `TimeoutStartSec=` (systemd's 90s), as a hand-written unit without one had.
   * @default 900 for long-running containers, systemd's (90s) for other units
   */
  readonly timeoutStartSec?: number | false;
  /**
   * systemd's `TimeoutStopSec=`, in seconds.
   * @default - systemd's (90s)
   */
  readonly timeoutStopSec?: number;
  /** `oneshot` for jobs run by a timer. @default - quadlet's (notify) */
  readonly type?: 'notify' | 'oneshot';
}

/** `[Install]`: which targets pull the unit in at boot. */
export interface InstallOptions {
  /**
   * Targets that pull the unit in (`WantedBy=`).
   * @default - the site's target (or default.target when the site has none)
   */
  readonly wantedBy?: string[];
  /**
   * Targets that require it (`RequiredBy=`).
   * @default - none
   */
  readonly requiredBy?: string[];
  /**
   * Other names of the unit (`Alias=`).
   * @default - none
   */
  readonly alias?: string[];
  /**
   * `UpheldBy=`: units that keep this one running (systemd restarts it whenever it stops while
   * they are active; podman >= 5.5 writes the `.upholds` links).
   * @default - none
   */
  readonly upheldBy?: string[];
}

/** Props every quadlet unit takes. */
export interface QuadletUnitProps {
  /**
   * The unit's base name: the file is `<name>.<type>` and podman resources default to it too.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `[Unit] Description=`; `false` writes none (what an imported unit without one had).
   * @default - "<kind> <name>", or the documented role
   */
  readonly description?: string | false;
  /**
   * Units to start after, each a unit (strength `requires`) or `{ unit, strength, ready }`:
   * `Requires=`/`Wants=`/`BindsTo=` and `After=` on their `.service` names. See `dependsOn()`.
   * @default - none
   */
  readonly dependsOn?: DependsOn[];
  /**
   * The `[Service]` section: restart policy and timeouts.
   * @default - restart always for long-running units
   */
  readonly service?: ServiceOptions;
  /** `false` to leave the unit out of boot (start it by hand or from a timer). @default - joins the site target */
  readonly install?: InstallOptions | false;
  /** `ServiceName=` for the generated unit (podman >= 5.3). @default - quadlet's naming */
  readonly serviceName?: string;
  /** `[Quadlet] DefaultDependencies=` (podman >= 5.3). @default - not written (true) */
  readonly defaultDependencies?: boolean;
  /** Upstream, role and notes for the generated docs. @default - none */
  readonly about?: About;
}

/** A `key=value` line added with `addEntry`. */
export interface RawEntry {
  /** The unit section, e.g. `Container` or `Service`. */
  readonly section: string;
  /** The key, written as given. */
  readonly key: string;
  /** The value, written as given (no escaping). */
  readonly value: string;
}

/** What the generated `.service` is called for each unit type (quadlet-generator-rules A1). */
const SERVICE_SUFFIX: Record<QuadletSection, string> = {
  Container: '', Kube: '', Pod: '-pod', Network: '-network', Volume: '-volume', Image: '-image', Build: '-build', Artifact: '-artifact', Quadlet: '',
};

/**
 * The base of `.container`, `.pod`, `.network`, `.volume`, `.image`, `.build`, `.kube` and
 * `.artifact` units. Subclasses list their key values; this class encodes them by parse mode,
 * gates them by podman version and writes the file.
 */
export abstract class QuadletUnit extends Resource implements IServiceUnit {
  /**
   * A quadlet unit managed outside this site (an admin's own file, another tool's), by its file
   * name: `QuadletUnit.fromFileName('db.container')`, `'edge.network'`, `'web@a.container'`.
   * Quadlet units of the site that depend on it write that name (`Requires=db.container`), and
   * the generator translates it into the unit's service, as it does between podman's own files
   * (it refuses the dependent unit when the file is not beside it). Plain systemd units (Service,
   * Timer) write the service name: `<name>.service`, `<name>-pod.service`, `<name>-network.service`,
   * ..., or `serviceName` when the file sets `ServiceName=`.
   * @param fileName the quadlet file name, e.g. `db.container`
   * @param serviceName the service it makes, e.g. `db.service`
   * @default serviceName - the generator's default for the file name
   */
  public static fromFileName(fileName: string, serviceName?: string): IQuadletUnitRef {
    const m = QUADLET_UNIT_FILE.exec(fileName);
    const section = m && (Object.keys(SERVICE_SUFFIX) as QuadletSection[]).find((s) => KEY_TABLE[s].extension === `.${m.groups!.kind}`);
    const base = m?.groups!.base ?? fileName;
    const [prefix, instance] = base.split(/@(.*)/s);
    const derived = instance === undefined ? `${base}${section ? SERVICE_SUFFIX[section] : ''}` : `${prefix}${section ? SERVICE_SUFFIX[section] : ''}@${instance}`;
    return { quadletFileName: fileName, serviceName: serviceName ?? `${derived}.service` };
  }

  /** The quadlet section, e.g. `Container`. */
  public abstract readonly section: QuadletSection;
  public readonly name: string;
  private readonly unitProps: QuadletUnitProps;
  private readonly generic: Record<string, unknown>;
  private readonly deps: DependencyList;
  private readonly raw: RawEntry[] = [];
  private readonly enabledInstances = new Set<string>();

  /**
   * @param generic the props object: its members that name a key of the section (`addCapability`)
   *   are written as that key; the subclass handles the rest.
   */
  protected constructor(scope: Construct, id: string, props: QuadletUnitProps, generic: object) {
    super(scope, id);
    this.unitProps = props;
    this.generic = generic as Record<string, unknown>;
    this.name = props.name ?? id;
    if (props.about) Docs.describe(this, props.about);
    this.deps = new DependencyList(this, 'requires', true);
    if (this.site.quadletOutput === 'bundle') QuadletBundle.of(this.site);
    for (const d of props.dependsOn ?? []) {
      const spec = dependencySpec(d);
      this.dependsOn(spec.unit, spec);
    }
  }

  public get kind(): string {
    return this.section.toLowerCase();
  }

  /** The props as given (other backends read them; the quadlet renderer uses its typed entries). */
  public get givenProps(): Readonly<Record<string, unknown>> {
    return this.generic;
  }

  /**
   * Whether this is a template unit (`worker@.container`, podman >= 5.0): systemd runs it as
   * instances (`worker@a.service`), and `%i` in its values is the instance. The template classes
   * (`ContainerTemplate`, `VolumeTemplate`, `NetworkTemplate`) say yes.
   */
  public get isTemplate(): boolean {
    return false;
  }

  /** The file name, e.g. `web.container` (`worker@.container` for a template): also how other quadlet units reference this one. */
  public get unitFileName(): string {
    return `${this.name}${this.isTemplate ? '@' : ''}${KEY_TABLE[this.section].extension}`;
  }

  /** The generated service, e.g. `web.service` or `edge-network.service` (`worker@.service` for a template). */
  public get serviceName(): string {
    return `${this.unitProps.serviceName ?? `${this.name}${SERVICE_SUFFIX[this.section]}`}${this.isTemplate ? '@' : ''}.service`;
  }

  /**
   * Start after `unit`, and say how hard this unit needs it:
   * `db.dependsOn(cache, { strength: 'wants' })`, `app.dependsOn(db, { ready: 'healthy' })`.
   * Writes `Requires=` (default), `Wants=` or `BindsTo=`, and `After=`, on `unit`'s service.
   * Adding a unit twice keeps the stronger strength and the stricter readiness.
   */
  public dependsOn(unit: IServiceUnit, options: DependencyOptions = {}): void {
    this.deps.add(unit, options);
  }

  /** What this unit starts after, and how, by service name. */
  public get dependencies(): Dependency[] {
    return this.deps.all;
  }

  /**
   * Escape hatch: write `key=value` into `section` exactly as given (no escaping). Never dropped:
   * a key quadlet does not know, or one newer than the site's podman, is reported at synth.
   */
  public addEntry(section: string, key: string, value: string): void {
    this.raw.push({ section, key, value });
  }

  /** The lines added with `addEntry`, in order (other backends report them). */
  public get rawEntries(): readonly RawEntry[] {
    return this.raw;
  }

  /** Key values of the quadlet section from the subclass's typed props, in output order. */
  protected abstract quadletEntries(report: Reporter): Array<[string, EncodableValue | undefined]>;

  /** Extra `[Unit]` entries a subclass needs (already encoded). */
  protected unitEntriesExtra(): Array<[string, string]> {
    return [];
  }

  /** Extra `[Service]` entries a subclass needs (already encoded). */
  protected serviceEntries(): Array<[string, string]> {
    return [];
  }

  /** `TimeoutStartSec=` when `service.timeoutStartSec` is not given. */
  protected get defaultTimeoutStartSec(): number | undefined {
    return undefined;
  }

  /** Whether the unit runs until stopped (restart policy applies) or runs once. */
  protected get longRunning(): boolean {
    return this.unitProps.service?.type !== 'oneshot';
  }

  public validate(ctx: ValidationContext): void {
    const site = ctx.site;
    // Templates are the template classes (`isTemplate`): the name itself holds no `@`.
    const own = nameProblem(this.name, 'unit name', KEY_TABLE[this.section].extension);
    if (own?.code === 'NAME001') ctx.report('QUADLET004', `"${escapeControls(this.name)}" is not a valid unit name`);
    else if (own) ctx.report(own.code, own.message);
    else checkUnitList(ctx.report, [this.serviceName], 'generated service');
    const since = KEY_TABLE[this.section].since;
    if (this.isTemplate) {
      if (compareVersions(TEMPLATES_SINCE, site.podmanVersion) > 0) {
        ctx.report('QUADLET001', `template units (${this.unitFileName}) need podman ${versionName(TEMPLATES_SINCE)}; this site targets ${site.podmanVersion}`);
      }
      for (const i of [...(this.defaultInstance === undefined ? [] : [this.defaultInstance]), ...this.enabledInstances]) {
        const bad = nameProblem(i, 'instance name', `${this.unitFileName}.d`);
        if (bad) ctx.report(bad.code, bad.message);
      }
    }
    if (compareVersions(since, site.podmanVersion) > 0) {
      ctx.report('QUADLET001', `${KEY_TABLE[this.section].extension} units need podman ${versionName(since)}; this site targets ${site.podmanVersion}`);
    }
    if (this.unitProps.serviceName !== undefined) this.checkKey(this.section, 'ServiceName', ctx.report);
    this.deps.validate(site, ctx.report);
    const type = this.unitProps.service?.type;
    if (type && !['notify', 'oneshot'].includes(type)) ctx.report('QUADLET023', `Type=${type} is not accepted by quadlet`);
    checkInstall(this.installOptions(), site, ctx.report);
    if (this.installOptions()?.upheldBy?.length && compareVersions(UPHELD_BY_SINCE, site.podmanVersion) > 0) {
      ctx.report('QUADLET001', `[Install] UpheldBy= needs podman ${versionName(UPHELD_BY_SINCE)}; this site targets ${site.podmanVersion}`);
    }
    if (site.usersDir !== undefined && compareVersions(USERS_DIR_SINCE, site.podmanVersion) > 0) {
      ctx.report('QUADLET001', `units in /etc/containers/systemd/users need podman ${versionName(USERS_DIR_SINCE)}; this site targets ${site.podmanVersion}`);
    }
    checkServiceUser(this.raw.filter((e) => e.section === 'Service').map((e) => e.key), site.podmanVersion, ctx.report);
    this.checkCredentials(ctx.report);
    for (const e of this.raw) {
      if (e.section === this.section || e.section === 'Quadlet') {
        const sec = e.section as QuadletSection;
        if (!KEY_TABLE[sec].keys[e.key]) {
          ctx.report('QUADLET002', `raw entry ${e.key}= is not a key of [${e.section}]`);
        } else {
          this.checkKey(sec, e.key, ctx.report);
        }
      }
      if (e.section === 'Service' && e.key === 'KillMode' && !['mixed', 'control-group'].includes(e.value)) {
        ctx.report('QUADLET024', `KillMode=${e.value} is not accepted by quadlet`);
      }
      if (e.section === 'Service' && e.key === 'Type' && !['notify', 'oneshot'].includes(e.value) && ['Container', 'Kube'].includes(this.section)) {
        ctx.report('QUADLET023', `Type=${e.value} is not accepted by quadlet`);
      }
    }
  }

  /**
   * A template's references to templated volumes and networks resolve per instance from podman
   * 5.7 (QUADLET001 before); a plain unit cannot use one at all (QUADLET032: there is no instance).
   */
  protected checkTemplateReferences(refs: readonly unknown[], report: Reporter): void {
    for (const ref of refs) {
      if (!(ref instanceof QuadletUnit) || !ref.isTemplate) continue;
      if (!this.isTemplate) {
        report('QUADLET032', `${this.unitFileName} is not a template but uses the template ${ref.unitFileName}, which has no instance to give it`);
      } else if (compareVersions(TEMPLATE_REFERENCES_SINCE, this.site.podmanVersion) > 0) {
        report('QUADLET001', `a template using the template ${ref.unitFileName} needs podman ${versionName(TEMPLATE_REFERENCES_SINCE)}; this site targets ${this.site.podmanVersion}`);
      }
    }
  }

  /** Credentials in `Creds=` and in podman arguments land in the unit file: SECRET001. */
  private checkCredentials(report: Reporter): void {
    const hint = CREDENTIALS_HINT;
    const creds = this.generic.creds;
    const rawCreds = this.raw.filter((e) => e.key === 'Creds').map((e) => e.value);
    for (const c of [...(creds === undefined ? [] : [literalOf(creds as UnitValue)]), ...rawCreds]) {
      if (credsHavePassword(c)) report('SECRET001', `Creds= holds a password (user:password) in ${this.unitFileName}`, hint);
    }
    const args = [...((this.generic.podmanArgs as UnitValue[] | undefined) ?? []), ...((this.generic.globalArgs as UnitValue[] | undefined) ?? [])].map((a) => literalOf(a));
    const flag = credentialFlagIn([...args, ...this.raw.filter((e) => /^(PodmanArgs|GlobalArgs)$/.test(e.key)).map((e) => e.value)]);
    if (flag) report('SECRET001', `${flag} among the podman arguments of ${this.unitFileName} puts a credential in the unit`, hint);
  }

  /** Whether the generator of the site's podman knows `key` of this unit's section. */
  protected keyAvailable(key: string): boolean {
    const info = KEY_TABLE[this.section].keys[key];
    return info !== undefined && compareVersions(info.since, this.site.podmanVersion) <= 0;
  }

  /** Reports a key unknown to the section or newer than the target podman; true when usable. */
  protected checkKey(section: QuadletSection, key: string, report: Reporter): boolean {
    // A unit type newer than the target is reported once, by validate(), not once per key.
    if (compareVersions(KEY_TABLE[this.section].since, this.site.podmanVersion) > 0) return false;
    const info = KEY_TABLE[section].keys[key];
    if (!info) {
      report('QUADLET002', `${key}= is not a key of [${section}]`);
      return false;
    }
    if (compareVersions(info.since, this.site.podmanVersion) > 0) {
      report('QUADLET001', `${key}= in [${section}] needs podman ${versionName(info.since)}; this site targets ${this.site.podmanVersion}`);
      return false;
    }
    return true;
  }

  private installOptions(): InstallOptions | undefined {
    if (this.unitProps.install === false) return undefined;
    return {
      wantedBy: this.unitProps.install?.wantedBy ?? [this.site.installTarget],
      requiredBy: this.unitProps.install?.requiredBy,
      alias: this.unitProps.install?.alias,
      upheldBy: this.unitProps.install?.upheldBy,
    };
  }

  /** Writes one key after checking it exists and is old enough; reports unencodable values. */
  private put(file: UnitFile, section: string, key: string, mode: ParseMode, value: EncodableValue, report: Reporter, why?: string): void {
    const encoded = encodeValue(mode, value);
    if (!encoded.ok) {
      report('QUADLET003', `${key}=: ${encoded.error}${why ? ` (${why})` : ''}`);
      return;
    }
    for (const line of encoded.lines) file.add(section, key, line);
  }

  /** The generic props (section keys by their camelCase names), in key order. */
  private genericEntries(handled: Set<string>): Array<[string, EncodableValue]> {
    const out: Array<[string, EncodableValue]> = [];
    for (const [prop, value] of Object.entries(this.generic)) {
      if (value === undefined) continue;
      const key = keyOfProp(this.section, prop);
      if (!key || handled.has(key)) continue;
      out.push([key, value as EncodableValue]);
    }
    return out.sort(([a], [b]) => (a < b ? -1 : 1));
  }

  public render(ctx: RenderContext): void {
    const file = new UnitFile();
    const report = ctx.report;
    const unitText = (key: string, v: UnitValue) => this.put(file, 'Unit', key, 'text', v, report);

    // `systemctl status` shows the Description: say what the unit is for when the docs know it.
    if (this.unitProps.description !== false) unitText('Description', this.unitProps.description ?? describeUnit(this, this.kind, this.name));
    for (const [key, value] of this.deps.unitEntries()) file.add('Unit', key, value);
    for (const [key, value] of this.unitEntriesExtra()) file.add('Unit', key, value);
    if (this.site.partOfTarget) file.add('Unit', 'PartOf', encodeUnitList([this.site.partOfTarget]));

    const own = this.quadletEntries(report).filter((e): e is [string, EncodableValue] => e[1] !== undefined);
    if (this.unitProps.serviceName !== undefined) own.push(['ServiceName', this.unitProps.serviceName]);
    const handled = new Set(own.map(([k]) => k));
    for (const [key, value] of [...own, ...this.genericEntries(handled)]) {
      if (!this.checkKey(this.section, key, report)) continue;
      // The parsing of the release the site targets (Kube Yaml= is split on white space from 5.7).
      const { parse, why } = parseModeFor(this.section, key, this.site.podmanVersion);
      this.put(file, this.section, key, parse, value, report, why);
    }

    const svc = this.unitProps.service ?? {};
    const restart = svc.restart === false ? undefined : svc.restart ?? (this.longRunning && this.section !== 'Pod' ? 'always' : undefined);
    if (svc.type) file.add('Service', 'Type', svc.type);
    if (restart) file.add('Service', 'Restart', restart);
    for (const [section, key, value] of restartEntries(restart, svc)) this.put(file, section, key, 'int', value, report);
    const timeoutStart = svc.timeoutStartSec === false ? undefined : svc.timeoutStartSec ?? this.defaultTimeoutStartSec;
    if (timeoutStart !== undefined) this.put(file, 'Service', 'TimeoutStartSec', 'int', timeoutStart, report);
    if (svc.timeoutStopSec !== undefined) this.put(file, 'Service', 'TimeoutStopSec', 'int', svc.timeoutStopSec, report);
    for (const [k, v] of this.serviceEntries()) file.add('Service', k, v);

    if (this.unitProps.defaultDependencies !== undefined) {
      if (this.checkKey('Quadlet', 'DefaultDependencies', report)) this.put(file, 'Quadlet', 'DefaultDependencies', 'bool', this.unitProps.defaultDependencies, report);
    }

    // A template is installed only through DefaultInstance= (the generator ignores [Install]
    // otherwise); enabled instances get their own file, with the [Install] section.
    const install = this.installOptions();
    if (!this.isTemplate) renderInstall(file, install);
    else if (this.defaultInstance !== undefined && install) {
      renderInstall(file, install);
      file.add('Install', 'DefaultInstance', this.defaultInstance);
    }

    for (const e of this.raw) file.add(e.section, e.key, e.value);
    if (compareVersions(KEY_TABLE[this.section].since, this.site.podmanVersion) <= 0) {
      checkVersionValues(file, this.section, this.site.podmanVersion, report);
      const siteFiles = ctx.memo(`quadlet-files:${this.site.node.path}`, () => quadletFilesOf(this.site));
      // Units outside the site named by file (QuadletUnit.fromFileName) are the admin's to provide.
      const outside = this.deps.quadletFilesNamed;
      checkGeneratorRules(file, this.section, outside.length ? new Set([...siteFiles, ...outside]) : siteFiles, this.site.podmanVersion, report);
    }
    // A bundled site writes its units into <site>.quadlets instead of one file each.
    const emit = (name: string, text: string) => (this.site.quadletOutput === 'bundle' ? QuadletBundle.of(this.site).add(name, text) : ctx.emit('quadlet', name, text));
    emit(this.unitFileName, renderUnitFile(this.sorted(file), headerFor(this.node.path)));
    for (const instance of [...this.enabledInstances].sort()) {
      const copy = new UnitFile();
      for (const sec of file.sections) if (sec.name !== 'Install') for (const e of sec.entries) copy.add(sec.name, e.key, e.value);
      // `install: false` on the template: the instance's own file, not started at boot.
      renderInstall(copy, install);
      emit(`${this.name}@${instance}${KEY_TABLE[this.section].extension}`, renderUnitFile(this.sorted(copy), headerFor(this.node.path)));
    }
  }

  /** Canonical section order: Unit, the quadlet section, Service, Quadlet, Install, then others. */
  private sorted(file: UnitFile): UnitFile {
    const rank = (n: string) => ['Unit', this.section, 'Service', 'Quadlet', 'Install'].indexOf(n);
    file.sections.sort((a, b) => (rank(a.name) < 0 ? 99 : rank(a.name)) - (rank(b.name) < 0 ? 99 : rank(b.name)));
    return file;
  }

  /** The quadlet file names this unit writes: its own, and one per instance started at boot. */
  public get quadletFileNames(): string[] {
    return [this.unitFileName, ...[...this.enabledInstances].map((i) => `${this.name}@${i}${KEY_TABLE[this.section].extension}`)];
  }

  /** For a template: `[Install] DefaultInstance=`, the instance the template's own install starts. */
  protected get defaultInstance(): string | undefined {
    return undefined;
  }

  /**
   * For a template: write `<name>@<instance>.<type>` too, a copy of the template with the
   * `[Install]` section, so that the instance starts at boot (what a symlink to the template does).
   */
  protected enableInstance(instance: string): void {
    this.enabledInstances.add(instance);
  }
}

/**
 * Checks `[Install]` lists: full unit names (NAME001), no "/" (QUADLET026: the generator drops
 * those without a word), no multi-user.target for user units (QUADLET027).
 */
export function checkInstall(install: InstallOptions | undefined, site: { readonly rootless: boolean }, report: Reporter): void {
  for (const target of [...(install?.wantedBy ?? []), ...(install?.requiredBy ?? []), ...(install?.upheldBy ?? [])]) {
    if (typeof target === 'string' && target.includes('/') && !/[\s\u0000-\u001f]/.test(target)) report('QUADLET026', `install target "${escapeControls(target)}" contains "/" and would be ignored`);
    else checkUnitList(report, [target], 'install target');
    if (site.rootless && target === 'multi-user.target') report('QUADLET027', 'multi-user.target does not exist for user units; the unit would never start at boot');
  }
  checkUnitList(report, install?.alias ?? [], 'alias');
}

/** `[Install]` entries, each list encoded as unit names. */
export function renderInstall(file: UnitFile, install: InstallOptions | undefined): void {
  if (install?.wantedBy?.length) file.add('Install', 'WantedBy', encodeUnitList(install.wantedBy));
  if (install?.requiredBy?.length) file.add('Install', 'RequiredBy', encodeUnitList(install.requiredBy));
  if (install?.alias?.length) file.add('Install', 'Alias', encodeUnitList(install.alias));
  if (install?.upheldBy?.length) file.add('Install', 'UpheldBy', encodeUnitList(install.upheldBy));
}

/**
 * QUADLET033 for `[Service] User=`, `Group=` or `DynamicUser=`: podman would run as that user, which
 * breaks rootless podman and the container's own user mapping; the generator warns from 5.6.
 */
export function checkServiceUser(serviceKeys: readonly string[], podmanVersion: string, report: Reporter): void {
  for (const key of new Set(serviceKeys.filter((k) => ['User', 'Group', 'DynamicUser'].includes(k)))) {
    const podmanSays = compareVersions(podmanVersion, SERVICE_USER_WARNED_SINCE) >= 0
      ? `podman ${podmanVersion} warns that it is not supported`
      : `podman ${podmanVersion} takes it without a word (from ${versionName(SERVICE_USER_WARNED_SINCE)} it warns that it is not supported)`;
    report('QUADLET033', `[Service] ${key}= makes systemd start podman as another user: ${podmanSays}`);
  }
}

/**
 * `RestartSec=` in `[Service]` and `StartLimitIntervalSec=`/`StartLimitBurst=` in `[Unit]` for a
 * unit that restarts (RESTART_DEFAULTS unless given); given values are written even without a
 * restart policy.
 */
export function restartEntries(restart: string | undefined, given: { readonly restartSec?: number; readonly startLimitIntervalSec?: number; readonly startLimitBurst?: number }): Array<['Unit' | 'Service', string, number]> {
  const restarts = restart !== undefined && restart !== 'no';
  const pick = (v: number | undefined, d: number) => v ?? (restarts ? d : undefined);
  const out: Array<['Unit' | 'Service', string, number | undefined]> = [
    ['Unit', 'StartLimitIntervalSec', pick(given.startLimitIntervalSec, RESTART_DEFAULTS.startLimitIntervalSec)],
    ['Unit', 'StartLimitBurst', pick(given.startLimitBurst, RESTART_DEFAULTS.startLimitBurst)],
    ['Service', 'RestartSec', pick(given.restartSec, RESTART_DEFAULTS.restartSec)],
  ];
  return out.filter((e): e is ['Unit' | 'Service', string, number] => e[2] !== undefined);
}

/** `<name>: <role>` when the unit has documented a role, else `<kind> <name>`. */
export function describeUnit(scope: IConstruct, kind: string, name: string): string {
  const role = Docs.of(scope)?.role;
  return role ? `${name}: ${role}` : `${kind} ${name}`;
}

/** The first lines of every generated file: who made it, from which construct. No timestamps. */
export function headerFor(constructPath: string): string[] {
  return [`Generated by quadlet-cdk from ${escapeControls(constructPath)}. Do not edit: change the site's TypeScript and synth again.`];
}

/** The quadlet file names of a site's units (what `Pod=x.pod` or `Requires=x.container` may name). */
function quadletFilesOf(site: IConstruct): Set<string> {
  return new Set(site.node.findAll().filter((c): c is QuadletUnit => c instanceof QuadletUnit).flatMap((u) => u.quadletFileNames));
}
