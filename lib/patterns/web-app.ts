import { Construct } from 'constructs';
import { About } from '../core/about';
import { Diagnostics } from '../core/diagnostics';
import { Caddy } from '../caddy/caddy';
import { Route } from '../caddy/route';
import { Container, ContainerProps, IImageSource, PortMapping } from '../quadlet/container';
import { EnvFile, EnvSecret } from '../quadlet/env-file';
import { INetwork } from '../quadlet/network';
import { Volume } from '../quadlet/volume';
import './codes';
import { MariaDb, MariaDbProps } from './mariadb';
import { freeId, resourceId } from './placement';
import { PostgresConnectOptions, PostgresDatabase, PostgresDatabaseProps } from './postgres';
import { RedisCache, RedisCacheProps, RedisConnectOptions } from './redis';
import { SqlConnectOptions, SqlDatabase } from './sql-database';

/** The app's database: Postgres or MariaDB, created as `<name>-db` unless named. */
export type WebAppDatabase =
  | { readonly postgres: PostgresDatabaseProps & { readonly connect?: Omit<PostgresConnectOptions, 'envFile'> }; readonly mariadb?: never }
  | { readonly mariadb: MariaDbProps & { readonly connect?: Omit<SqlConnectOptions, 'envFile'> }; readonly postgres?: never };

/** The app's Redis: `true` for the defaults, or its props and how the app reads the URL. */
export type WebAppCache = boolean | (RedisCacheProps & { readonly connect?: Omit<RedisConnectOptions, 'envFile'> });

export interface WebAppProps {
  /** The application image, fully qualified. */
  readonly image: string | IImageSource;
  /** Allow a floating tag, with the reason. @default - floating tags are errors */
  readonly allowFloatingTag?: string;
  /** Unit, container and DNS name; the env file is `<name>.env`. @default - the construct id */
  readonly name?: string;
  /** The port the app listens on inside the container: the route's target. */
  readonly port: number;
  /** Host ports (loopback unless public). @default - none: Caddy reaches the app by name */
  readonly publish?: PortMapping[];
  /** The public hostname, under one of the site's domains. Needs `caddy`. @default - no route */
  readonly host?: string;
  /** The Caddy that serves `host`. @default - no route */
  readonly caddy?: Caddy;
  /** A database sidecar, wired by `connect` (DATABASE_URL by default). @default - none */
  readonly database?: WebAppDatabase;
  /** A Redis sidecar, wired by `connect` (REDIS_URL). @default - none */
  readonly cache?: WebAppCache;
  /** Non-secret values for `<name>.env`. @default - none */
  readonly env?: Record<string, string>;
  /** Secrets for `<name>.env`: names and how to make them, never values. @default - none */
  readonly secrets?: Record<string, EnvSecret>;
  /** Keep this container path in a `<name>-data` volume. @default - no volume */
  readonly dataPath?: string;
  /** Networks to join; the sidecars join the same. @default - the site's default network */
  readonly networks?: INetwork[];
  /** Docs: upstream, role, notes. @default - none */
  readonly about?: About;
  /**
   * A path the app answers with a 2xx status once it is up (`/health`, `/alive`): the container's
   * health check (curl, else wget, inside the container), so dependents can wait for it with
   * `ready: 'healthy'`. Give `containerProps.healthCmd` instead for an image with neither tool.
   * @default - no health check
   */
  readonly healthPath?: string;
  /** Any other container settings (more mounts, user, entrypoint, dependsOn). @default - none */
  readonly containerProps?: Partial<ContainerProps>;
}

/**
 * A web application: its container, `<name>.env` (values and secrets), an optional data volume,
 * an optional Postgres or MariaDB and Redis beside it (`<name>-db`, `<name>-redis`) wired in,
 * and an optional Caddy route `routes/<name>.caddy` for `host`.
 *
 * ```ts
 * new WebApp(site, 'wiki', {
 *   image: 'ghcr.io/requarks/wiki:2.5.304', port: 3000, host: 'wiki.example.org', caddy,
 *   database: { postgres: { connect: { hostVar: 'DB_HOST', userVar: 'DB_USER', passwordVar: 'DB_PASS', databaseVar: 'DB_NAME' } } },
 *   env: { DB_TYPE: 'postgres' },
 * });
 * ```
 */
export class WebApp {
  public readonly container: Container;
  /** `<name>.env`, when the app has values, secrets or sidecars to reach. */
  public readonly envFile?: EnvFile;
  public readonly volume?: Volume;
  public readonly database?: PostgresDatabase | MariaDb;
  public readonly cache?: RedisCache;
  public readonly route?: Route;
  public readonly port: number;

  public constructor(scope: Construct, id: string, props: WebAppProps) {
    const name = props.name ?? id;
    const extra = props.containerProps ?? {};
    this.port = props.port;
    const db = props.database;
    const cache = props.cache === true ? {} : props.cache || undefined;
    if (props.env || props.secrets || db || cache) {
      this.envFile = new EnvFile(scope, resourceId(scope, id, name, 'env'), { name, values: props.env, secrets: props.secrets });
    }
    if (props.dataPath !== undefined) {
      this.volume = new Volume(scope, resourceId(scope, id, `${name}-data`, 'volume'), { name: `${name}-data` });
    }
    // Sidecars join the app's networks: they are reached by name.
    const networks = props.networks ?? extra.networks;
    if (db?.postgres) {
      const dbName = db.postgres.name ?? `${name}-db`;
      this.database = new PostgresDatabase(scope, freeId(scope, dbName), { networks, ...db.postgres, name: dbName });
    } else if (db?.mariadb) {
      const dbName = db.mariadb.name ?? `${name}-db`;
      this.database = new MariaDb(scope, freeId(scope, dbName), { networks, ...db.mariadb, name: dbName });
    }
    let redisConnect: Omit<RedisConnectOptions, 'envFile'> | undefined;
    if (cache) {
      const redisName = cache.name ?? `${name}-redis`;
      this.cache = new RedisCache(scope, freeId(scope, redisName), { networks, purpose: name, ...cache, name: redisName });
      redisConnect = cache.connect;
    }
    this.container = new Container(scope, id, {
      ...extra,
      name,
      image: props.image,
      allowFloatingTag: props.allowFloatingTag ?? extra.allowFloatingTag,
      networks,
      ports: [props.port, ...(extra.ports ?? [])],
      publish: props.publish ?? extra.publish,
      volumes: [...(this.volume ? [{ volume: this.volume, path: props.dataPath! }] : []), ...(extra.volumes ?? [])],
      envFiles: [...(this.envFile ? [this.envFile] : []), ...(extra.envFiles ?? [])],
      about: props.about ?? extra.about,
      healthCmd: extra.healthCmd ?? (props.healthPath !== undefined ? httpHealthCmd(props.port, props.healthPath) : undefined),
    });
    if (props.healthPath !== undefined && !/^\/[^\s'"\\]*$/.test(props.healthPath)) {
      Diagnostics.report(this.container, 'PATTERN009', `${name}: health path "${props.healthPath}" is not a URL path (it must start with "/" and hold no spaces or quotes)`);
    }
    if (this.database && this.envFile) {
      const connect = (db?.postgres ?? db?.mariadb)?.connect ?? {};
      const sql: SqlDatabase = this.database;
      sql.connect(this.container, { ...connect, envFile: this.envFile });
    }
    if (this.cache && this.envFile) this.cache.connect(this.container, { ...redisConnect, envFile: this.envFile });
    if (props.host !== undefined && props.caddy) {
      this.route = new Route(props.caddy, freeId(props.caddy, name), { name, host: props.host, target: this.container.port(props.port) });
    } else if ((props.host === undefined) !== (props.caddy === undefined)) {
      Diagnostics.report(this.container, 'PATTERN004', props.host !== undefined ? `${name} has host ${props.host} but no caddy to serve it` : `${name} has a caddy but no host to route`);
    }
  }

  /** The DNS name peers on a shared network use. */
  public get hostname(): string {
    return this.container.hostname;
  }

  /** `http://<name>:<port><path>`: how peers reach the app. */
  public url(path = ''): string {
    return this.container.url(this.port, path);
  }
}

/** A health check that GETs `path` on the app's port from inside the container: curl, else wget. */
export function httpHealthCmd(port: number, path: string): string {
  const url = `http://127.0.0.1:${port}${path}`;
  return `curl -fsS -o /dev/null ${url} || wget -q -O /dev/null ${url}`;
}
