import fs from 'node:fs';
import { postgresTableFor } from '@pushrail/destination-postgres';
import { CUSTOMER_WRITER_PASSWORD, sharedPostgresUrl, startPgBouncer, waitFor, withPgClient, type PgBouncer } from '@pushrail/testing';
import { envelopeSetupSql, Pipeline, seedEvent } from './pipeline';

/** The per_event_type destination's tables (base table `pt`), by event type. */
const PER_TYPE_TABLES = {
  'order.completed': postgresTableFor({ table: 'pt', tableMode: 'per_event_type' }, 'order.completed'),
  'user.signed-up': postgresTableFor({ table: 'pt', tableMode: 'per_event_type' }, 'user.signed-up'),
};

const EVENTS = 3_000;

describe('delivery through a real PgBouncer in transaction pooling mode', () => {
  let bouncer: PgBouncer;
  let pipeline: Pipeline;
  let perTypeDestinationId = '';

  beforeAll(async () => {
    const upstream = new URL(sharedPostgresUrl());
    // One server connection for every client: the two destinations' pools (4 clients each) take turns on it,
    // transaction by transaction, so nothing may live in a session between statements.
    bouncer = await startPgBouncer({
      upstream: { host: upstream.hostname, port: Number(upstream.port) },
      users: { pushrail_writer: CUSTOMER_WRITER_PASSWORD },
      poolMode: 'transaction',
      defaultPoolSize: 1,
    });
    pipeline = await Pipeline.start({
      customerSetupSql: envelopeSetupSql('pushrail', ['events', ...Object.values(PER_TYPE_TABLES)]),
      destination: { host: bouncer.host, port: bouncer.port, batchSize: 200 },
    });
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'Per type', host: bouncer.host, port: bouncer.port, table: 'pt', tableMode: 'per_event_type', batchSize: 200 }),
    });
    expect(created.status).toBe(201);
    perTypeDestinationId = created.body.id;
  });

  afterAll(async () => {
    await pipeline?.close();
    await bouncer?.destroy();
  });

  it('pools by transaction: two clients share one server session', async () => {
    const url = `postgresql://pushrail_writer:${encodeURIComponent(CUSTOMER_WRITER_PASSWORD)}@${bouncer.host}:${bouncer.port}/${pipeline.customer.database}`;
    await withPgClient(url, async (first) => {
      await withPgClient(url, async (second) => {
        // Session state set by one client is seen by the other: what Pushrail must never rely on.
        await first.query(`SET search_path TO left_by_another_client`);
        expect((await second.query('SHOW search_path')).rows[0].search_path).toBe('left_by_another_client');
        await second.query('RESET search_path');
      });
    });
  });

  it('passes the destination test through PgBouncer', async () => {
    for (const id of [pipeline.destinationId, perTypeDestinationId]) {
      const answer = await pipeline.admin('POST', `/admin/v1/destinations/${id}/test?eventType=order.completed`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ ok: true });
    }
  });

  it('lands every event once, in one table and in per-event-type tables, and a replay adds nothing', async () => {
    const eventTypes = Object.keys(PER_TYPE_TABLES);
    const events = Array.from({ length: EVENTS }, (_, i) =>
      seedEvent({ eventType: eventTypes[i % eventTypes.length], idempotencyKey: `bouncer-${i}`, payload: { n: i } }),
    );
    // Six batches at once: many batches in flight on both destinations, all through one server connection.
    const answers = await Promise.all([0, 1, 2, 3, 4, 5].map((k) => pipeline.postBatch(events.slice(k * 500, (k + 1) * 500))));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const ids = answers.flatMap((a) => a.body.eventIds as string[]);
    expect(new Set(ids).size).toBe(EVENTS);

    const perTypeRows = async () =>
      (await Promise.all(Object.values(PER_TYPE_TABLES).map((t) => pipeline.rows(t)))).flat().map((r) => r.event_id as string);
    await waitFor(async () => (await pipeline.rowCount()) === EVENTS && (await perTypeRows()).length === EVENTS, {
      description: `${EVENTS} rows through PgBouncer in each destination`,
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    expect(new Set((await pipeline.rows()).map((r) => r.event_id))).toEqual(new Set(ids));
    expect(new Set(await perTypeRows())).toEqual(new Set(ids));
    expect(await pipeline.rowCount(PER_TYPE_TABLES['order.completed'])).toBe(EVENTS / 2);

    // The same events again, as a redrive would send them: skipped, nothing added.
    const replay = ids.map((id, i) => ({ id, receivedAt: Date.now(), event: events[i] }));
    await pipeline.enqueue(replay);
    await pipeline.enqueue(replay, perTypeDestinationId);
    await waitFor(async () => (await pipeline.workerMetric('pushrail_events_duplicates_skipped_total')) >= 2 * EVENTS, {
      description: 'the replay written and skipped in both destinations',
      timeoutMs: 30_000,
    });
    expect(await pipeline.rowCount()).toBe(EVENTS);
    expect(await perTypeRows()).toHaveLength(EVENTS);

    // It really went through PgBouncer: the server saw one connection of the writer at most, and PgBouncer logged its logins.
    const serverConnections = await withPgClient(pipeline.customer.adminUrl, async (client) => {
      const result = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'pushrail_writer' AND datname = current_database()`);
      return result.rows[0].n as number;
    });
    expect(serverConnections).toBeLessThanOrEqual(1);
    expect(fs.readFileSync(bouncer.logFile, 'utf8')).toMatch(new RegExp(`${pipeline.customer.database}/pushrail_writer@127\\.0\\.0\\.1:\\d+ login attempt`));
  }, 90_000);
});
