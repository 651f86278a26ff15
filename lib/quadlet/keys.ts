import table from './key-table.json';
import { ParseMode } from '../render/encode';

/** The quadlet sections: one per unit kind, plus `[Quadlet]` which every kind accepts. */
export type QuadletSection = 'Container' | 'Pod' | 'Network' | 'Volume' | 'Kube' | 'Image' | 'Build' | 'Artifact' | 'Quadlet';

/** What the library knows about one key (from podman's own key tables, see keys.json). */
export interface KeyInfo {
  /** First podman release whose generator accepts the key. */
  readonly since: string;
  /** How quadlet reads the value. */
  readonly parse: ParseMode;
  /** Whether the key may appear more than once. */
  readonly repeatable: boolean;
  /**
   * The key became repeatable in this release (single-valued before).
   * @default - repeatable since the key was added, or never
   */
  readonly repeatableSince?: string;
  /** The TypeScript type of the prop, as text. */
  readonly type: string;
  /**
   * The podman flag the key becomes.
   * @default - none
   */
  readonly flag?: string;
  /**
   * Notes from the podman docs.
   * @default - none
   */
  readonly notes?: string;
}

export interface SectionInfo {
  /** The unit file extension, e.g. `.container`. */
  readonly extension: string;
  /** The podman release that added the unit type. */
  readonly since: string;
  /**
   * The name of the generated service, as a pattern.
   * @default - `<name>.service`
   */
  readonly service?: string;
  /** Every key of the section, by name. */
  readonly keys: Readonly<Record<string, KeyInfo>>;
}

export const KEY_TABLE = table as unknown as Readonly<Record<QuadletSection, SectionInfo>>;

const NAME_OVERRIDES: Record<string, string> = { IPv6: 'ipv6' };

/** `AddCapability` -> `addCapability`, `DNSOption` -> `dnsOption`, `IP6` -> `ip6`. */
export function propNameOf(key: string): string {
  if (NAME_OVERRIDES[key]) return NAME_OVERRIDES[key];
  const lead = /^([A-Z0-9]+)(?=[A-Z][a-z])/.exec(key);
  if (lead && lead[1].length > 1) return lead[1].toLowerCase() + key.slice(lead[1].length);
  if (/^[A-Z0-9]+$/.test(key)) return key.toLowerCase();
  return key[0].toLowerCase() + key.slice(1);
}

const byProp = new Map<QuadletSection, Map<string, string>>();

/** The key a prop name stands for in `section`, or undefined. */
export function keyOfProp(section: QuadletSection, prop: string): string | undefined {
  let m = byProp.get(section);
  if (!m) {
    m = new Map(Object.keys(KEY_TABLE[section].keys).map((k) => [propNameOf(k), k]));
    byProp.set(section, m);
  }
  return m.get(prop);
}

/** Parsed versions, memoized: every key of every unit is gated by version at synth. */
const versions = new Map<string, { nums: number[]; pre: string }>();
function parsedVersion(v: string): { nums: number[]; pre: string } {
  let p = versions.get(v);
  if (!p) {
    const [core, pre] = v.split('-');
    const nums = core.split('.').map((x) => parseInt(x, 10) || 0);
    while (nums.length < 3) nums.push(0);
    versions.set(v, (p = { nums, pre: pre ?? '' }));
  }
  return p;
}

/** Compare dotted versions; `-dev` sorts after its release's predecessors but before the release. */
export function compareVersions(a: string, b: string): number {
  const x = parsedVersion(a);
  const y = parsedVersion(b);
  for (let i = 0; i < 3; i++) if (x.nums[i] !== y.nums[i]) return x.nums[i] - y.nums[i];
  if (x.pre === y.pre) return 0;
  return x.pre === '' ? 1 : y.pre === '' ? -1 : x.pre < y.pre ? -1 : 1;
}
