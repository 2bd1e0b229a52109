import { DELIVERY_ERROR_KINDS } from '@pushrail/destination-core';
import { createTestDatabase, withPgClient, type TestDatabase } from '@pushrail/testing';
import { migrate } from './migrate';

/** The dead_letters CHECK constraint is the SQL copy of the error kinds: it must list exactly DELIVERY_ERROR_KINDS. */
describe('dead_letters.error_kind', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('kinds');
    await migrate(database.url);
  });
  afterAll(async () => {
    await database.drop();
  });

  it('allows exactly the DeliveryError kinds', async () => {
    const definition = await withPgClient(database.url, async (c) => {
      const { rows } = await c.query<{ def: string }>(
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE conrelid = 'dead_letters'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%error_kind%'`,
      );
      return rows.map((r) => r.def).join(' ');
    });
    const listed = [...definition.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort();
    expect(listed).toEqual([...DELIVERY_ERROR_KINDS].sort());
  });
});
