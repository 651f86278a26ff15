import { Construct } from 'constructs';
import { RenderContext, Resource } from '../core/resource';
import { Site } from '../core/site';
import { encodeValue } from '../render/encode';
import { renderUnitFile, UnitFile } from '../render/unit-file';
import type { Secret } from './secret';
import { headerFor } from './unit';

/** The podman binary the generated scripts call. */
export const PODMAN = '/usr/bin/podman';

/** `'it'\''s'`: one shell word, whatever the text holds. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The shell command that prints a podman secret's value (trailing newlines stripped by `$(...)`). */
export function readSecretCommand(secretName: string): string {
  return `${PODMAN} secret inspect --showsecret --format '{{.SecretData}}' ${shellQuote(secretName)}`;
}

/**
 * The site's one secrets source: `<site>-secrets.service`, a oneshot that runs before every
 * container that reads a podman secret (they `Requires=` it). For each secret of the site it
 * checks that the podman secret exists; a `generate`d one (a database password) is created
 * with a random value the first time and never changed after, so its value lives in exactly one
 * place on the host (podman's secret store) and nobody has to paste it anywhere. A secret the
 * operator must provide (an API key) fails the unit with the command that creates it.
 */
export class SiteSecrets extends Resource {
  /** The site's SiteSecrets, created on first use. */
  public static of(site: Site): SiteSecrets {
    const existing = site.node.tryFindChild(ID);
    return existing instanceof SiteSecrets ? existing : new SiteSecrets(site, ID);
  }

  /** The site's SiteSecrets if any secret made one, without creating it (for docs). */
  public static find(site: Site): SiteSecrets | undefined {
    const existing = site.node.tryFindChild(ID);
    return existing instanceof SiteSecrets ? existing : undefined;
  }

  public readonly kind = 'secrets';
  private readonly secrets = new Map<string, Secret>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** `<site>-secrets.service`. */
  public get serviceName(): string {
    return `${this.site.name}-secrets.service`;
  }

  /** Check (or create) `secret` before the containers start. */
  public add(secret: Secret): void {
    this.secrets.set(secret.secretName, secret);
  }

  /** The secrets, by name. */
  public get all(): Secret[] {
    return [...this.secrets.values()].sort((a, b) => (a.secretName < b.secretName ? -1 : 1));
  }

  /** One shell line per secret: create it if generated, else fail with the command to create it. */
  private script(): string {
    const lines = ['set -eu'];
    for (const s of this.all) {
      const q = shellQuote(s.secretName);
      if (s.generated) {
        // 32 random bytes as 64 hex characters: safe inside any URL without encoding.
        lines.push(`${PODMAN} secret exists ${q} || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' | ${PODMAN} secret create ${q} - >/dev/null`);
      } else {
        lines.push(`${PODMAN} secret exists ${q} || { echo ${shellQuote(`podman secret ${s.secretName} is missing: create it once with: podman secret create ${s.secretName} - (and type or pipe the value)`)} >&2; exit 1; }`);
      }
    }
    return lines.join('; ');
  }

  public render(ctx: RenderContext): void {
    if (this.secrets.size === 0) return;
    const file = new UnitFile();
    file.add('Unit', 'Description', `${this.site.name}: create the site's podman secrets before the containers that read them`);
    file.add('Service', 'Type', 'oneshot');
    file.add('Service', 'RemainAfterExit', 'yes');
    const exec = encodeValue('exec', ['/bin/sh', '-c', this.script()]);
    if (!exec.ok) ctx.report('UNIT002', `ExecStart=: ${exec.error}`);
    else for (const line of exec.lines) file.add('Service', 'ExecStart', line);
    ctx.emit('systemd', this.serviceName, renderUnitFile(file, headerFor(this.node.path)));
  }
}

const ID = 'site-secrets';
