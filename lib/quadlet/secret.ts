import { Construct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { Resource } from '../core/resource';
import './codes';
import { SiteSecrets } from './site-secrets';

export interface SecretProps {
  /** The podman secret name (`podman secret create <name> -`). @default - the construct id */
  readonly name?: string;
  /** What the secret is and how to make one, for the docs. @default - none */
  readonly description?: string;
  /**
   * Create it with a random value (64 hex characters) the first time the site starts, and never
   * change it after: right for a password only programs use (a database's). Otherwise the
   * operator creates it once with `podman secret create <name> -`, and the site's secrets unit
   * stops the containers that read it from starting until it exists.
   * @default false
   */
  readonly generate?: boolean;
}

/**
 * A podman secret: the one place on the host its value lives. The value never enters the tree.
 * `<site>-secrets.service` (SiteSecrets) checks it exists before the containers that read it
 * start, and creates it when `generate` is set; otherwise create it on the host with
 * `podman secret create <name> -`. Containers read it as a file or an environment variable
 * (`secrets`), or inside a composed value such as a DATABASE_URL (`composeEnv`).
 */
export class Secret extends Resource {
  /** A secret created on the host under `name`. */
  public static fromName(scope: Construct, id: string, name: string): Secret {
    return new Secret(scope, id, { name });
  }

  public readonly kind = 'secret';
  public readonly secretName: string;
  public readonly description?: string;
  /** Whether the site creates it with a random value. */
  public readonly generated: boolean;

  public constructor(scope: Construct, id: string, props: SecretProps = {}) {
    super(scope, id);
    this.secretName = props.name ?? id;
    this.description = props.description;
    this.generated = props.generate ?? false;
    SiteSecrets.of(this.site).add(this);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(this.secretName)) {
      Diagnostics.report(this, 'SECRET002', `"${this.secretName}" is not a valid podman secret name`);
    }
  }
}
