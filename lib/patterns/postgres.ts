import { Construct } from 'constructs';
import { Container } from '../quadlet/container';
import { SqlConnectOptions, SqlDatabase, SqlDatabaseProps } from './sql-database';

/** The official image, pinned to a full version (`:16` would move with every minor release). */
export const POSTGRES_IMAGE = 'docker.io/library/postgres:16.9';
/** Postgres 16 with the pgvector extension (embeddings: LiteLLM, OpenWebUI), pinned. */
export const PGVECTOR_IMAGE = 'docker.io/pgvector/pgvector:0.8.0-pg16';

export interface PostgresDatabaseProps extends SqlDatabaseProps {
  /**
   * The Postgres image, fully qualified.
   * @default 'docker.io/library/postgres:16.9', or 'docker.io/pgvector/pgvector:0.8.0-pg16' with pgvector
   */
  readonly image?: string;
  /** Use the pgvector image (ignored when `image` is given). @default false */
  readonly pgvector?: boolean;
}

/** How a consumer reaches Postgres. */
export interface PostgresConnectOptions extends SqlConnectOptions {
  /** Many clients want `postgres://`; the default is the form libpq documents. @default 'postgresql' */
  readonly scheme?: 'postgresql' | 'postgres';
}

/**
 * A Postgres sidecar: `<name>.container` on port 5432, its data in the `<name>-data` volume, and
 * `<name>.env` with POSTGRES_USER and POSTGRES_DB, and POSTGRES_PASSWORD from the podman secret
 * `<name>-password`, generated on the site's first start.
 *
 * ```ts
 * const db = new PostgresDatabase(site, 'wiki-db', { pgvector: true });   // database and user "wiki"
 * db.connect(wiki, { envFile: wikiEnv });  // DATABASE_URL=postgresql://wiki:<podman secret wiki-db-password>@wiki-db:5432/wiki, composed at start
 * ```
 */
export class PostgresDatabase extends SqlDatabase {
  public constructor(scope: Construct, id: string, props: PostgresDatabaseProps = {}) {
    super(scope, id, props, {
      label: 'Postgres',
      image: props.image ?? (props.pgvector ? PGVECTOR_IMAGE : POSTGRES_IMAGE),
      port: 5432,
      dataPath: '/var/lib/postgresql/data',
      scheme: 'postgresql',
      defaultUrlVar: 'DATABASE_URL',
      values: (database, user) => ({ POSTGRES_USER: user, POSTGRES_DB: database }),
      passwordVar: 'POSTGRES_PASSWORD',
      // Over TCP: while the entrypoint initialises, the server listens on its socket only.
      healthCmd: (database, user) => `pg_isready -h 127.0.0.1 -p 5432 -U ${user} -d ${database}`,
    });
  }

  /** Wire `consumer`: by default a DATABASE_URL composed at its start, and Requires= on the database once healthy. */
  public connect(consumer: Container, options: PostgresConnectOptions): void {
    super.connect(consumer, options);
  }
}
