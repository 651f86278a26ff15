import { Reporter } from '../core/diagnostics';
import { ParseMode } from '../render/encode';
import { UnitFile } from '../render/unit-file';
import './codes';
import { compareVersions, KEY_TABLE, QuadletSection } from './keys';

/**
 * Values whose meaning depends on the podman release: the key exists in both releases, but the
 * older (or newer) generator reads the value differently, without a word. Each was checked in
 * podman's pkg/systemd/quadlet/quadlet.go at the releases named. The rules run on the finished
 * unit file, so typed props, `addEntry` lines and drop-ins are all checked.
 */

/** `6.0.0-dev` (a release still in development in the key table) as people say it: `6.0`. */
export function versionName(v: string): string {
  return v.endsWith('.0-dev') ? v.slice(0, -'.0-dev'.length) : v;
}

/** The first release with template units (`worker@.container`). */
export const TEMPLATES_SINCE = '5.0.0';

/** The first release that merges a unit's drop-ins (`web.container.d/*.conf`). */
export const DROP_INS_SINCE = '5.0.0';

/** The first release where a template refers to templated volumes and networks (`data@.volume`). */
export const TEMPLATE_REFERENCES_SINCE = '5.7.0';

/**
 * The first release that reads top-level (`container.d/`) and dash-prefix (`web-.container.d/`)
 * drop-ins, and a template's (`worker@.container.d/`) for its instances.
 */
export const SHARED_DROP_INS_SINCE = '5.2.0';

/** The first release whose `podman quadlet install` takes a multi-unit `.quadlets` file. */
export const BUNDLES_SINCE = '5.8.0';

/** The first release that writes `[Install] UpheldBy=` as `.upholds` links. */
export const UPHELD_BY_SINCE = '5.5.0';

/** The first release that reads an admin's /etc/containers/systemd/users/ folders for user units. */
export const USERS_DIR_SINCE = '4.6.0';

/** The first release whose generator warns about `[Service] User=`, `Group=`, `DynamicUser=`. */
export const SERVICE_USER_WARNED_SINCE = '5.6.0';

/** The first release whose generator keeps a pod's own `Restart=` (before, on-failure is forced). */
export const POD_RESTART_KEPT_SINCE = '6.0.0-dev';

/** `.build` `File=` starting with a systemd specifier (`%h/...`) counts as absolute (podman commit 936a01e). */
export const FILE_SPECIFIER_ABSOLUTE_SINCE = '5.7.0';

/** `.volume` `Options=` without `Device=` (podman commit 6c41f55, after 5.8). */
export const VOLUME_OPTIONS_WITHOUT_DEVICE_SINCE = '6.0.0-dev';

/**
 * Keys that became repeatable later than the key table says (the table only records Kube Yaml=):
 * before the release, the generator reads only the last line.
 */
const REPEATABLE_SINCE: Partial<Record<QuadletSection, Record<string, string>>> = {
  // v5.2 Lookup(ImageTag), v5.3 LookupAll(ImageTag).
  Build: { ImageTag: '5.3.0' },
  // v4.9 Lookup(Ulimit), v5.0 LookupAll(Ulimit).
  Container: { Ulimit: '5.0.0' },
};

/** The release from which several lines of `section` `key` are all read, if it is a later one. */
export function repeatableSince(section: QuadletSection, key: string): string | undefined {
  return REPEATABLE_SINCE[section]?.[key] ?? KEY_TABLE[section]?.keys[key]?.repeatableSince;
}

/** A key whose values are parsed another way from a release on. */
interface ParseChange {
  readonly since: string;
  readonly parse: ParseMode;
  /** What the new parsing does, for messages. */
  readonly why: string;
}

const PARSE_CHANGES: Partial<Record<QuadletSection, Record<string, ParseChange>>> = {
  // v5.7 reads Yaml= with LookupAllStrv: each line is split on white space, quotes removed.
  Kube: { Yaml: { since: '5.7.0', parse: 'multi-words', why: 'podman 5.7 and later split Yaml= on white space (a path with a space becomes two files)' } },
};

/** How `section` `key` is parsed by the generator of `target`, and why when that changed. */
export function parseModeFor(section: QuadletSection, key: string, target: string): { parse: ParseMode; why?: string } {
  const change = PARSE_CHANGES[section]?.[key];
  if (change && compareVersions(target, change.since) >= 0) return { parse: change.parse, why: change.why };
  return { parse: KEY_TABLE[section].keys[key].parse };
}

/** One value rule: the problem with `values` of a key for a `target` release, or undefined. */
interface ValueRule {
  readonly section: QuadletSection;
  readonly key: string;
  readonly check: (values: readonly string[], target: string) => string | undefined;
}

/** Whether a User=/Group= value is a number (what podman before 4.8 could read). */
const numeric = (v: string) => /^[0-9]+$/.test(v);

const RULES: readonly ValueRule[] = [
  {
    // v4.9 switch on LookupBoolean(Notify); v5.0 adds the `healthy` case.
    section: 'Container', key: 'Notify',
    check: (values, target) => (values.includes('healthy') && compareVersions(target, '5.0.0') < 0
      ? `Notify=healthy needs podman 5.0; podman ${target} reads it as a boolean and turns on conmon's notification, so the unit is ready before the container is healthy`
      : undefined),
  },
  ...(['User', 'Group'] as const).map((key): ValueRule => ({
    // v4.7 LookupUint32(User, 0); v4.8 handleUser passes names to --user.
    section: 'Container', key,
    check: (values, target) => {
      const name = values.find((v) => !numeric(v));
      return name !== undefined && compareVersions(target, '4.8.0') < 0
        ? `${key}=${name} is a name: names need podman 4.8; podman ${target} reads a name as 0 and runs the container as root`
        : undefined;
    },
  })),
];

/**
 * Reports (QUADLET030) every value of the quadlet section of `file` that the generator of `target`
 * would read differently than written: values from later releases, and several lines of a key
 * that only reads its last line before some release.
 */
export function checkVersionValues(file: UnitFile, section: QuadletSection, target: string, report: Reporter): void {
  const entries = file.sections.find((s) => s.name === section)?.entries ?? [];
  const byKey = new Map<string, string[]>();
  for (const e of entries) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e.value]);
  for (const [key, values] of byKey) {
    const since = repeatableSince(section, key);
    if (values.length > 1 && since && compareVersions(target, since) < 0) {
      report('QUADLET030', `${values.length} ${key}= lines need podman ${versionName(since)}; podman ${target} reads only the last one (${values[values.length - 1]})`);
    }
  }
  for (const rule of RULES) {
    const values = rule.section === section ? byKey.get(rule.key) : undefined;
    const problem = values && rule.check(values, target);
    if (problem) report('QUADLET030', problem);
  }
}
