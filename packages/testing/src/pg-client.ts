import { Client } from 'pg';
import { waitFor } from './wait-for';

/**
 * Opens one `pg` client on `url`, runs `fn` with it and always closes it,
 * so a test never leaves a connection open behind a failed assertion.
 */
export async function withPgClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // A server killed under an idle client emits 'error'; unhandled, it would crash the test process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Waits until a client can connect to `url` and run `SELECT 1`: the server
 * is up and past recovery, not merely listening.
 */
export async function waitForPostgres(url: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(() => withPgClient(url, async (client) => (await client.query('SELECT 1')).rowCount === 1), {
    timeoutMs,
    intervalMs: 100,
    description: `PostgreSQL to accept connections at ${redactUrl(url)}`,
  });
}

/** `url` without its password, fit for an error message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Several hosts (redis+sentinel://a:1,b:2/m) are no WHATWG URL: hide the password by hand.
    const multiHost = /^([a-z][a-z0-9+.-]*:\/\/)([^:@/]*):[^@/]*@/i;
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/]*,/i.test(url)) return url.replace(multiHost, '$1$2:***@');
    return '<unparseable url>';
  }
}

/** Quotes a SQL identifier (database, role, table name) for PostgreSQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a SQL string literal for PostgreSQL (standard_conforming_strings is on). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
