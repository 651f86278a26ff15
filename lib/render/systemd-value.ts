/**
 * Values that go into systemd and quadlet unit files.
 *
 * A plain string is literal: every `%` and `$` in it is escaped so that systemd passes it through
 * unchanged. A `SystemdText` is already in systemd's syntax and may use specifiers on purpose,
 * e.g. `%h` for the user's home: build it with `home()`, `specifier()` or `systemdText()`.
 */
const BRAND = Symbol.for('quadlet-cdk.SystemdText');

export class SystemdText {
  public static is(x: unknown): x is SystemdText {
    return typeof x === 'object' && x !== null && (x as any)[BRAND] === true;
  }
  /** @param text systemd syntax: `%%` is a literal percent, `%h` the home folder. */
  public constructor(public readonly text: string) {
    Object.defineProperty(this, BRAND, { value: true });
  }
  public toString(): string {
    return this.text;
  }
}

/** A string, or text in systemd's own syntax. */
export type UnitValue = string | SystemdText;

/** `%` -> `%%`: systemd expands specifiers in almost every setting. */
export function escapePercent(s: string): string {
  return s.replace(/%/g, '%%');
}

/** `$` -> `$$`: systemd expands `$VAR` and `${VAR}` in ExecStart, which quadlet generates. */
export function escapeDollar(s: string): string {
  return s.replace(/\$/g, '$$$$');
}

/** Joins literal strings (escaped) and systemd text (kept) into one systemd text. */
export function systemdText(...parts: UnitValue[]): SystemdText {
  return new SystemdText(parts.map((p) => (SystemdText.is(p) ? p.text : escapePercent(escapeDollar(p)))).join(''));
}

/** A path under the user's home folder: `%h/<rest>`. */
export function home(rest = ''): SystemdText {
  const tail = rest.replace(/^\/+/, '');
  return systemdText(new SystemdText('%h'), tail ? `/${tail}` : '');
}

/** The systemd specifiers a site author may use on purpose. */
export const Specifier = {
  /** `%h`: the user's home folder. */
  home: new SystemdText('%h'),
  /** `%t`: the runtime folder ($XDG_RUNTIME_DIR for user units). */
  runtimeDir: new SystemdText('%t'),
  /** `%S`: the state folder (~/.local/state for user units). */
  stateDir: new SystemdText('%S'),
  /** `%E`: the configuration folder (~/.config for user units). */
  configDir: new SystemdText('%E'),
  /** `%C`: the cache folder. */
  cacheDir: new SystemdText('%C'),
  /** `%n`: the full unit name. */
  unitName: new SystemdText('%n'),
  /** `%N`: the unit name without its suffix. */
  unitBaseName: new SystemdText('%N'),
  /** `%i`: the template instance. */
  instance: new SystemdText('%i'),
  /** `%U`: the numeric user id. */
  uid: new SystemdText('%U'),
} as const;

/** The unit-file text of a value: literal strings get `%` (and optionally `$`) escaped. */
export function toSystemd(v: UnitValue, opts: { dollar: boolean }): string {
  if (SystemdText.is(v)) return v.text;
  return opts.dollar ? escapePercent(escapeDollar(v)) : escapePercent(v);
}

/**
 * Whether a value names an absolute path once systemd expands it: a literal starting with `/`,
 * or systemd text starting with `/` or a folder specifier (`%h`, `%t`, `%S`, `%C`, `%E`, `%L`)
 * followed by `/` or nothing. `%U` and the like expand to names, not folders.
 */
export function isAbsolutePath(v: UnitValue): boolean {
  const s = literalOf(v);
  return SystemdText.is(v) ? /^(\/|%[hStCEL](\/|$))/.test(s) : s.startsWith('/');
}

/** The value with systemd's expansion undone, for messages and comparisons. */
export function literalOf(v: UnitValue): string {
  return SystemdText.is(v) ? v.text : v;
}
