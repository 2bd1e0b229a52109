import type { ConnectionOptions } from 'mysql2/promise';
import { CUSTOMER_WRITER_PASSWORD, CUSTOMER_WRITER_USER } from './customer-database';
import { withMariadbConnection, type MariadbServer } from './mariadb-server';
import { uniqueDatabaseName } from './test-database';

/** A customer's database on a test MariaDB, beside the INSERT-only `pushrail_writer'@'%'`. */
export interface MariadbCustomerDatabase {
  readonly database: string;
  readonly writerUser: typeof CUSTOMER_WRITER_USER;
  readonly writerPassword: string;
  /** mysql2 options for root with this database as the default. */
  readonly adminOptions: ConnectionOptions;
  /** Drops the database (the user stays, for the server's other databases). */
  drop(): Promise<void>;
}

/** Options for {@link createMariadbCustomerDatabase}. */
export interface MariadbCustomerDatabaseOptions {
  /** The customer's DDL and GRANTs, run as root with the new database as the default: given its name. */
  setupSql?: (database: string) => string;
  /** Prefix of the database name. Default `cust`. */
  prefix?: string;
  /** Create the writer with REQUIRE SSL, so it can only log in over TLS. Default true. */
  requireTls?: boolean;
}

/**
 * Creates a fresh database and (once per server) the writer user
 * `pushrail_writer'@'%'` with CUSTOMER_WRITER_PASSWORD and no privileges;
 * the setup SQL grants what the test needs.
 */
export async function createMariadbCustomerDatabase(
  server: MariadbServer,
  options: MariadbCustomerDatabaseOptions = {},
): Promise<MariadbCustomerDatabase> {
  const database = uniqueDatabaseName(options.prefix ?? 'cust');
  const requireTls = options.requireTls ?? true;
  await withMariadbConnection(server.rootOptions(), async (c) => {
    await c.query(
      `CREATE USER IF NOT EXISTS '${CUSTOMER_WRITER_USER}'@'%' IDENTIFIED BY '${CUSTOMER_WRITER_PASSWORD}'${requireTls ? ' REQUIRE SSL' : ''}`,
    );
    await c.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  });
  const adminOptions = server.rootOptions(database);
  if (options.setupSql) {
    const sql = options.setupSql(database);
    if (sql.trim() !== '') await withMariadbConnection(adminOptions, (c) => c.query(sql));
  }
  return {
    database,
    writerUser: CUSTOMER_WRITER_USER,
    writerPassword: CUSTOMER_WRITER_PASSWORD,
    adminOptions,
    drop: async () => {
      if (!server.isRunning()) return;
      await withMariadbConnection(server.rootOptions(), async (c) => {
        // Grants on the database's tables outlive it in MySQL: revoke them with it.
        await c.query(`DELETE FROM mysql.tables_priv WHERE Db = ?`, [database]);
        await c.query(`DELETE FROM mysql.db WHERE Db = ?`, [database]);
        await c.query('FLUSH PRIVILEGES');
        await c.query(`DROP DATABASE IF EXISTS \`${database}\``);
      });
    },
  };
}
