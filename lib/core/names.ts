import { defineCodes, Reporter } from './diagnostics';
import { escapeControls } from './text';

export { controlCharIn, escapeControls } from './text';

/**
 * The one rule for names that become file names, unit names or podman names, the one rule for
 * lists of unit names (`WantedBy=`, `Requires=`, ...), and the one encoder for text that lands in
 * a comment line. Every construct that writes a name goes through these.
 */
export const NAME_CODES = defineCodes({
  NAME001: { title: 'invalid name', hint: 'use letters, digits, "-", "_" and "." only, starting with a letter or digit (unit lists: full unit names such as app.target)' },
  NAME002: { title: 'name too long', hint: 'shorten the name: a file name or unit name has at most 255 bytes (systemd and Linux file systems), suffixes included' },
  NAME003: { title: 'names differ only in case', hint: 'rename one: the files collide on case-insensitive file systems (macOS, Windows checkouts of the dotfiles repository) and readers confuse them', severity: 'warning' },
  NAME004: { title: 'container name made only of hex digits', hint: 'add a non-hex letter or a dash, e.g. "db" -> "app-db": quadlet runs podman run --name X --replace, and podman resolves an all-hex X as a container-ID prefix, so starting the unit can remove an unrelated container whose ID begins with X' },
  NAME005: { title: 'control character in a construct id', hint: 'remove line breaks, tabs and other control characters (C0, C1, U+2028/U+2029, BOM) from the id: ids end up in file headers and paths' },
});

/** Comment lines (`# text`) that no text can end early or extend: controls are escaped. */
export function commentLines(lines: readonly string[], marker = '#'): string[] {
  return lines.map((l) => `${marker} ${escapeControls(l)}`.trimEnd());
}

/** Names of units, podman resources and files: systemd's charset without `@`, `\` and `:`. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The most bytes one path component (and one systemd unit name) may have. */
export const MAX_NAME_BYTES = 255;

/** UTF-8 length: the limits are in bytes. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Why `name` cannot be used as a name (or undefined): the charset of unit names, which also
 * keeps out newlines, `%` specifiers, spaces, `/` and template braces. `suffix` is what the
 * file or unit adds (`.container`, `-network.service`), counted in the length limit.
 */
export function nameProblem(name: string, what: string, suffix = ''): { code: 'NAME001' | 'NAME002'; message: string } | undefined {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    return { code: 'NAME001', message: `${what} "${escapeControls(String(name))}" is not a valid name` };
  }
  if (byteLength(name + suffix) > MAX_NAME_BYTES) {
    return { code: 'NAME002', message: `${what} "${shorten(name)}" is ${byteLength(name + suffix)} bytes long${suffix ? ` with "${suffix}"` : ''} (at most ${MAX_NAME_BYTES})` };
  }
  return undefined;
}

/** A long name cut for a message. */
function shorten(s: string): string {
  return s.length > 40 ? `${s.slice(0, 20)}...${s.slice(-12)}` : s;
}

/** Unit types systemd knows, for lists of unit names. */
const UNIT_SUFFIX = /\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;

/** Why a full unit name (`web.service`, `getty@tty1.service`) is not one systemd accepts. */
export function unitNameProblem(unit: string, what: string): { code: 'NAME001' | 'NAME002'; message: string } | undefined {
  const [prefix, instance] = typeof unit === 'string' ? unit.replace(UNIT_SUFFIX, '').split(/@(.*)/s) : [''];
  if (typeof unit !== 'string' || !UNIT_SUFFIX.test(unit) || !NAME_PATTERN.test(prefix) || (instance !== undefined && instance !== '' && !NAME_PATTERN.test(instance))) {
    return { code: 'NAME001', message: `${what} "${escapeControls(String(unit))}" is not a unit name (name.type, e.g. app.target)` };
  }
  if (byteLength(unit) > MAX_NAME_BYTES) return { code: 'NAME002', message: `${what} "${shorten(unit)}" is ${byteLength(unit)} bytes long (at most ${MAX_NAME_BYTES})` };
  return undefined;
}

/**
 * A list of unit names as one systemd value: space-separated, `%` doubled so no specifier is
 * expanded. Callers validate each name first (`unitNameProblem`); this never lets one add a line.
 */
export function encodeUnitList(units: readonly string[]): string {
  return units.map((u) => escapeControls(u).replace(/%/g, '%%').replace(/\s/g, '\\x20')).join(' ');
}

/** An all-hex name, which podman's `--replace` resolves as a container-ID prefix. */
export function isAllHex(name: string): boolean {
  return /^[0-9a-f]+$/.test(name);
}

/** chezmoi's source attribute prefixes (https://chezmoi.io/reference/source-state-attributes/). */
const CHEZMOI_PREFIXES = [
  'after_', 'before_', 'create_', 'dot_', 'empty_', 'encrypted_', 'exact_', 'executable_', 'external_', 'literal_',
  'modify_', 'once_', 'onchange_', 'private_', 'readonly_', 'remove_', 'run_', 'symlink_',
];

/**
 * A file name as a chezmoi source name: a name that starts with an attribute prefix
 * (`run_backup.service` would be run as a script) gets chezmoi's `literal_` prefix, which stops
 * prefix parsing, so the target keeps the name.
 */
export function chezmoiSourceName(name: string): string {
  return CHEZMOI_PREFIXES.some((p) => name.startsWith(p)) ? `literal_${name}` : name;
}

/**
 * The target path of a chezmoi source path, `/`-separated: `dot_config/private_x/executable_y`
 * becomes `.config/x/y`; `literal_` ends the attributes of a name (chezmoi's rules).
 */
export function chezmoiTargetName(sourcePath: string): string {
  return sourcePath.split('/').map((part) => {
    let p = part;
    for (let changed = true; changed;) {
      changed = false;
      if (p.startsWith('literal_')) return p.slice('literal_'.length);
      for (const prefix of ['private_', 'readonly_', 'executable_', 'empty_', 'exact_', 'create_', 'modify_', 'encrypted_']) {
        if (p.startsWith(prefix)) {
          p = p.slice(prefix.length);
          changed = true;
        }
      }
    }
    if (p.startsWith('dot_')) p = `.${p.slice(4)}`;
    return p.endsWith('.literal') ? p.slice(0, -'.literal'.length) : p;
  }).join('/');
}

/** Report what is wrong with a name (NAME001/NAME002); true when it is usable. */
export function checkName(report: Reporter, name: string, what: string, suffix = ''): boolean {
  const problem = nameProblem(name, what, suffix);
  if (problem) report(problem.code, problem.message);
  return !problem;
}

/** Report what is wrong with each full unit name of a list (NAME001/NAME002); true when all are usable. */
export function checkUnitList(report: Reporter, units: readonly string[], what: string): boolean {
  let ok = true;
  for (const u of units) {
    const problem = unitNameProblem(u, what);
    if (problem) report(problem.code, problem.message);
    ok &&= !problem;
  }
  return ok;
}

/**
 * A podman container or pod name: the name rule, plus the all-hex rule of `--replace` (NAME004).
 * `checked` when the name is the unit name, which its own check already covers.
 */
export function checkPodmanName(report: Reporter, name: string, what: string, checked = false): void {
  if (!checked && !checkName(report, name, what)) return;
  if (isAllHex(name)) report('NAME004', `${what} "${name}" is made only of hex digits, which podman run --replace takes for a container-ID prefix`);
}

/** A name with the unit-name specifiers `%N`, `%p` and `%i` of `serviceName` filled in (quadlet's systemd-%N, systemd-%p_%i). */
export function expandUnitSpecifiers(name: string, serviceName: string): string {
  const base = serviceName.replace(/\.service$/, '');
  const [prefix, instance = ''] = base.split('@');
  return name.replace(/%N/g, base).replace(/%p/g, prefix).replace(/%i/g, instance);
}
