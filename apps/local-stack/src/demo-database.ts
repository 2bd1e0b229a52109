import { createTableSql, qualifiedTable, quoteIdent } from '@pushrail/destination-postgres';
import { quoteLiteral, withPgClient } from '@pushrail/testing';
import { ensureDatabase, withDatabase } from './control-database';

/** The demo customer's database, schema, table and role, as in the seed (DESIGN.md). */
export const DEMO_DATABASE = 'acme_app';
export const DEMO_SCHEMA = 'pushrail';
export const DEMO_TABLE = 'events';
export const WRITER_ROLE = 'pushrail_writer';

const ROLE_EXISTS = 'SELECT 1 FROM pg_roles WHERE rolname = $1';

/**
 * The demo customer database on the server of `serverUrl` (a superuser's
 * URL), set up as a customer would from the DDL Pushrail gives them:
 * schema, envelope table, and the writer role with LOGIN, its password,
 * USAGE on the schema and INSERT on the table, nothing more. PUBLIC loses
 * TEMP on the database and CREATE on `public`, so a write path that needs
 * more than INSERT fails here as it would at a customer. Idempotent: a
 * second run changes nothing but the role's password, to `writerPassword`.
 */
export async function prepareDemoDatabase(serverUrl: string, writerPassword: string): Promise<void> {
  await withPgClient(withDatabase(serverUrl, 'postgres'), async (client) => {
    const exists = (await client.query(ROLE_EXISTS, [WRITER_ROLE])).rowCount;
    // Utility statements take no parameters: the password goes in as a quoted literal.
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${quoteLiteral(writerPassword)}`;
    await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(WRITER_ROLE)} WITH ${attributes}`);
  });
  await ensureDatabase(serverUrl, DEMO_DATABASE);
  await withPgClient(withDatabase(serverUrl, DEMO_DATABASE), async (client) => {
    await client.query(
      [
        `REVOKE TEMPORARY ON DATABASE ${quoteIdent(DEMO_DATABASE)} FROM PUBLIC;`,
        'REVOKE CREATE ON SCHEMA public FROM PUBLIC;',
        `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(DEMO_SCHEMA)};`,
        createTableSql(DEMO_SCHEMA, DEMO_TABLE),
        `GRANT USAGE ON SCHEMA ${quoteIdent(DEMO_SCHEMA)} TO ${quoteIdent(WRITER_ROLE)};`,
        `GRANT INSERT ON ${qualifiedTable(DEMO_SCHEMA, DEMO_TABLE)} TO ${quoteIdent(WRITER_ROLE)};`,
      ].join('\n'),
    );
  });
}
