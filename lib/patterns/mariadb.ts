import { Construct } from 'constructs';
import { Container } from '../quadlet/container';
import { SqlConnectOptions, SqlDatabase, SqlDatabaseProps } from './sql-database';

/** MariaDB's long-term-support line, pinned to a full version. */
export const MARIADB_IMAGE = 'docker.io/library/mariadb:11.4.7';

export interface MariaDbProps extends SqlDatabaseProps {
  /** The MariaDB (or MySQL) image, fully qualified. @default 'docker.io/library/mariadb:11.4.7' */
  readonly image?: string;
  /** What the root password secret (`<name>-root-password`, generated on first start) is, for the docs. @default 'MariaDB root password (generated on first start)' */
  readonly rootPasswordDescription?: string;
}

/**
 * A MySQL-compatible sidecar: `<name>.container` on port 3306, its data in a volume at
 * /var/lib/mysql, and `<name>.env` with MYSQL_DATABASE and MYSQL_USER as values and
 * MYSQL_PASSWORD and MYSQL_ROOT_PASSWORD from the podman secrets `<name>-password` and
 * `<name>-root-password`, generated on the site's first start (the MYSQL_* names work on MariaDB and
 * MySQL images alike).
 *
 * ```ts
 * const db = new MariaDb(site, 'piler-mysql');             // database and user "piler"
 * db.connect(app, { envFile: appEnv });                     // MYSQL_HOST, MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD
 * db.connect(piler, { envFile: pilerEnv, hostVar: 'MYSQL_HOSTNAME', databaseVar: 'MYSQL_DATABASE', userVar: 'MYSQL_USER', passwordVar: 'MYSQL_PASSWORD' });
 * ```
 */
export class MariaDb extends SqlDatabase {
  public constructor(scope: Construct, id: string, props: MariaDbProps = {}) {
    const root = props.rootPasswordDescription ?? 'MariaDB root password (generated on first start)';
    const image = props.image ?? MARIADB_IMAGE;
    super(scope, id, props, {
      label: 'MySQL (MariaDB)',
      image,
      port: 3306,
      dataPath: '/var/lib/mysql',
      scheme: 'mysql',
      values: (database, user) => ({ MYSQL_DATABASE: database, MYSQL_USER: user }),
      passwordVar: 'MYSQL_PASSWORD',
      rootPasswordVar: 'MYSQL_ROOT_PASSWORD',
      rootPasswordDescription: root,
      // The MariaDB image ships healthcheck.sh; a MySQL image has mysqladmin.
      healthCmd: () => (/mariadb/.test(image) ? 'healthcheck.sh --connect --innodb_initialized' : 'mysqladmin ping --host=127.0.0.1 --silent'),
    });
  }

  /**
   * Wire `consumer`: the variables most MySQL-client images read (MYSQL_HOST, MYSQL_DATABASE,
   * MYSQL_USER; MYSQL_PASSWORD as a secret) unless other names are given, and Requires= on the
   * database. Images that read another host variable (piler: MYSQL_HOSTNAME) name it; a
   * connection that names variables but no host (and no URL) is warned about (PATTERN010).
   */
  public connect(consumer: Container, options: SqlConnectOptions): void {
    const named = [options.urlVar, options.hostVar, options.portVar, options.databaseVar, options.userVar, options.passwordVar].some((v) => v !== undefined);
    super.connect(consumer, named ? options : {
      ...options, hostVar: 'MYSQL_HOST', databaseVar: 'MYSQL_DATABASE', userVar: 'MYSQL_USER', passwordVar: 'MYSQL_PASSWORD',
    });
  }
}
