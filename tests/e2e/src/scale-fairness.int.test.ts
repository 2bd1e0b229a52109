import { destinationQueueName } from '@pushrail/queue';
import { waitFor } from '@pushrail/testing';
import { Queue } from 'bullmq';
import { envelopeSetupSql, Pipeline, seedEvent } from './pipeline';
import { seedEvents } from './scale-support';

/** How long the slow database sleeps in every INSERT statement, in seconds. */
const SLOW_STATEMENT_SEC = 2;

/** The slow database: every INSERT statement into `slow_events` sleeps first, as an overloaded server would. */
const SETUP_SQL = `${envelopeSetupSql('pushrail', ['events', 'slow_events'])}
CREATE FUNCTION pushrail.sleep_per_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_sleep(${SLOW_STATEMENT_SEC});
  RETURN NULL;
END $$;
CREATE TRIGGER sleep_per_statement BEFORE INSERT ON pushrail.slow_events
  FOR EACH STATEMENT EXECUTE FUNCTION pushrail.sleep_per_statement();`;

/** Events queued for the slow destination before the healthy one gets any. */
const BACKLOG = 10_000;

describe('fairness: a slow database with a backlog beside a healthy one, in one worker', () => {
  let pipeline: Pipeline;
  let slowKey = '';
  let slowDestinationId = '';

  beforeAll(async () => {
    // The pipeline's own destination (table `events`) is the healthy one, flushIntervalSec 1.
    pipeline = await Pipeline.start({ customerSetupSql: SETUP_SQL });
    const tenant = await pipeline.admin('POST', '/admin/v1/tenants', { name: 'Slow Co' });
    slowKey = (await pipeline.admin('POST', `/admin/v1/tenants/${tenant.body.id}/write-keys`)).body.key;
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: tenant.body.id,
      ...pipeline.destinationConfig({ name: 'Slow', table: 'slow_events', batchSize: 500 }),
    });
    expect(created.status).toBe(201);
    slowDestinationId = created.body.id;
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('lands each of the healthy destination’s events within its flush window + 1 s while the slow one works through its backlog', async () => {
    // 10,000 events in statements of 500 at 2 s each over 4 connections: about 10 s of backlog.
    for (let i = 0; i < BACKLOG / 1_000; i++) {
      const answer = await pipeline.postBatch(seedEvents('slow-backlog', i * 1_000, 1_000), slowKey);
      expect(answer.status).toBe(202);
    }
    const slowQueue = new Queue(destinationQueueName(slowDestinationId), { connection: pipeline.redis, prefix: pipeline.prefix });
    try {
      // The slow destination is busy: its first statements are sleeping.
      await waitFor(async () => (await slowQueue.getActiveCount()) > 0, { description: 'the slow destination delivering' });

      const flushWindowMs = 1_000;
      for (let i = 0; i < 5; i++) {
        const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: `healthy-${i}` }));
        expect(answer.status).toBe(202);
        await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === answer.body.eventId), {
          description: `healthy event ${i} within its flush window + 1 s`,
          timeoutMs: flushWindowMs + 1_000,
          intervalMs: 20,
        });
      }
      // Still backlogged when the last healthy event landed: the measurements were taken beside real slowness.
      expect(await pipeline.rowCount('slow_events')).toBeLessThan(BACKLOG);
      const waiting = await slowQueue.getJobCounts('wait', 'active');
      expect((waiting.wait ?? 0) + (waiting.active ?? 0)).toBeGreaterThan(0);
    } finally {
      await slowQueue.close();
    }

    // And the slow one gets there in the end.
    await waitFor(async () => (await pipeline.rowCount('slow_events')) === BACKLOG, {
      description: 'the slow backlog delivered',
      timeoutMs: 45_000,
      intervalMs: 250,
    });
  }, 90_000);
});
