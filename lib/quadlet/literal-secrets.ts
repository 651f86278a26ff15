/**
 * What counts as a secret written as a literal (SECRET001): a value under a secret-looking name,
 * a password inside a URL (`postgres://app:pw@db/app`, `redis://:pw@cache`), a credentials flag
 * among podman arguments (`--creds`, `--password=`), and `Creds=user:password`. One rule for every
 * place a value reaches a unit, an env template or the docs.
 */

/** Secret-looking variable names: these must not be given literal values. */
export const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_KEY|PRIVATE_KEY|MASTER_KEY|SALT_KEY|ACCESS_KEY|SECRET_KEY|CREDENTIALS?)($|_)/i;

/** podman flags whose value is a credential. */
const CREDENTIAL_FLAG = /^--(creds|password|passwd)(=|$)/;

/**
 * Whether a value holds `scheme://user:password@` with a non-empty password. Linear: anchored on
 * each `://`, the user info is read forwards up to the next `@`, `/` or white space.
 */
export function hasUrlPassword(value: string): boolean {
  for (let at = value.indexOf('://'); at >= 0; at = value.indexOf('://', at + 3)) {
    if (at === 0 || !/[a-z0-9+.-]/i.test(value[at - 1])) continue;
    let j = at + 3;
    while (j < value.length && value[j] !== '@' && value[j] !== '/' && !/\s/.test(value[j])) j++;
    if (value[j] !== '@') continue;
    const info = value.slice(at + 3, j);
    const colon = info.indexOf(':');
    if (colon >= 0 && colon < info.length - 1) return true;
  }
  return false;
}

/** Why `name=value` is a literal secret, or undefined. */
export function literalSecretIn(name: string, value: string): string | undefined {
  if (value === '') return undefined;
  if (SECRET_NAME.test(name)) return `${name} looks like a secret`;
  if (hasUrlPassword(value)) return `${name} holds a password inside a URL`;
  return undefined;
}

/** The first argument that passes a credential to podman (`--creds`, `--password=...`), or undefined. */
export function credentialFlagIn(args: readonly string[]): string | undefined {
  return args.map((a) => a.split(/\s+/).find((w) => CREDENTIAL_FLAG.test(w))).find((w) => w !== undefined)?.split('=')[0];
}

/** What to do instead of a credential among podman arguments or in `Creds=` (SECRET001). @internal */
export const CREDENTIALS_HINT = 'log in once on the host (podman login writes ${XDG_RUNTIME_DIR}/containers/auth.json, which every pull reads), or write a credentials file with podman login --authfile <file> and set authFile: \'<file>\' (AuthFile=) on the unit; never write the password into the unit';

/** Whether a `Creds=` value holds a password (`user:password`). */
export function credsHavePassword(creds: string): boolean {
  const colon = creds.indexOf(':');
  return colon >= 0 && colon < creds.length - 1;
}
