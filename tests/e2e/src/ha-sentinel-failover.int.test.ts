import { redisCommand, startRedisSentinelGroup, waitFor, type RedisSentinelGroup, type RedisServer } from '@pushrail/testing';
import { startAckedLoad } from './acked-load';
import { Pipeline, queueJobCounts, seedEvent, startIngestReplica } from './pipeline';

/**
 * Losing the Redis primary behind Sentinel (docs/high-availability.md):
 * ingest, workers and the producer reach Redis only through
 * `REDIS_URL=redis+sentinel://…`, and follow the promoted replica without a
 * restart. With PUSHRAIL_REDIS_MIN_REPLICAS=1 every 202 survives the
 * primary's SIGKILL; with 0, acknowledged events the replica never got are
 * gone after the failover, and nothing anywhere says so.
 */

/** Every acknowledged id that is not a row (yet). */
async function missingRows(pipeline: Pipeline, accepted: Iterable<string>): Promise<string[]> {
  const present = new Set((await pipeline.rows()).map((r) => r.event_id as string));
  return [...accepted].filter((id) => !present.has(id));
}

/** Resolves once the replica has applied every write the primary has made (replication offsets equal). */
async function replicaCaughtUp(primary: RedisServer): Promise<void> {
  await waitFor(
    async () => {
      const info = String(await redisCommand(primary.host, primary.port, 'INFO', 'replication'));
      const own = Number(/master_repl_offset:(\d+)/.exec(info)?.[1]);
      const replica = Number(/slave0:.*offset=(\d+)/.exec(info)?.[1] ?? -1);
      return replica >= own;
    },
    { description: 'the replica to catch up with the primary' },
  );
}

describe('Sentinel failover with PUSHRAIL_REDIS_MIN_REPLICAS=1: the primary SIGKILLed mid-load', () => {
  let group: RedisSentinelGroup;
  let pipeline: Pipeline;

  beforeAll(async () => {
    group = await startRedisSentinelGroup();
    pipeline = await Pipeline.start({ redisUrl: group.url, minReplicas: 1 });
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
    await group?.destroy();
  });

  it('lands every event that got a 202 exactly once, answers 503 while no replica can confirm, and keeps delivering', async () => {
    const load = startAckedLoad(pipeline.baseUrl, pipeline.writeKey, { connections: 16, label: 'sentinel-min1' });
    try {
      await waitFor(() => load.accepted.size >= 300, { description: '300 events acknowledged before the kill', timeoutMs: 20_000 });
      // The worker is delivering when the primary dies.
      await waitFor(async () => (await pipeline.rowCount()) > 0, { description: 'the first rows delivered' });
      const oldPrimary = await group.primary();
      const promoted = await group.replica();
      await oldPrimary.kill();
      await group.waitForPrimary(promoted);
      // The promoted replica has no replica of its own: nothing may be acknowledged now.
      const alone = performance.now();
      await waitFor(() => load.answers.filter((a) => a.sentAt > alone && a.status === 503).length >= 20, {
        description: '503s while the promoted primary has no replica',
        timeoutMs: 20_000,
      });
      const restarting = performance.now();
      await oldPrimary.start(); // Sentinel turns it into a replica of the promoted primary
      await group.waitForReplica(oldPrimary);
      const acceptedBefore = load.accepted.size;
      await waitFor(() => load.accepted.size >= acceptedBefore + 200, { description: '202s again once a replica confirms', timeoutMs: 20_000 });
      await load.stop();
      expect(load.answers.filter((a) => a.sentAt > alone && a.answeredAt < restarting && a.status === 202)).toEqual([]);
    } finally {
      await load.stop().catch(() => undefined);
    }
    expect(load.unavailable()).toBeGreaterThan(0);

    await waitFor(async () => (await missingRows(pipeline, load.accepted)).length === 0, {
      description: 'every acknowledged event delivered after the failover',
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const rows = await pipeline.rows();
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(load.accepted.size);
  }, 120_000);
});

describe('Sentinel failover with PUSHRAIL_REDIS_MIN_REPLICAS=0: the replica is down when events are acknowledged, then the primary is SIGKILLed', () => {
  let group: RedisSentinelGroup;
  let pipeline: Pipeline;

  beforeAll(async () => {
    group = await startRedisSentinelGroup();
    // No worker yet: the acknowledged events wait in Redis, as they would behind a backlog.
    pipeline = await Pipeline.start({ redisUrl: group.url, startWorker: false });
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
    await group?.destroy();
  });

  it('loses every event acknowledged while only the primary had it (and MIN_REPLICAS=1 refuses them instead)', async () => {
    const post = async (key: string) => {
      const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: key }));
      expect(answer.status).toBe(202);
      return answer.body.eventId as string;
    };
    const replicated = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`replicated-${i}`)));
    const primary = await group.primary();
    const replica = await group.replica();
    await replicaCaughtUp(primary);

    await replica.kill();
    const primaryOnly = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`primary-only-${i}`)));
    // The same request to an ingest with MIN_REPLICAS=1 is refused, not acknowledged.
    const careful = await startIngestReplica(pipeline, { minReplicas: 1 });
    try {
      const answer = await fetch(`${careful.baseUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pipeline.writeKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(seedEvent({ idempotencyKey: 'refused-without-replica' })),
      });
      expect(answer.status).toBe(503);
    } finally {
      await careful.close();
    }

    // The primary dies; the replica comes back with only what it had, and Sentinel promotes it.
    await primary.kill();
    await replica.start();
    await group.waitForPrimary(replica);
    await pipeline.startWorker();
    await waitFor(async () => (await missingRows(pipeline, replicated)).length === 0, {
      description: 'the replicated events delivered from the promoted replica',
      timeoutMs: 30_000,
    });
    await waitFor(async () => {
      const counts = await queueJobCounts(pipeline);
      return counts.wait === 0 && counts.active === 0 && counts.delayed === 0 && counts.prioritized === 0;
    }, { description: 'the queue drained' });
    // Nothing is left to deliver, and every one of these got a 202.
    expect(await missingRows(pipeline, primaryOnly)).toEqual(primaryOnly);
  }, 120_000);
});
