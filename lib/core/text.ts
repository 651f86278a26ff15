/**
 * Text that goes into one line of a file or a terminal: control characters made visible, and
 * credentials masked. No imports, so that diagnostics and names can both use it.
 */

/** Characters that end a line for some reader of the output (systemd, PyYAML, Caddy) or hide in text. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/g;

/** The first control character in `s`, as `U+000D`, or undefined. */
export function controlCharIn(s: string): string | undefined {
  const m = CONTROL.exec(s);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/** `s` with every control character written as `\xNN` / `\uNNNN`: one line whatever `s` holds. */
export function escapeControls(s: string): string {
  return s.replace(CONTROLS, (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** Characters that end the user info of a URL or a credential word. */
const STOP = /[\s"'/@]/;
const SCHEME_CHAR = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;
/** Where a credential word (`user:password@registry/...`) may start after. */
const WORD_BOUNDARY = /[\s"'=(,]/;
/** Characters a credential word's user name cannot hold. */
const NOT_IN_USER = /[=(,]/;

/**
 * `s` with the password of every `scheme://user:password@` and of every `user:password@host/...`
 * (an image reference with credentials) replaced by `***`. Linear in the length of `s`: it is
 * anchored on each `@` and reads back only to the previous stop character, so a long value in a
 * message (a 1 MB name) costs one pass.
 */
export function maskCredentials(s: string): string {
  let out = '';
  let done = 0;
  for (let at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
    let b = at;
    while (b > done && !STOP.test(s[b - 1])) b--;
    if (b < done) continue;
    const colon = passwordColon(s, b, at);
    if (colon === undefined || colon + 1 >= at) continue;
    out += `${s.slice(done, colon + 1)}***`;
    done = at;
  }
  return done === 0 ? s : out + s.slice(done);
}

/** The `:` before the password of the user info `s[b, at)` that ends at an `@`, or undefined. */
function passwordColon(s: string, b: number, at: number): number | undefined {
  // scheme://user:password@ : the user info starts right after "://" and a scheme holding a letter.
  if (b >= 3 && s.startsWith('://', b - 3)) {
    let letter = false;
    for (let i = b - 4; i >= 0 && SCHEME_CHAR.test(s[i]); i--) {
      if (LETTER.test(s[i])) {
        letter = true;
        break;
      }
    }
    if (letter) {
      for (let i = b; i < at; i++) if (s[i] === ':') return i;
    }
  }
  // user:password@host (not a digest, @sha256:...): the word starts at the text's start or a boundary.
  if (s.startsWith('sha256:', at + 1)) return undefined;
  let start = b === 0 || WORD_BOUNDARY.test(s[b - 1]) ? b : -1;
  for (let i = b; i < at; i++) {
    if (NOT_IN_USER.test(s[i])) start = i + 1;
    else if (s[i] === ':') {
      if (start >= 0 && i > start) return i;
      start = -1;
    }
  }
  return undefined;
}
