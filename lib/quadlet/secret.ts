import { Construct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { Resource } from '../core/resource';
import './codes';

export interface SecretProps {
  /** The podman secret name (`podman secret create <name> -`). @default - the construct id */
  readonly name?: string;
  /** What the secret is and how to make one, for the docs. @default - none */
  readonly description?: string;
}

/**
 * A podman secret. Its value never enters the tree: create it on the host with
 * `podman secret create <name> -`. Containers mount it as a file or an environment variable.
 */
export class Secret extends Resource {
  /** A secret created on the host under `name`. */
  public static fromName(scope: Construct, id: string, name: string): Secret {
    return new Secret(scope, id, { name });
  }

  public readonly kind = 'secret';
  public readonly secretName: string;
  public readonly description?: string;

  public constructor(scope: Construct, id: string, props: SecretProps = {}) {
    super(scope, id);
    this.secretName = props.name ?? id;
    this.description = props.description;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(this.secretName)) {
      Diagnostics.report(this, 'SECRET002', `"${this.secretName}" is not a valid podman secret name`);
    }
  }
}
