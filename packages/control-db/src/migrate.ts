import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, type Pool } from 'pg';

/** Where the numbered `.sql` files live; the same path from src/ and dist/. */
export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

/** Any constant both processes agree on: serialises concurrent migrators. */
const MIGRATION_LOCK_ID = 72_018_531;

/**
 * The ledger of applied migrations, with the SHA-256 of each file as it was
 * applied (docs/operations.md). Rows applied before checksums were kept have
 * none; the next `migrate` records the file's checksum then.
 *
 * Why our runner and not postgrator or node-pg-migrate: it is 150 lines over
 * plain numbered `.sql` files, already deployed with this ledger, and the two
 * things asked of a library here (a checksum per applied file, a status
 * listing) are a few lines each; a library would bring its own ledger table
 * and a migration of the ledger itself.
 */
const CREATE_LEDGER = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  );
  ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text`;

const SELECT_LEDGER = 'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version';

export interface Migration {
  version: number;
  name: string;
  file: string;
}

/** Hex SHA-256 of a migration file's bytes. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** One migration as `migrate --status` shows it. */
export interface MigrationStatus {
  version: number;
  name: string;
  /** `applied`; `pending` (not applied yet); `changed` (applied, and the file differs since); `missing` (applied, no file here). */
  state: 'applied' | 'pending' | 'changed' | 'missing';
  appliedAt: Date | null;
}

/** Thrown when an applied migration's file differs from what was applied: the schema no longer matches the files. */
export class MigrationChangedError extends Error {
  override readonly name = 'MigrationChangedError';
  constructor(readonly changed: MigrationStatus[]) {
    super(
      `applied migration file(s) changed since they were applied: ${changed.map((m) => `${m.version} (${m.name})`).join(', ')}; ` +
        'restore the files as they were and put the change in a new migration',
    );
  }
}

interface LedgerRow {
  version: number;
  name: string;
  checksum: string | null;
  applied_at: Date;
}

/** The state of every migration: the files here against the ledger. A ledger row without a checksum counts as applied. */
async function statusOf(ledger: LedgerRow[], dir: string): Promise<MigrationStatus[]> {
  const files = await listMigrations(dir);
  const applied = new Map(ledger.map((row) => [row.version, row]));
  const statuses: MigrationStatus[] = [];
  for (const migration of files) {
    const row = applied.get(migration.version);
    applied.delete(migration.version);
    if (!row) {
      statuses.push({ version: migration.version, name: migration.name, state: 'pending', appliedAt: null });
      continue;
    }
    const same = row.checksum === null || row.checksum === checksumOf(await readFile(migration.file, 'utf8'));
    statuses.push({ version: migration.version, name: migration.name, state: same ? 'applied' : 'changed', appliedAt: row.applied_at });
  }
  for (const row of applied.values()) statuses.push({ version: row.version, name: row.name, state: 'missing', appliedAt: row.applied_at });
  return statuses.sort((a, b) => a.version - b.version);
}

/**
 * Every migration's state, read without changing anything (`pnpm migrate
 * --status`, and the processes' check at boot). A database never migrated
 * has every migration pending.
 */
export async function migrationStatus(db: Pick<Pool, 'query'> | Client, dir = MIGRATIONS_DIR): Promise<MigrationStatus[]> {
  const exists = (await db.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`)).rows[0]?.t;
  if (!exists) return statusOf([], dir);
  const hasChecksum = (
    await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'schema_migrations' AND column_name = 'checksum' AND table_schema = current_schema()`)
  ).rowCount;
  const ledger = hasChecksum
    ? (await db.query<LedgerRow>(SELECT_LEDGER)).rows
    : (await db.query<LedgerRow>('SELECT version, name, NULL AS checksum, applied_at FROM schema_migrations ORDER BY version')).rows;
  return statusOf(ledger, dir);
}

/**
 * The check both processes run at boot: throws MigrationChangedError when an
 * applied file has changed; returns the migrations still pending (to warn of).
 */
export async function checkMigrations(db: Pick<Pool, 'query'>, dir = MIGRATIONS_DIR): Promise<MigrationStatus[]> {
  const statuses = await migrationStatus(db, dir);
  const changed = statuses.filter((m) => m.state === 'changed');
  if (changed.length > 0) throw new MigrationChangedError(changed);
  return statuses.filter((m) => m.state === 'pending');
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
    const ledger = (await client.query<LedgerRow>(SELECT_LEDGER)).rows;
    // Nothing is applied while an applied file differs from what was applied.
    const changed = (await statusOf(ledger, dir)).filter((m) => m.state === 'changed');
    if (changed.length > 0) throw new MigrationChangedError(changed);
    const done = new Map(ledger.map((r) => [r.version, r]));
    for (const migration of await listMigrations(dir)) {
      const sql = await readFile(migration.file, 'utf8');
      const row = done.get(migration.version);
      if (row) {
        // Applied before checksums were kept: record the file as it is now.
        if (row.checksum === null) {
          await client.query('UPDATE schema_migrations SET checksum = $2 WHERE version = $1', [migration.version, checksumOf(sql)]);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          checksumOf(sql),
        ]);
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

/** What a process does about its control database's migrations at boot: stop (`fatal`), warn, or nothing. */
export interface MigrationBootCheck {
  fatal?: string;
  warning?: string;
}

/**
 * The boot check of ingest and the worker: an applied migration whose file
 * changed stops the process (the schema may not be what the code expects);
 * pending migrations and an unreachable database are warned of (the process
 * starts, and /readyz says whether the database answers).
 */
export async function migrationBootCheck(db: Pick<Pool, 'query'>, dir = MIGRATIONS_DIR): Promise<MigrationBootCheck> {
  try {
    const pending = await checkMigrations(db, dir);
    if (pending.length === 0) return {};
    return { warning: `the control database has pending migrations (${pending.map((m) => m.version).join(', ')}): run pnpm migrate` };
  } catch (error) {
    if (error instanceof MigrationChangedError) return { fatal: `refusing to start: ${error.message}` };
    return { warning: `could not check the control database's migrations: ${(error as Error).message}` };
  }
}

/** {@link migrationStatus} of the database at `databaseUrl`, on a connection of its own. */
export async function migrationStatusAt(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<MigrationStatus[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await migrationStatus(client, dir);
  } finally {
    await client.end();
  }
}
