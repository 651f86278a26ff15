import { defineCodes, Diagnostic, makeDiagnostic } from '../core/diagnostics';
import { escapeControls } from '../core/text';

/**
 * Problems `quadlet-cdk apply` and `diff` find on the host, and what synth warns about deploys
 * (auto-update). Host problems are raised as a DeployError carrying one of these codes; its
 * diagnostic's path is the root deployed to. Stable: never renumber, only add.
 */
export const DEPLOY_CODES = defineCodes({
  DEPLOY001: {
    title: 'apply runs in the wrong scope for the site',
    hint: 'run apply for a rootless site as the user whose units it manages (not root, not sudo), and for a rootful site as root; --no-systemd with --root stages the files anywhere',
  },
  DEPLOY002: {
    title: 'a unit did not become active after apply; the previous version is back',
    hint: 'read the unit\'s journal lines in the message, fix the site and apply again; apply restored the previous files, reloaded systemd and restarted what it had changed',
  },
  DEPLOY003: {
    title: 'another apply is running on this root',
    hint: 'wait for it to finish; if none runs, remove the lock file the message names',
  },
  DEPLOY004: {
    title: 'an env file a unit reads is missing its secrets',
    hint: 'make the env file from its .env.tmpl beside it and fill in every secret (the units read <name>.env, never the template); apply keeps the secrets you filled in and updates the other values',
  },
  DEPLOY010: {
    title: 'auto-update without a health check',
    hint: 'give the container a healthCmd: podman auto-update rolls an update back only when the restarted unit fails, and without a health check a broken image that keeps running counts as a success',
    severity: 'warning',
  },
  DEPLOY011: {
    title: 'auto-update of an image that cannot change',
    hint: 'autoUpdate: \'registry\' follows a tag: give the image a tag without an @sha256: digest (a digest never changes), or drop autoUpdate and bump the pin instead',
    severity: 'warning',
  },
});

/** A problem on the host that stops a deploy. Carries a stable DEPLOY code and a fix. */
export class DeployError extends Error {
  public readonly diagnostic: Diagnostic;
  /** Lines that say more (the files concerned, a unit's last journal lines), printed below the message. */
  public readonly details: readonly string[];

  public constructor(root: string, code: keyof typeof DEPLOY_CODES | 'OUTPUT005', detail: string, details: readonly string[] = [], hint?: string) {
    const diagnostic = makeDiagnostic(root, code, detail, hint);
    const more = details.map((l) => `\n    ${escapeControls(l)}`).join('');
    super(`${code} ${diagnostic.message}${more}\n  fix: ${diagnostic.hint}`);
    this.name = 'DeployError';
    this.diagnostic = diagnostic;
    this.details = details;
  }

  /** The stable code, e.g. `DEPLOY002`. */
  public get code(): string {
    return this.diagnostic.code;
  }
}
