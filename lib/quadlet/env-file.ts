import { Construct } from 'constructs';
import { checkName, commentLines } from '../core/names';
import { Diagnostics, reporterFor } from '../core/diagnostics';
import { RenderContext, Resource } from '../core/resource';
import { SystemdText } from '../render/systemd-value';
import './codes';
import { ChezmoiIgnore } from './chezmoi-ignore';
import { literalSecretIn } from './literal-secrets';
import { headerFor } from './unit';

/** A variable whose real value is a secret: only its name and description are written. */
export interface EnvSecret {
  /** What it is and how to make one, e.g. "64 random hex chars: openssl rand -hex 32". */
  readonly description: string;
}

export interface EnvFileProps {
  /** The file's base name: `<name>.env` on the host, `<name>.env.tmpl` in the output. @default - the construct id */
  readonly name?: string;
  /** Non-secret values, written into the template as they are. @default - none */
  readonly values?: Record<string, string>;
  /** Secret variables: the template names them with an empty value and a comment. @default - none */
  readonly secrets?: Record<string, EnvSecret>;
}

/**
 * An environment file on the host (`%h/.config/<site>/<name>.env`) that units read with
 * `EnvironmentFile=`. The real file holds secrets and is never generated; the output has a
 * `<name>.env.tmpl` companion with every variable, the non-secret values, and empty secrets.
 */
export class EnvFile extends Resource {
  public readonly kind = 'env-file';
  public readonly name: string;
  private readonly vals: Map<string, string>;
  private readonly secs: Map<string, EnvSecret>;

  public constructor(scope: Construct, id: string, props: EnvFileProps = {}) {
    super(scope, id);
    this.name = props.name ?? id;
    this.vals = new Map(Object.entries(props.values ?? {}));
    this.secs = new Map(Object.entries(props.secrets ?? {}));
    // The name becomes a file name, a .chezmoiignore line (a Go template) and EnvironmentFile=.
    checkName(reporterFor(this), this.name, 'env file name', '.env.tmpl');
    for (const [k] of [...this.vals, ...this.secs]) this.checkName(k);
    for (const [k, v] of this.vals) this.checkValue(k, v);
    ChezmoiIgnore.of(this.site).add(`.config/${this.site.name}/${this.name}.env`);
  }

  /** Add a non-secret value. */
  public addValue(name: string, value: string): void {
    this.checkName(name);
    if (this.vals.has(name) || this.secs.has(name)) Diagnostics.report(this, 'ENV001', `${name} is set twice in ${this.name}.env`);
    this.checkValue(name, value);
    this.vals.set(name, value);
  }

  /** Add a secret variable (name and description only). */
  public addSecret(name: string, secret: EnvSecret): void {
    this.checkName(name);
    if (this.vals.has(name) || this.secs.has(name)) Diagnostics.report(this, 'ENV001', `${name} is set twice in ${this.name}.env`);
    this.secs.set(name, secret);
  }

  /** Every variable the file defines. */
  public get variables(): string[] {
    return [...this.vals.keys(), ...this.secs.keys()].sort();
  }

  /** The secret variables. */
  public get secretNames(): string[] {
    return [...this.secs.keys()].sort();
  }

  public valueOf(name: string): string | undefined {
    return this.vals.get(name);
  }

  public has(name: string): boolean {
    return this.vals.has(name) || this.secs.has(name);
  }

  /** Where units read it: `EnvironmentFile=` value. */
  public get hostPath(): SystemdText {
    return new SystemdText(this.site.runtimePathOf('config', `${this.name}.env`));
  }

  private checkName(name: string): void {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) Diagnostics.report(this, 'ENV002', `"${name}" is not a valid variable name`);
  }

  private checkValue(name: string, value: string): void {
    const secret = literalSecretIn(name, value);
    if (secret) {
      Diagnostics.report(this, 'SECRET001', `${secret} but is given a literal value in ${this.name}.env`, `declare it with secrets: { ${name}: { description: '...' } } and put the value in the real .env`);
    }
    if (/[\r\n]/.test(value)) {
      Diagnostics.report(this, 'ENV002', `the value of ${name} contains a newline, which env files cannot hold`,
        'write the value on one line: podman reads an env file line by line, so the newline would end the value and the rest would become another line; put multi-line data in a mounted file or a podman Secret');
    }
  }

  /**
   * Values are written raw: podman's --env-file (what EnvironmentFile= in a .container becomes)
   * takes everything after the first `=` literally, quotes included.
   */
  public render(ctx: RenderContext): void {
    const lines = commentLines(headerFor(this.node.path));
    const real = this.hostPath.text.replace(/^%h\//, '~/');
    lines.push(`# The units read ${real}: make it from this template on the host, fill in the secrets, and never commit it.`);
    for (const name of this.variables) {
      const secret = this.secs.get(name);
      if (secret) {
        lines.push(...commentLines([`secret: ${secret.description.replace(/\r?\n/g, ' ')}`]));
        lines.push(`${name}=`);
      } else {
        lines.push(`${name}=${this.vals.get(name)!}`);
      }
    }
    ctx.emit('config', `${this.name}.env.tmpl`, lines.join('\n') + '\n');
  }
}
