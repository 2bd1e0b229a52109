import { isDeliveryError, type DeliveryError, type DeliveryErrorKind } from '@pushrail/destination-core';
import { encodeEvents, type QueuedEvent } from '@pushrail/events';
import { createCustomerDatabase, startPostgresServer, withPgClient, type CustomerDatabase, type PostgresServer } from '@pushrail/testing';
import { randomUUID } from 'node:crypto';
import { createTableSql } from './envelope-sql';
import { PostgresWriter } from './postgres-writer';
import { postgresDestinationConfigSchema, type PostgresDestinationConfig } from './postgres-destination-config';

/** Each class of the classifier, provoked for real on a PostgreSQL of this file's own. */

const SETUP = `
  CREATE SCHEMA pushrail;
  GRANT USAGE ON SCHEMA pushrail TO pushrail_writer;
  ${createTableSql('pushrail', 'events')}
  GRANT INSERT ON pushrail.events TO pushrail_writer;`;

function event(payload: Record<string, unknown> = { n: 1 }): QueuedEvent {
  return {
    id: randomUUID(),
    receivedAt: Date.now(),
    event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 'test', payload },
  };
}

async function failureOf(promise: Promise<unknown>): Promise<DeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (isDeliveryError(error)) return error;
    throw error;
  }
  throw new Error('expected the write to fail');
}

describe('classifier, provoked for real', () => {
  let server: PostgresServer;
  let customer: CustomerDatabase;
  const open: PostgresWriter[] = [];

  const destination = (overrides: Partial<PostgresDestinationConfig> = {}) => {
    const config = postgresDestinationConfigSchema.parse({
      type: 'POSTGRES', name: 'c', host: '127.0.0.1', port: server.port, database: customer.database,
      schema: 'pushrail', table: 'events', tls: false,
      auth: { mode: 'PASSWORD', username: 'pushrail_writer', password: customer.writerPassword },
      ...overrides,
    });
    const d = new PostgresWriter(config, { allowPrivateHosts: true });
    open.push(d);
    return d;
  };
  const admin = <T>(fn: (c: import('pg').Client) => Promise<T>) => withPgClient(customer.adminUrl, fn);
  const expectKind = async (promise: Promise<unknown>, kind: DeliveryErrorKind, code?: string) => {
    const error = await failureOf(promise);
    expect({ kind: error.kind, code: error.code }).toEqual({ kind, code: code ?? error.code });
    return error;
  };

  beforeAll(async () => {
    server = await startPostgresServer({ passwordAuth: true });
    customer = await createCustomerDatabase({ setupSql: SETUP, serverUrl: server.superuserUrl() });
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });

  afterAll(async () => {
    await server.destroy();
  });

  it('writes when all is well (the baseline the faults below break)', async () => {
    expect(await destination().write(encodeEvents([event(), event()]))).toEqual({ inserted: 2, skipped: 0, rejected: [] });
  });

  it('wrong password is permanent (28P01) and the message holds no password', async () => {
    const error = await expectKind(
      destination({ auth: { mode: 'PASSWORD', username: 'pushrail_writer', password: 'not-the-password-xyz' } }).write(encodeEvents([event()])),
      'permanent',
      '28P01',
    );
    expect(error.message).not.toContain('not-the-password-xyz');
  });

  it('missing table is permanent (42P01) and names the table', async () => {
    const error = await expectKind(destination({ table: 'nope' }).write(encodeEvents([event()])), 'permanent', '42P01');
    expect(error.message).toContain('nope');
  });

  it('missing schema is permanent (3F000 or 42P01)', async () => {
    const error = await failureOf(destination({ schema: 'missing_schema' }).write(encodeEvents([event()])));
    expect(error.kind).toBe('permanent');
    expect(['3F000', '42P01']).toContain(error.code);
  });

  it('missing database is permanent (3D000)', async () => {
    await expectKind(destination({ database: 'no_such_db' }).write(encodeEvents([event()])), 'permanent', '3D000');
  });

  it('a revoked grant is permanent (42501)', async () => {
    await admin((c) => c.query('REVOKE INSERT ON pushrail.events FROM pushrail_writer'));
    try {
      await expectKind(destination().write(encodeEvents([event()])), 'permanent', '42501');
    } finally {
      await admin((c) => c.query('GRANT INSERT ON pushrail.events TO pushrail_writer'));
    }
  });

  it('a role connection limit is transient (53300)', async () => {
    await admin((c) => c.query('ALTER ROLE pushrail_writer CONNECTION LIMIT 0'));
    try {
      await expectKind(destination().write(encodeEvents([event()])), 'transient', '53300');
    } finally {
      await admin((c) => c.query('ALTER ROLE pushrail_writer CONNECTION LIMIT -1'));
    }
  });

  it('a lock timeout is transient (55P03)', async () => {
    await admin((c) => c.query(`ALTER ROLE pushrail_writer IN DATABASE ${customer.database} SET lock_timeout = '200ms'`));
    const locker = new (await import('pg')).Client({ connectionString: customer.adminUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE pushrail.events IN ACCESS EXCLUSIVE MODE');
      await expectKind(destination().write(encodeEvents([event()])), 'transient', '55P03');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
      await admin((c) => c.query(`ALTER ROLE pushrail_writer IN DATABASE ${customer.database} RESET lock_timeout`));
    }
  });

  it('pg_terminate_backend mid-statement is transient (57P01)', async () => {
    await admin((c) =>
      c.query(`CREATE FUNCTION pushrail.slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(5); RETURN NEW; END $$;
               CREATE TRIGGER slow BEFORE INSERT ON pushrail.events FOR EACH ROW EXECUTE FUNCTION pushrail.slow();`),
    );
    try {
      const writing = failureOf(destination().write(encodeEvents([event()])));
      await admin(async (c) => {
        for (let i = 0; i < 100; i++) {
          const r = await c.query(
            `SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE usename = 'pushrail_writer' AND state = 'active'`,
          );
          if (r.rowCount) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error('the writer never became active');
      });
      const error = await writing;
      expect(error.kind).toBe('transient');
      expect(['57P01', 'CONNECTION_TERMINATED']).toContain(error.code);
    } finally {
      await admin((c) => c.query('DROP TRIGGER slow ON pushrail.events; DROP FUNCTION pushrail.slow()'));
    }
  });

  it('a \\u0000 in the payload is a bad row (22P05)', async () => {
    await expectKind(destination().write(encodeEvents([event({ text: 'nul \u0000 here' })])), 'bad_row', '22P05');
  });

  it('a NOT NULL column the envelope does not fill is a bad row (23502)', async () => {
    await admin((c) => c.query("ALTER TABLE pushrail.events ADD COLUMN extra text NOT NULL DEFAULT '-'; ALTER TABLE pushrail.events ALTER COLUMN extra DROP DEFAULT"));
    try {
      await expectKind(destination().write(encodeEvents([event()])), 'bad_row', '23502');
    } finally {
      await admin((c) => c.query('ALTER TABLE pushrail.events DROP COLUMN extra'));
    }
  });

  it('a host that does not resolve is transient (DNS)', async () => {
    const error = await failureOf(destination({ host: 'no-such-host.invalid' }).write(encodeEvents([event()])));
    expect(error.kind).toBe('transient');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.code);
  });

  it('a stopped server is transient (ECONNREFUSED)', async () => {
    await server.stop('fast');
    try {
      await expectKind(destination().write(encodeEvents([event()])), 'transient', 'ECONNREFUSED');
    } finally {
      await server.start();
    }
  });
});
