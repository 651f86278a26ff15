import { Construct } from 'constructs';
import { About } from '../core/about';
import { Diagnostics } from '../core/diagnostics';
import { Container, ContainerProps } from '../quadlet/container';
import { EnvFile, EnvSecret } from '../quadlet/env-file';
import { INetwork } from '../quadlet/network';
import { Volume } from '../quadlet/volume';
import './codes';
import { ensureEnvFile, ensureSecret, ensureValue, recordLink, warnWithoutHost } from './connections';
import { resourceId, stripSuffix } from './placement';

/** Props every SQL sidecar (PostgresDatabase, MariaDb) takes. */
export interface SqlDatabaseProps {
  /** Unit, container and DNS name; the env file is `<name>.env`. @default - the construct id */
  readonly name?: string;
  /** Allow a floating image tag, with the reason. @default - floating tags are errors */
  readonly allowFloatingTag?: string;
  /** The database the server creates on first start. @default - the name without its `-db` (or `-mysql`, `-mariadb`) suffix */
  readonly database?: string;
  /** The application user the server creates. @default - the database name */
  readonly user?: string;
  /** The env-template comment for the application password. @default '<database> database password: openssl rand -hex 24' */
  readonly passwordDescription?: string;
  /** The podman volume holding the data. @default '<name>-data' */
  readonly volumeName?: string;
  /** Networks to join; consumers must share one. @default - the site's default network */
  readonly networks?: INetwork[];
  /** Docs: upstream, role, notes. @default - a role naming the database */
  readonly about?: About;
  /** Any other container settings (health check, resources, more mounts). @default - none */
  readonly containerProps?: Partial<ContainerProps>;
}

/** How a consumer reaches the database: by URL, by parts, or both. */
export interface SqlConnectOptions {
  /** The consumer's env file: the URL and password are secrets and go here; the consumer reads it. */
  readonly envFile: EnvFile;
  /**
   * A secret variable for the whole connection URL; its template comment shows the URL with a
   * `<password from x.env>` placeholder, so the operator can build it.
   * @default 'DATABASE_URL' for Postgres when no part variable is given, else none
   */
  readonly urlVar?: string;
  /** The URL scheme the application expects. @default the engine's ('postgresql', 'mysql') */
  readonly scheme?: string;
  /** A variable for the host name (e.g. `DB_HOST`, `MYSQL_HOSTNAME`). @default - none */
  readonly hostVar?: string;
  /** A variable for the port. @default - none */
  readonly portVar?: string;
  /** A variable for the database name. @default - none */
  readonly databaseVar?: string;
  /** A variable for the user name. @default - none */
  readonly userVar?: string;
  /** A secret variable for the application password (same value as in the database's env file). @default - none */
  readonly passwordVar?: string;
}

/** What an engine fixes: image, port, data path and the names of its env variables. */
export interface SqlEngine {
  readonly label: string;
  readonly image: string;
  readonly port: number;
  readonly dataPath: string;
  readonly scheme: string;
  readonly values: (database: string, user: string) => Record<string, string>;
  readonly secrets: (passwordDescription: string) => Record<string, EnvSecret>;
  /** The variable in the database's own env file that holds the app user's password. */
  readonly passwordVar: string;
  readonly defaultUrlVar?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

const dataVolumes = new WeakMap<object, SqlDatabase>();

/** The database whose live data directory `volume` holds, if a SqlDatabase made it (for backups). */
export function databaseOfVolume(volume: object): SqlDatabase | undefined {
  return dataVolumes.get(volume);
}

/**
 * A SQL server sidecar: its container, its data volume and its env file (user and database as
 * values, passwords as secrets), created beside each other as `<name>`, `<name>-data`,
 * `<name>-env`. `connect` wires a consumer to it.
 */
export abstract class SqlDatabase {
  public readonly container: Container;
  public readonly volume: Volume;
  public readonly envFile: EnvFile;
  /** The database name. */
  public readonly database: string;
  /** The application user. */
  public readonly user: string;
  /** The port consumers dial. */
  public readonly port: number;
  /** The comment the password secrets carry in env templates. */
  public readonly passwordDescription: string;
  private readonly engine: SqlEngine;

  protected constructor(scope: Construct, id: string, props: SqlDatabaseProps, engine: SqlEngine & { readonly image: string }) {
    this.engine = engine;
    const name = props.name ?? id;
    this.database = props.database ?? stripSuffix(name, ['db', 'mysql', 'mariadb', 'postgres']);
    this.user = props.user ?? this.database;
    this.port = engine.port;
    this.passwordDescription = props.passwordDescription ?? `${this.database} database password: openssl rand -hex 24`;
    this.envFile = new EnvFile(scope, resourceId(scope, id, name, 'env'), {
      name,
      values: engine.values(this.database, this.user),
      secrets: engine.secrets(this.passwordDescription),
    });
    const volumeName = props.volumeName ?? `${name}-data`;
    this.volume = new Volume(scope, resourceId(scope, id, volumeName, 'volume'), { name: volumeName });
    dataVolumes.set(this.volume, this);
    const extra = props.containerProps ?? {};
    this.container = new Container(scope, id, {
      ...extra,
      name,
      image: engine.image,
      allowFloatingTag: props.allowFloatingTag ?? extra.allowFloatingTag,
      networks: props.networks ?? extra.networks,
      ports: [engine.port, ...(extra.ports ?? [])],
      volumes: [{ volume: this.volume, path: engine.dataPath }, ...(extra.volumes ?? [])],
      envFiles: [this.envFile, ...(extra.envFiles ?? [])],
      about: props.about ?? extra.about ?? { role: `${engine.label} for ${this.database}` },
    });
    for (const [what, v] of [['database', this.database], ['user', this.user]]) {
      if (!IDENT.test(v)) Diagnostics.report(this.container, 'PATTERN002', `${what} name "${v}" cannot be written into a connection URL as it is`);
    }
  }

  /** The DNS name consumers on a shared network use. */
  public get hostname(): string {
    return this.container.hostname;
  }

  /**
   * The connection URL with a placeholder where the password goes:
   * `postgresql://wiki:<password from wiki-db.env>@wiki-db:5432/wiki`. It describes the secret;
   * the real value, password included, is written only into the host's env file.
   */
  public url(options: { readonly scheme?: string } = {}): string {
    return `${options.scheme ?? this.engine.scheme}://${this.user}:<password from ${this.envFile.name}.env>@${this.hostname}:${this.port}/${this.database}`;
  }

  /** An env-file secret whose comment tells the operator how to build the URL. */
  public urlSecret(options: { readonly scheme?: string } = {}): EnvSecret {
    return { description: this.url(options) };
  }

  /**
   * Wire `consumer` to the database: the variables it asks for in `envFile` (URL and password as
   * secrets, the rest as values), the consumer reads that file, and starts after the database.
   */
  public connect(consumer: Container, options: SqlConnectOptions): void {
    const o = options;
    const parts = [o.hostVar, o.portVar, o.databaseVar, o.userVar, o.passwordVar].some((v) => v !== undefined);
    const urlVar = o.urlVar ?? (parts ? undefined : this.engine.defaultUrlVar);
    if (urlVar) ensureSecret(o.envFile, urlVar, this.urlSecret({ scheme: o.scheme }));
    warnWithoutHost(consumer, this.container, [urlVar, o.hostVar]);
    if (o.hostVar) ensureValue(o.envFile, o.hostVar, this.hostname);
    if (o.portVar) ensureValue(o.envFile, o.portVar, String(this.port));
    if (o.databaseVar) ensureValue(o.envFile, o.databaseVar, this.database);
    if (o.userVar) ensureValue(o.envFile, o.userVar, this.user);
    // The consumer needs the database's password, not a new one: say where it comes from.
    if (o.passwordVar) ensureSecret(o.envFile, o.passwordVar, { description: `the same value as ${this.engine.passwordVar} in ${this.envFile.name}.env` });
    ensureEnvFile(consumer, o.envFile);
    consumer.addRequirement(this.container);
    recordLink(consumer, this.container, this.engine.label);
  }
}
