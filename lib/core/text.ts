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

/**
 * `s` with the password of every `scheme://user:password@` and of every `user:password@host/...`
 * (an image reference with credentials) replaced by `***`.
 */
export function maskCredentials(s: string): string {
  return s
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s"'/:@]*):([^\s"'/@]+)@/gi, '$1:***@')
    .replace(/(^|[\s"'=(,])([^\s"'/:@=(,]+):([^\s"'/@]+)@(?!sha256:)/g, '$1$2:***@');
}
