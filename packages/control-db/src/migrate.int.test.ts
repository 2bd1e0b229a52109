import { cp, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, withPgClient, type TestDatabase } from '@pushrail/testing';
import { Pool } from 'pg';
import { checkMigrations, migrate, MigrationChangedError, migrationBootCheck, migrationStatus, MIGRATIONS_DIR } from './migrate';
import { formatMigrationStatus } from './migration-status-text';

/** Checksums of applied migrations (docs/operations.md), on a real control database and a copy of the migration files. */
describe('migrations keep a checksum of each applied file', () => {
  let database: TestDatabase;
  let dir: string;
  let pool: Pool;

  beforeEach(async () => {
    database = await createTestDatabase('mig');
    dir = await mkdtemp(path.join(tmpdir(), 'pushrail-migrations-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    pool = new Pool({ connectionString: database.url, max: 1 });
    // As ControlDb does: an idle connection the server ends (a database dropped or created beside it) is not a test failure.
    pool.on('error', () => undefined);
  });

  afterEach(async () => {
    await pool.end();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every migration pending on a new database, applied after migrate, with the time', async () => {
    const before = await migrationStatus(pool, dir);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.every((m) => m.state === 'pending' && m.appliedAt === null)).toBe(true);
    const applied = await migrate(database.url, dir);
    expect(applied).toEqual(before.map((m) => m.version));
    const after = await migrationStatus(pool, dir);
    expect(after.map((m) => m.state)).toEqual(before.map(() => 'applied'));
    expect(after.every((m) => m.appliedAt instanceof Date)).toBe(true);
    expect(await checkMigrations(pool, dir)).toEqual([]);
    expect(await migrationBootCheck(pool, dir)).toEqual({});
    const text = formatMigrationStatus(after);
    expect(text).toMatch(/^000001  applied /m);
    expect(text.split('\n').at(-1)).toBe(`${after.length} applied, 0 pending`);
  });

  it('refuses to migrate, and the processes to start, when an applied file changed; lists it as changed', async () => {
    await migrate(database.url, dir);
    await appendFile(path.join(dir, '000001_initial.sql'), '\n-- edited after it was applied\n');
    await writeFile(path.join(dir, '900000_later.sql'), 'CREATE TABLE later (id int);\n');

    await expect(migrate(database.url, dir)).rejects.toThrow(MigrationChangedError);
    await expect(migrate(database.url, dir)).rejects.toThrow(/1 \(initial\)/);
    // Nothing was applied meanwhile: the later migration is still pending.
    const statuses = await migrationStatus(pool, dir);
    expect(statuses.find((m) => m.version === 1)?.state).toBe('changed');
    expect(statuses.find((m) => m.version === 900000)?.state).toBe('pending');
    await expect(checkMigrations(pool, dir)).rejects.toThrow(MigrationChangedError);
    expect((await migrationBootCheck(pool, dir)).fatal).toMatch(/^refusing to start: applied migration file\(s\) changed .*1 \(initial\)/);
    expect(formatMigrationStatus(statuses)).toMatch(/1 changed since applied$/);
  });

  it('warns of pending migrations at boot, and lists an applied migration whose file is gone as missing', async () => {
    await migrate(database.url, dir);
    await writeFile(path.join(dir, '900000_later.sql'), 'CREATE TABLE later (id int);\n');
    expect((await migrationBootCheck(pool, dir)).warning).toMatch(/pending migrations \(900000\): run pnpm migrate/);
    expect(await migrate(database.url, dir)).toEqual([900000]);
    await rm(path.join(dir, '900000_later.sql'));
    expect((await migrationStatus(pool, dir)).find((m) => m.version === 900000)?.state).toBe('missing');
  });

  it('records the checksum of migrations applied before checksums were kept, and checks them from then on', async () => {
    await migrate(database.url, dir);
    // As an older runner left its ledger: no checksum column.
    await withPgClient(database.url, (c) => c.query('ALTER TABLE schema_migrations DROP COLUMN checksum'));
    expect((await migrationStatus(pool, dir)).every((m) => m.state === 'applied')).toBe(true);
    expect(await migrate(database.url, dir)).toEqual([]);
    const stored = await withPgClient(database.url, (c) => c.query('SELECT count(*)::int AS n FROM schema_migrations WHERE checksum IS NOT NULL'));
    expect(stored.rows[0].n).toBe((await migrationStatus(pool, dir)).length);
    await appendFile(path.join(dir, '000002_dead_letter_redrive_indexes.sql'), '\n-- edited\n');
    await expect(migrate(database.url, dir)).rejects.toThrow(/2 \(dead_letter_redrive_indexes\)/);
  });

  it('a database that cannot be reached is a warning at boot, not a refusal', async () => {
    const unreachable = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1, connectionTimeoutMillis: 2000 });
    unreachable.on('error', () => undefined);
    try {
      expect(await migrationBootCheck(unreachable, dir)).toEqual({ warning: expect.stringMatching(/could not check/) });
    } finally {
      await unreachable.end();
    }
  });
});
