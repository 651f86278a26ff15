import { Construct } from 'constructs';
import { About } from '../core/about';
import { Diagnostics } from '../core/diagnostics';
import { ComposedValue, Container, ContainerProps } from '../quadlet/container';
import { EnvFile } from '../quadlet/env-file';
import { Secret } from '../quadlet/secret';
import { INetwork } from '../quadlet/network';
import { Volume } from '../quadlet/volume';
import './codes';
import { ensureEnvFile, ensureValue, recordLink, warnWithoutHost } from './connections';
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
  /** What the application password is, for the docs. @default '<database> database password (generated on first start)' */
  readonly passwordDescription?: string;
  /** The podman volume holding the data. @default '<name>-data' */
  readonly volumeName?: string;
  /** Networks to join; consumers must share one. @default - the site's default network */
  readonly networks?: INetwork[];
  /** Docs: upstream, role, notes. @default - a role naming the database */
  readonly about?: About;
  /**
   * Any other container settings (resources, more mounts, another `healthCmd`).
   * @default - none; the health check is the engine's (pg_isready, healthcheck.sh --connect) every 10s
   */
  readonly containerProps?: Partial<ContainerProps>;
}

/** How a consumer reaches the database: by URL, by parts, or both. */
export interface SqlConnectOptions {
  /** The consumer's env file: host, port, database and user values go here; the consumer reads it. */
  readonly envFile: EnvFile;
  /**
   * A variable for the whole connection URL, password included. It is composed when the
   * consumer starts from the database's podman secret (`composeEnv`): never written anywhere.
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
  /** A variable for the application password: the database's podman secret, as an environment variable. @default - none */
  readonly passwordVar?: string;
}

/** What an engine fixes: image, port, data path and the names of its env variables. */
export interface SqlEngine {
  /** The engine's name for messages and docs, e.g. `PostgreSQL`. */
  readonly label: string;
  /** The default image. */
  readonly image: string;
  /** The port the server listens on. */
  readonly port: number;
  /** Where the data lives inside the container. */
  readonly dataPath: string;
  /** The URL scheme of a connection string, e.g. `postgresql`. */
  readonly scheme: string;
  /** The env file values that create the database and its user. */
  readonly values: (database: string, user: string) => Record<string, string>;
  /** The variable the server reads the app user's password from (its podman secret). */
  readonly passwordVar: string;
  /** The variable the server reads an administrator password from, if it takes one (a second podman secret). @default - none: the engine takes no administrator password */
  readonly rootPasswordVar?: string;
  /** What the administrator password is, for the docs. @default - none */
  readonly rootPasswordDescription?: string;
  /**
   * The variable a consumer reads the connection URL from.
   * @default - none: consumers name their own
   */
  readonly defaultUrlVar?: string;
  /** The health check: passes once the server accepts connections from clients (not while it initialises). */
  readonly healthCmd: (database: string, user: string) => string;
}

/** How often a sidecar's health check runs: dependents wait for its first pass. */
export const SIDECAR_HEALTH_INTERVAL = '10s';

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;

const dataVolumes = new WeakMap<object, SqlDatabase>();

/** The database whose live data directory `volume` holds, if a SqlDatabase made it (for backups). */
export function databaseOfVolume(volume: object): SqlDatabase | undefined {
  return dataVolumes.get(volume);
}

/**
 * A SQL server sidecar: its container, its data volume, its env file (user and database) and its
 * password as a podman secret `<name>-password`, generated on the site's first start
 * (SiteSecrets), created beside each other as `<name>`, `<name>-data`, `<name>-env`. The password
 * lives in exactly one place on the host: `connect` gives it to consumers from that secret.
 */
export abstract class SqlDatabase {
  public readonly container: Container;
  public readonly volume: Volume;
  public readonly envFile: EnvFile;
  /** The application user's password: a podman secret the site generates once. */
  public readonly passwordSecret: Secret;
  /** The administrator's password (MariaDB), a second generated podman secret. */
  public readonly rootPasswordSecret?: Secret;
  /** The database name. */
  public readonly database: string;
  /** The application user. */
  public readonly user: string;
  /** The port consumers dial. */
  public readonly port: number;
  /** What the password secret is, for the docs. */
  public readonly passwordDescription: string;
  private readonly engine: SqlEngine;

  protected constructor(scope: Construct, id: string, props: SqlDatabaseProps, engine: SqlEngine & { readonly image: string }) {
    this.engine = engine;
    const name = props.name ?? id;
    this.database = props.database ?? stripSuffix(name, ['db', 'mysql', 'mariadb', 'postgres']);
    this.user = props.user ?? this.database;
    this.port = engine.port;
    this.passwordDescription = props.passwordDescription ?? `${this.database} database password (generated on first start)`;
    this.envFile = new EnvFile(scope, resourceId(scope, id, name, 'env'), {
      name,
      values: engine.values(this.database, this.user),
    });
    this.passwordSecret = new Secret(scope, resourceId(scope, id, `${name}-password`, 'password'), { name: `${name}-password`, description: this.passwordDescription, generate: true });
    if (engine.rootPasswordVar) {
      this.rootPasswordSecret = new Secret(scope, resourceId(scope, id, `${name}-root-password`, 'root-password'), { name: `${name}-root-password`, description: engine.rootPasswordDescription ?? `${engine.label} administrator password (generated on first start)`, generate: true });
    }
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
      secrets: [
        { secret: this.passwordSecret, env: engine.passwordVar },
        ...(this.rootPasswordSecret && engine.rootPasswordVar ? [{ secret: this.rootPasswordSecret, env: engine.rootPasswordVar }] : []),
        ...(extra.secrets ?? []),
      ],
      about: props.about ?? extra.about ?? { role: `${engine.label} for ${this.database}` },
      healthCmd: extra.healthCmd ?? engine.healthCmd(this.database, this.user),
      healthInterval: extra.healthInterval ?? SIDECAR_HEALTH_INTERVAL,
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
   * The connection URL with a placeholder where the password goes, for docs and messages:
   * `postgresql://wiki:<podman secret wiki-db-password>@wiki-db:5432/wiki`.
   */
  public url(options: { readonly scheme?: string } = {}): string {
    return this.urlParts(options).map((p) => (typeof p === 'string' ? p : `<podman secret ${p.secretName}>`)).join('');
  }

  /** The connection URL as composed at a consumer's start: literal text around the password secret. */
  public urlParts(options: { readonly scheme?: string } = {}): ComposedValue {
    return [`${options.scheme ?? this.engine.scheme}://${this.user}:`, this.passwordSecret, `@${this.hostname}:${this.port}/${this.database}`];
  }

  /**
   * Wire `consumer` to the database: host, port, database and user as values in `envFile` (which
   * the consumer reads), the password from the database's podman secret (`passwordVar`) or
   * inside a URL composed at start (`urlVar`), and `Requires=` + `After=` on the database, once
   * it is healthy.
   */
  public connect(consumer: Container, options: SqlConnectOptions): void {
    const o = options;
    const parts = [o.hostVar, o.portVar, o.databaseVar, o.userVar, o.passwordVar].some((v) => v !== undefined);
    const urlVar = o.urlVar ?? (parts ? undefined : this.engine.defaultUrlVar);
    if (urlVar) consumer.composeEnv(urlVar, this.urlParts({ scheme: o.scheme }));
    warnWithoutHost(consumer, this.container, [urlVar, o.hostVar]);
    if (o.hostVar) ensureValue(o.envFile, o.hostVar, this.hostname);
    if (o.portVar) ensureValue(o.envFile, o.portVar, String(this.port));
    if (o.databaseVar) ensureValue(o.envFile, o.databaseVar, this.database);
    if (o.userVar) ensureValue(o.envFile, o.userVar, this.user);
    // The database's own password, from the one place it lives.
    if (o.passwordVar) consumer.addSecret({ secret: this.passwordSecret, env: o.passwordVar });
    ensureEnvFile(consumer, o.envFile);
    // A hard need, and the app must not race the server's first start: wait for pg_isready & co.
    consumer.dependsOn(this.container, { strength: 'requires', ready: 'healthy' });
    recordLink(consumer, this.container, this.engine.label);
  }
}
