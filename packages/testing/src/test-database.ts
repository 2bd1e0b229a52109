import crypto from 'node:crypto';
import { quoteIdent, withPgClient } from './pg-client';
import { sharedPostgresUrl } from './test-env';

/** A database of one's own on the shared test server. */
export interface TestDatabase {
  readonly name: string;
  /** Superuser URL of this database. */
  readonly url: string;
  /** Drops it, disconnecting anyone still connected. */
  drop(): Promise<void>;
}

/** A database name that no other test has: `<prefix>_<12 hex>`, lower case so it needs no quoting in psql. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix.toLowerCase()}_${crypto.randomBytes(6).toString('hex')}`;
}

/**
 * Creates a fresh, empty database on the shared test server (for the control
 * database of one test file, say), so test files never see each other's rows.
 */
export async function createTestDatabase(prefix = 'ctl'): Promise<TestDatabase> {
  const name = uniqueDatabaseName(prefix);
  await withPgClient(sharedPostgresUrl(), (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return { name, url: sharedPostgresUrl(name), drop: () => dropDatabase(name) };
}

/** `DROP DATABASE … WITH (FORCE)` on the shared server; a database already gone is fine. */
export async function dropDatabase(name: string): Promise<void> {
  await withPgClient(sharedPostgresUrl(), (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}
