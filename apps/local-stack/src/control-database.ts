import { migrate } from '@pushrail/control-db';
import { quoteIdent, withPgClient } from '@pushrail/testing';

/** The control database's name on the embedded server. */
export const CONTROL_DATABASE = 'pushrail';

/** The database every PostgreSQL server has, to connect to while creating others. */
const MAINTENANCE_DATABASE = 'postgres';

const DATABASE_EXISTS = 'SELECT 1 FROM pg_database WHERE datname = $1';

/** `url` with its database replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The database a URL names. */
function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || MAINTENANCE_DATABASE;
}

/**
 * Creates `database` on the server of `serverUrl` when it is not there yet.
 * @returns whether it was created.
 */
export async function ensureDatabase(serverUrl: string, database: string): Promise<boolean> {
  return withPgClient(withDatabase(serverUrl, MAINTENANCE_DATABASE), async (client) => {
    if ((await client.query(DATABASE_EXISTS, [database])).rowCount) return false;
    await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
    return true;
  });
}

/**
 * The control database, created when missing and migrated.
 * @returns the migrations applied now (none when it was up to date).
 */
export async function prepareControlDatabase(url: string): Promise<number[]> {
  await ensureDatabase(url, databaseOf(url));
  return migrate(url);
}
