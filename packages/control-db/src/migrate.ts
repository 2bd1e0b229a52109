import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';

/** Where the numbered `.sql` files live; the same path from src/ and dist/. */
export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

/** Any constant both processes agree on: serialises concurrent migrators. */
const MIGRATION_LOCK_ID = 72_018_531;

const CREATE_LEDGER = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

export interface Migration {
  version: number;
  name: string;
  file: string;
}

/** `000001_initial.sql` → version 1. Files are applied in version order. */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file) => {
    const match = /^(\d+)_(.+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file name must be NNNNNN_name.sql: ${file}`);
    return { version: Number(match[1]), name: match[2]!, file: path.join(dir, file) };
  });
}

/**
 * Applies every migration not yet recorded, each in its own transaction,
 * under an advisory lock so two processes never migrate at once.
 * Returns the versions it applied.
 */
export async function migrate(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<number[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(CREATE_LEDGER);
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
    );
    for (const migration of await listMigrations(dir)) {
      if (done.has(migration.version)) continue;
      const sql = await readFile(migration.file, 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
        applied.push(migration.version);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
  return applied;
}
