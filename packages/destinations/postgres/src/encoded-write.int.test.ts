import { isDeliveryError } from '@pushrail/destination-core';
import { encodeEvents, type EncodedEvents, type QueuedEvent } from '@pushrail/events';
import { createCustomerDatabase, dropDatabase, withPgClient, type CustomerDatabase } from '@pushrail/testing';
import { randomUUID } from 'node:crypto';
import { createTableSql, insertBatchParams, insertBatchSql } from './envelope-sql';
import { PostgresWriter } from './postgres-writer';
import { postgresDestinationConfigSchema, type PostgresDestinationConfig } from './postgres-destination-config';

/**
 * The writer's one-statement path for a single table (insertEncodedSql, the
 * worker's hot path) against the per-column statement (insertBatchSql, the
 * reference: what per-event-type tables and bisection use), on the shared
 * PostgreSQL, as the INSERT-only role.
 */

const TABLES = ['by_objects', 'by_text', 'events_order_completed', 'events_user_created'];
const SETUP = `
  CREATE SCHEMA pushrail;
  GRANT USAGE ON SCHEMA pushrail TO pushrail_writer;
  ${TABLES.map((t) => `${createTableSql('pushrail', t)}\n  GRANT INSERT ON pushrail.${t} TO pushrail_writer;`).join('\n  ')}`;

/** Events covering every column's cases: optional fields there, absent and null; text that needs escaping. */
function variedEvents(): QueuedEvent[] {
  const base = { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493+02:00', source: 'checkout' };
  const at = 1_795_579_135_199;
  return [
    { id: randomUUID(), receivedAt: at, event: { ...base, payload: { n: 1, quote: 'say "hi" \\ back', emoji: 'é 🚀', nested: { a: [1, null, true] } } } },
    { id: randomUUID(), receivedAt: at, event: { ...base, customerExternalId: 'acct_8K2zRq', correlationId: 'req_1', payload: { n: 2 }, metadata: { tier: 'pro' } } },
    { id: randomUUID(), receivedAt: at + 1, event: { ...base, payload: { n: 3 }, metadata: null as never, customerExternalId: null as never } },
    { id: randomUUID(), receivedAt: 1, event: { ...base, occurredAt: '2026-05-26T14:21:08Z', payload: {} } },
  ];
}

describe('PostgresWriter.write, one table (real PostgreSQL, INSERT-only role)', () => {
  let customer: CustomerDatabase;
  const open: PostgresWriter[] = [];

  const destination = (overrides: Partial<PostgresDestinationConfig> = {}): PostgresWriter => {
    const config = postgresDestinationConfigSchema.parse({
      type: 'POSTGRES', name: 'enc', host: customer.host, port: customer.port, database: customer.database,
      schema: 'pushrail', table: 'by_text', tls: false,
      auth: { mode: 'PASSWORD', username: customer.writerUser, password: customer.writerPassword },
      ...overrides,
    });
    const d = new PostgresWriter(config, { allowPrivateHosts: true });
    open.push(d);
    return d;
  };

  /** The reference: the per-column statement, as the writer role. */
  const writeByColumns = (table: string, events: QueuedEvent[]) =>
    withPgClient(customer.writerUrl, async (c) => (await c.query(insertBatchSql('pushrail', table), insertBatchParams(events))).rowCount);

  /** Every column as text, ordered by the payload's `n` (ids differ between the two paths). */
  const rows = (table: string, withId = false) =>
    withPgClient(customer.adminUrl, async (c) => {
      const result = await c.query(
        `SELECT ${withId ? 'event_id::text, ' : ''}event_type, occurred_at::text, customer_external_id, source, payload::text, metadata::text, received_at::text
         FROM pushrail.${table} ORDER BY (payload->>'n')::int NULLS LAST, received_at`,
      );
      return result.rows;
    });

  beforeAll(async () => {
    customer = await createCustomerDatabase({ setupSql: SETUP });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
  });
  afterAll(async () => {
    await dropDatabase(customer.name);
  });

  it('writes the same row, column for column, as the per-column statement', async () => {
    const events = variedEvents();
    expect(await writeByColumns('by_objects', events)).toBe(4);
    expect(await destination({ table: 'by_text' }).write(encodeEvents(events))).toEqual({ inserted: 4, skipped: 0, rejected: [] });
    const byText = await rows('by_text');
    expect(byText).toEqual(await rows('by_objects'));
    // Spot checks that the comparison itself could fail on: nulls, the exact millisecond, escaped text.
    expect(byText[0]).toMatchObject({ customer_external_id: null, metadata: null, received_at: '2026-11-25 03:58:55.199+00' });
    expect(JSON.parse(byText[0].payload)).toEqual(events[0]!.event.payload);
    expect(byText[2]).toMatchObject({ customer_external_id: null, metadata: null, received_at: '2026-11-25 03:58:55.2+00' });
    expect(byText[3]).toMatchObject({ received_at: '1970-01-01 00:00:00.001+00' });
  });

  it('skips rows already there (a replay) and counts them', async () => {
    const encoded = encodeEvents(variedEvents());
    const d = destination({ table: 'by_text' });
    expect(await d.write(encoded)).toEqual({ inserted: 4, skipped: 0, rejected: [] });
    expect(await d.write(encoded)).toEqual({ inserted: 0, skipped: 4, rejected: [] });
  });

  it('refuses a batch with a bad row as bad_row, as the per-column statement does, and writes none of it', async () => {
    const events = variedEvents();
    events[1] = { ...events[1]!, event: { ...events[1]!.event, occurredAt: 'yesterday-ish' } };
    const before = (await rows('by_text', true)).length;
    const error = await destination().write(encodeEvents(events)).catch((e: unknown) => e);
    expect(isDeliveryError(error) && error.kind).toBe('bad_row');
    const reference = await writeByColumns('by_objects', events).catch((e: unknown) => e);
    expect((reference as { code?: string }).code).toBe('22007');
    expect((await rows('by_text', true)).length).toBe(before);
  });

  it('refuses envelopes that do not pair up with the ids, writing nothing', async () => {
    const events = variedEvents();
    const encoded = encodeEvents(events);
    const before = (await rows('by_text', true)).length;
    const fewerEnvelopes: EncodedEvents = { ...encoded, envelopeArrays: [Buffer.from(JSON.stringify(events.slice(1).map((e) => e.event)))] };
    const fewerIds: EncodedEvents = { ...encoded, ids: encoded.ids.slice(1), receivedAt: encoded.receivedAt.slice(1) };
    for (const mismatched of [fewerEnvelopes, fewerIds]) {
      const error = await destination().write(mismatched).catch((e: unknown) => e);
      expect(isDeliveryError(error) && error.kind).toBe('bad_row');
    }
    expect((await rows('by_text', true)).length).toBe(before);
  });

  it('routes by event type in per-event-type mode', async () => {
    const signup: QueuedEvent = { id: randomUUID(), receivedAt: 2, event: { eventType: 'user.created', occurredAt: '2026-05-26T14:21:08Z', source: 's', payload: { n: 9 } } };
    const events = [...variedEvents(), signup];
    const outcome = await destination({ table: 'events', tableMode: 'per_event_type' }).write(encodeEvents(events));
    expect(outcome).toEqual({ inserted: 5, skipped: 0, rejected: [] });
    expect((await rows('events_order_completed', true)).map((r) => r.event_id).sort()).toEqual(events.slice(0, 4).map((e) => e.id).sort());
    expect((await rows('events_user_created', true)).map((r) => r.event_id)).toEqual([signup.id]);
  });
});
