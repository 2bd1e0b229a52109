import { waitFor, withPgClient } from '@pushrail/testing';
import { type Pipeline, seedEvent } from './pipeline';

/**
 * The delivery path's integration checks, as one suite any Redis topology can
 * run: delivery.int.test.ts runs it on one Redis, scale-redis-cluster on a
 * 3-master Redis Cluster.
 */
export function describeDeliveryPath(title: string, startPipeline: () => Promise<Pipeline>): void {
  describe(title, () => {
    let pipeline: Pipeline;

    beforeAll(async () => {
      pipeline = await startPipeline();
    });

    afterAll(async () => {
      await pipeline.close();
    });

    it('lands the seed event as one row with every column right, written by the INSERT-only role', async () => {
      const sent = seedEvent({ idempotencyKey: 'seed-row-check' });
      const answer = await pipeline.postEvent(sent);
      expect(answer.status).toBe(202);
      const eventId = answer.body.eventId as string;
      expect(eventId).toMatch(/^[0-9a-f-]{36}$/);

      const row = await waitFor(async () => (await pipeline.rows()).find((r) => r.event_id === eventId), {
        description: 'the seed event row',
      });
      expect(row.event_type).toBe('order.completed');
      expect(row.occurred_at.toISOString()).toBe('2026-05-26T14:21:08.493Z');
      expect(row.customer_external_id).toBe('acct_8K2zRq');
      expect(row.source).toBe('billing-service');
      expect(row.payload).toEqual(sent.payload);
      expect(row.metadata).toEqual(sent.metadata);
      expect(row.received_at).toBeInstanceOf(Date);
      expect(Math.abs(Date.now() - row.received_at.getTime())).toBeLessThan(60_000);

      // The role that wrote it can do nothing but INSERT.
      await withPgClient(pipeline.customer.adminUrl, async (client) => {
        const privileges = await client.query(
          `SELECT has_table_privilege('pushrail_writer', 'pushrail.events', 'INSERT') AS can_insert,
                  has_table_privilege('pushrail_writer', 'pushrail.events', 'SELECT') AS can_select,
                  has_database_privilege('pushrail_writer', current_database(), 'TEMP') AS can_temp`,
        );
        expect(privileges.rows[0]).toEqual({ can_insert: true, can_select: false, can_temp: false });
      });
    });

    it('stores absent optional fields as SQL NULL, not JSON null', async () => {
      const { metadata, customerExternalId, ...bare } = seedEvent({ idempotencyKey: 'no-optionals' });
      void metadata;
      void customerExternalId;
      const answer = await pipeline.postEvent(bare);
      expect(answer.status).toBe(202);
      await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === answer.body.eventId), { description: 'the row' });
      const check = await withPgClient(pipeline.customer.adminUrl, (c) =>
        c.query('SELECT metadata IS NULL AS no_metadata, customer_external_id IS NULL AS no_customer FROM pushrail.events WHERE event_id = $1', [
          answer.body.eventId,
        ]),
      );
      expect(check.rows[0]).toEqual({ no_metadata: true, no_customer: true });
    });

    it('gives the same idempotencyKey the same eventId and one row', async () => {
      const event = seedEvent({ idempotencyKey: 'retry-me-twice' });
      const first = await pipeline.postEvent(event);
      const second = await pipeline.postEvent(event);
      expect(first.status).toBe(202);
      expect(second.body.eventId).toBe(first.body.eventId);
      await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === first.body.eventId), { description: 'the row' });
      // Let a possible second write happen: another event sent after both must land, and the count stays one.
      const marker = await pipeline.postEvent(seedEvent({ idempotencyKey: 'marker-after-retry' }));
      await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === marker.body.eventId), { description: 'the marker row' });
      expect((await pipeline.rows()).filter((r) => r.event_id === first.body.eventId)).toHaveLength(1);
    });

    it('adds no row when the same batch is replayed into the queue', async () => {
      const events = Array.from({ length: 20 }, (_, i) => seedEvent({ idempotencyKey: `replay-${i}` }));
      const answer = await pipeline.postBatch(events);
      expect(answer.status).toBe(202);
      const ids: string[] = answer.body.eventIds;
      await waitFor(async () => {
        const present = new Set((await pipeline.rows()).map((r) => r.event_id));
        return ids.every((id) => present.has(id));
      }, { description: 'the batch rows' });
      const before = await pipeline.rowCount();

      // Replay: the same queued events as a new job, as a redrive or a client replay would.
      const replayed = ids.map((id, i) => ({ id, receivedAt: Date.now(), event: events[i] }));
      await pipeline.enqueue(replayed);
      await waitFor(async () => (await pipeline.workerMetric('pushrail_events_duplicates_skipped_total')) >= 20, {
        description: 'the replayed batch to be written and skipped',
      });
      const marker = await pipeline.postEvent(seedEvent({ idempotencyKey: 'marker-after-replay' }));
      await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === marker.body.eventId), { description: 'the marker row' });
      expect(await pipeline.rowCount()).toBe(before + 1);
    });

    it('lands 2,500 events sent together in at most 3 transactions', async () => {
      const events = Array.from({ length: 2500 }, (_, i) => seedEvent({ idempotencyKey: `bulk-${i}`, payload: { n: i } }));
      const answers = await Promise.all([0, 1, 2, 3, 4].map((k) => pipeline.postBatch(events.slice(k * 500, (k + 1) * 500))));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
      const ids = new Set(answers.flatMap((a) => a.body.eventIds as string[]));
      expect(ids.size).toBe(2500);
      const rows = await waitFor(async () => {
        const all = (await pipeline.rows()).filter((r) => ids.has(r.event_id));
        return all.length === 2500 ? all : undefined;
      }, { description: '2,500 rows', timeoutMs: 20_000 });
      const transactions = new Set(rows.map((r) => r.xmin));
      expect(transactions.size).toBeLessThanOrEqual(3);
    });

    it('lands a lone event within flushIntervalSec + 1 s', async () => {
      const started = Date.now();
      const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: `lone-${started}` }));
      expect(answer.status).toBe(202);
      await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === answer.body.eventId), {
        description: 'the lone event within 2 s',
        timeoutMs: 2_000,
        intervalMs: 20,
      });
    });
  });
}
