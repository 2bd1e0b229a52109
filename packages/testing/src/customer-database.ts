import type { Client } from 'pg';
import { quoteIdent, quoteLiteral, withPgClient } from './pg-client';
import { sharedPostgresUrl } from './test-env';
import { dropDatabase, uniqueDatabaseName } from './test-database';

/** The role Pushrail writes with in a customer's database, as in the design. */
export const CUSTOMER_WRITER_USER = 'pushrail_writer';

/**
 * Its password on the shared test server. The role is cluster-wide and
 * shared by every customer database there, so the password is fixed.
 */
export const CUSTOMER_WRITER_PASSWORD = 'pushrail-writer-test-password';

/** A customer's database on the shared test server, with the INSERT-only role. */
export interface CustomerDatabase {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** Same as `name`; spelled as a destination's `database` field. */
  readonly database: string;
  readonly writerUser: typeof CUSTOMER_WRITER_USER;
  readonly writerPassword: string;
  /** Superuser URL: to look at what was written. */
  readonly adminUrl: string;
  /** `pushrail_writer` URL with its password. */
  readonly writerUrl: string;
  drop(): Promise<void>;
}

/** Options for {@link createCustomerDatabase}. */
export interface CustomerDatabaseOptions {
  /**
   * Run as superuser in the new database: the customer's DDL and GRANTs,
   * e.g. `CREATE SCHEMA pushrail; CREATE TABLE pushrail.events (…);
   * GRANT USAGE ON SCHEMA pushrail TO pushrail_writer; GRANT INSERT ON
   * pushrail.events TO pushrail_writer;`.
   */
  setupSql: string;
  /** Prefix of the database name. Default `cust`. */
  prefix?: string;
  /**
   * Superuser URL (database `postgres`) of the server to create it on, for
   * tests that stop or kill the customer's server. Default: the shared server.
   */
  serverUrl?: string;
}

/** The same server URL pointed at another database. */
function urlForDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** SQLSTATEs of losing the race to create a role another jest worker creates at the same time. */
const ROLE_ALREADY_EXISTS = new Set([
  '42710', // duplicate_object: the role was there when we looked
  '23505', // unique_violation: it was committed while we inserted it
]);

/**
 * Creates a customer database as a customer would hand it to Pushrail: the
 * `pushrail_writer` role holds exactly what `setupSql` grants, and PUBLIC's
 * default TEMPORARY and CREATE-on-public rights are revoked, so a write path
 * that needs more than INSERT fails here as it would in production.
 */
export async function createCustomerDatabase(options: CustomerDatabaseOptions): Promise<CustomerDatabase> {
  const name = uniqueDatabaseName(options.prefix ?? 'cust');
  const baseUrl = options.serverUrl ?? sharedPostgresUrl();
  const databaseUrl = (database: string) => urlForDatabase(baseUrl, database);
  const serverUrl = new URL(baseUrl);
  await withPgClient(baseUrl, async (client) => {
    await ensureWriterRole(client);
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  });
  try {
    await withPgClient(databaseUrl(name), async (client) => {
      await client.query(`REVOKE TEMPORARY ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
      await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      await client.query(options.setupSql);
    });
  } catch (err) {
    await dropDatabaseOn(baseUrl, name).catch(() => undefined);
    throw err;
  }
  const writerUrl = new URL(databaseUrl(name));
  writerUrl.username = CUSTOMER_WRITER_USER;
  writerUrl.password = CUSTOMER_WRITER_PASSWORD;
  return {
    name,
    host: serverUrl.hostname,
    port: Number(serverUrl.port),
    database: name,
    writerUser: CUSTOMER_WRITER_USER,
    writerPassword: CUSTOMER_WRITER_PASSWORD,
    adminUrl: databaseUrl(name),
    writerUrl: writerUrl.toString(),
    drop: () => (options.serverUrl ? dropDatabaseOn(baseUrl, name) : dropDatabase(name)),
  };
}

async function dropDatabaseOn(serverUrl: string, name: string): Promise<void> {
  await withPgClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

async function ensureWriterRole(client: Client): Promise<void> {
  const existing = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [CUSTOMER_WRITER_USER]);
  if (existing.rowCount) return;
  try {
    await client.query(
      `CREATE ROLE ${quoteIdent(CUSTOMER_WRITER_USER)} LOGIN PASSWORD ${quoteLiteral(CUSTOMER_WRITER_PASSWORD)}`,
    );
  } catch (err) {
    if (!ROLE_ALREADY_EXISTS.has((err as { code?: string }).code ?? '')) throw err;
  }
}
