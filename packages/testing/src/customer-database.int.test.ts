import { createCustomerDatabase, CUSTOMER_WRITER_USER, type CustomerDatabase } from './customer-database';
import { withPgClient } from './pg-client';
import { createTestDatabase } from './test-database';

const SETUP_SQL = `
  CREATE SCHEMA pushrail;
  CREATE TABLE pushrail.events (event_id uuid PRIMARY KEY, payload jsonb NOT NULL);
  GRANT USAGE ON SCHEMA pushrail TO pushrail_writer;
  GRANT INSERT ON pushrail.events TO pushrail_writer;
`;

/** The SQLSTATE `fn` fails with. */
async function sqlStateOf(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  throw new Error('expected the statement to fail');
}

describe('createCustomerDatabase', () => {
  let db: CustomerDatabase;

  beforeAll(async () => {
    db = await createCustomerDatabase({ setupSql: SETUP_SQL });
  });

  afterAll(async () => {
    await db.drop();
  });

  const asWriter = (sql: string): Promise<unknown> => withPgClient(db.writerUrl, (c) => c.query(sql));

  it('lets the writer INSERT into the granted table', async () => {
    expect(db.writerUser).toBe(CUSTOMER_WRITER_USER);
    await asWriter(`INSERT INTO pushrail.events VALUES ('6b3a1e1e-4d5f-4c1a-9f7e-0a1b2c3d4e5f', '{}')`);
    const rows = await withPgClient(db.adminUrl, async (c) => (await c.query('SELECT event_id FROM pushrail.events')).rows);
    expect(rows).toEqual([{ event_id: '6b3a1e1e-4d5f-4c1a-9f7e-0a1b2c3d4e5f' }]);
  });

  it('denies the writer SELECT (42501)', async () => {
    expect(await sqlStateOf(() => asWriter('SELECT * FROM pushrail.events'))).toBe('42501');
  });

  it('denies the writer temporary tables', async () => {
    expect(await sqlStateOf(() => asWriter('CREATE TEMP TABLE scratch (id int)'))).toBe('42501');
  });

  it('denies the writer tables in public', async () => {
    expect(await sqlStateOf(() => asWriter('CREATE TABLE public.mine (id int)'))).toBe('42501');
  });

  it('makes the writer authenticate with its password (28P01 when wrong)', async () => {
    const wrong = new URL(db.writerUrl);
    wrong.password = 'not-the-password';
    expect(await sqlStateOf(() => withPgClient(wrong.toString(), (c) => c.query('SELECT 1')))).toBe('28P01');
  });

  it('creates the shared role safely when many databases are made at once', async () => {
    const more = await Promise.all([1, 2, 3].map(() => createCustomerDatabase({ setupSql: 'SELECT 1' })));
    expect(new Set(more.map((d) => d.name)).size).toBe(3);
    await Promise.all(more.map((d) => d.drop()));
  });
});

describe('createTestDatabase', () => {
  it('makes a fresh database and drops it even with a session open', async () => {
    const db = await createTestDatabase('ctl');
    expect(db.name).toMatch(/^ctl_[0-9a-f]{12}$/);
    await withPgClient(db.url, async (c) => {
      expect((await c.query('SELECT current_database() AS d')).rows[0].d).toBe(db.name);
      await db.drop();
    });
    const left = await withPgClient(db.url.replace(/\/[^/]+$/, '/postgres'), async (c) =>
      (await c.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [db.name])).rows[0].n,
    );
    expect(left).toBe(0);
  });
});
