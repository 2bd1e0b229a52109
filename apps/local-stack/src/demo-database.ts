import { destinationConfigSchema, providerOf } from '@pushrail/destinations';
import { quoteIdent, quoteLiteral, withPgClient } from '@pushrail/testing';
import { ensureDatabase, withDatabase } from './control-database';

/** The demo customer's database, schema, table and role, as in docs/design.md's example. */
export const DEMO_DATABASE = 'acme_app';
export const DEMO_SCHEMA = 'pushrail';
export const DEMO_TABLE = 'events';
export const WRITER_ROLE = 'pushrail_writer';

const ROLE_EXISTS = 'SELECT 1 FROM pg_roles WHERE rolname = $1';

/** The demo destination's place in the customer database: what its set-up guide is rendered for. */
const DEMO_DESTINATION = destinationConfigSchema.parse({
  type: 'POSTGRES',
  name: 'demo',
  host: '127.0.0.1',
  database: DEMO_DATABASE,
  schema: DEMO_SCHEMA,
  table: DEMO_TABLE,
  tls: false,
  auth: { mode: 'PASSWORD', username: WRITER_ROLE, password: 'set below, not by the guide' },
});

/**
 * The demo customer database on the server of `serverUrl` (a superuser's
 * URL), set up as a customer would: the writer role with its password, then
 * the set-up guide Pushrail gives them (`GET …/ddl`), run as it is: schema,
 * envelope table, USAGE on the schema and INSERT on the table, nothing more. PUBLIC loses
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
        providerOf(DEMO_DESTINATION).setupGuide(DEMO_DESTINATION, [DEMO_TABLE]),
      ].join('\n'),
    );
  });
}
