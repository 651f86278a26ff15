import { Construct } from 'constructs';
import { Container } from '../quadlet/container';
import { SqlConnectOptions, SqlDatabase, SqlDatabaseProps } from './sql-database';

/** The official image's current major line. */
export const POSTGRES_IMAGE = 'docker.io/library/postgres:16';
/** Postgres 16 with the pgvector extension (embeddings: LiteLLM, OpenWebUI). */
export const PGVECTOR_IMAGE = 'docker.io/pgvector/pgvector:pg16';

export interface PostgresDatabaseProps extends SqlDatabaseProps {
  /**
   * The Postgres image, fully qualified.
   * @default 'docker.io/library/postgres:16', or 'docker.io/pgvector/pgvector:pg16' with pgvector
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
 * `<name>.env` with POSTGRES_USER and POSTGRES_DB as values and POSTGRES_PASSWORD as a secret.
 *
 * ```ts
 * const db = new PostgresDatabase(site, 'wiki-db', { pgvector: true });   // database and user "wiki"
 * db.connect(wiki, { envFile: wikiEnv });  // DATABASE_URL secret: postgresql://wiki:<password from wiki-db.env>@wiki-db:5432/wiki
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
      secrets: (description) => ({ POSTGRES_PASSWORD: { description } }),
    });
  }

  /** Wire `consumer`: by default a DATABASE_URL secret in its env file, and Requires= on the database. */
  public connect(consumer: Container, options: PostgresConnectOptions): void {
    super.connect(consumer, options);
  }
}
