import { destinationQueueName } from '@pushrail/queue';
import { redisCommand, startRedisCluster, waitFor, type RedisCluster } from '@pushrail/testing';
import { Pipeline, seedEvent, type RunningWorker } from './pipeline';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/**
 * The delivery path on a real 3-master Redis Cluster: ingest and workers
 * reach it through `REDIS_URL=redis+cluster://…`, every queue lives in the
 * slot of its destination's hash tag, and the delivery checks of
 * delivery.int.test.ts hold there as on one Redis.
 */
describe('delivery on a 3-master Redis Cluster', () => {
  let cluster: RedisCluster;
  let pipeline: Pipeline;
  let inProcess: RunningWorker | undefined;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    const redisUrl = `redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
    pipeline = await Pipeline.start({ redisUrl, startWorker: false });
    inProcess = await pipeline.startWorker();
  });

  afterAll(async () => {
    await worker?.kill().catch(() => undefined);
    await pipeline?.close();
    await cluster?.destroy();
  });

  it('lands the seed event as one row', async () => {
    const sent = seedEvent({ idempotencyKey: 'cluster-seed' });
    const answer = await pipeline.postEvent(sent);
    expect(answer.status).toBe(202);
    const row = await waitFor(async () => (await pipeline.rows()).find((r) => r.event_id === answer.body.eventId), {
      description: 'the seed event row',
    });
    expect(row.event_type).toBe('order.completed');
    expect(row.payload).toEqual(sent.payload);
    expect(row.metadata).toEqual(sent.metadata);
  });

  it('gives the same idempotencyKey the same eventId and one row', async () => {
    const event = seedEvent({ idempotencyKey: 'cluster-retry-me' });
    const first = await pipeline.postEvent(event);
    const second = await pipeline.postEvent(event);
    expect(second.body.eventId).toBe(first.body.eventId);
    const marker = await pipeline.postEvent(seedEvent({ idempotencyKey: 'cluster-marker-after-retry' }));
    await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === marker.body.eventId), { description: 'the marker row' });
    expect((await pipeline.rows()).filter((r) => r.event_id === first.body.eventId)).toHaveLength(1);
  });

  it('adds no row when the same batch is replayed into the queue', async () => {
    const events = Array.from({ length: 20 }, (_, i) => seedEvent({ idempotencyKey: `cluster-replay-${i}` }));
    const answer = await pipeline.postBatch(events);
    expect(answer.status).toBe(202);
    const ids: string[] = answer.body.eventIds;
    await waitFor(async () => {
      const present = new Set((await pipeline.rows()).map((r) => r.event_id));
      return ids.every((id) => present.has(id));
    }, { description: 'the batch rows' });
    const before = await pipeline.rowCount();
    await pipeline.enqueue(ids.map((id, i) => ({ id, receivedAt: Date.now(), event: events[i] })));
    await waitFor(async () => (await pipeline.workerMetric('pushrail_events_duplicates_skipped_total')) >= 20, {
      description: 'the replayed batch to be written and skipped',
    });
    expect(await pipeline.rowCount()).toBe(before);
  });

  it('lands 2,500 events sent together in at most 3 transactions', async () => {
    const events = Array.from({ length: 2500 }, (_, i) => seedEvent({ idempotencyKey: `cluster-bulk-${i}`, payload: { n: i } }));
    const answers = await Promise.all([0, 1, 2, 3, 4].map((k) => pipeline.postBatch(events.slice(k * 500, (k + 1) * 500))));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const ids = new Set(answers.flatMap((a) => a.body.eventIds as string[]));
    const rows = await waitFor(async () => {
      const all = (await pipeline.rows()).filter((r) => ids.has(r.event_id));
      return all.length === 2500 ? all : undefined;
    }, { description: '2,500 rows', timeoutMs: 20_000 });
    expect(new Set(rows.map((r) => r.xmin)).size).toBeLessThanOrEqual(3);
  });

  it('spreads destination queues over the shards by their hash tag', async () => {
    // Twelve more destinations; with three masters, twelve random ids all landing on one is a 1-in-177,147 chance.
    const ids: string[] = [pipeline.destinationId];
    for (let i = 0; i < 12; i++) {
      const created = await pipeline.admin('POST', '/admin/v1/destinations', { tenantId: pipeline.tenantId, ...pipeline.destinationConfig({ name: `shard-${i}` }) });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: 'cluster-fan-out' }));
    expect(answer.status).toBe(202);
    await waitFor(async () => (await pipeline.rows()).filter((r) => r.event_id === answer.body.eventId).length === 1, {
      description: 'the fanned-out event (13 destinations, one table: one row)',
    });
    const nodeOfSlot = await slotOwners(cluster);
    const nodes = new Set<number>();
    for (const id of ids) {
      const slot = await keySlot(cluster, `${pipeline.prefix}:${destinationQueueName(id)}:meta`);
      // Every key of the queue hashes to the slot of the id alone.
      expect(await keySlot(cluster, id)).toBe(slot);
      nodes.add(nodeOfSlot(slot));
    }
    expect(nodes.size).toBeGreaterThan(1);
  });

  it('runs a worker process configured with the cluster URL', async () => {
    await inProcess?.stop();
    inProcess = undefined;
    worker = await startWorkerProcess(pipeline.workerEnv());
    const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: 'cluster-worker-process' }));
    expect(answer.status).toBe(202);
    await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === answer.body.eventId), {
      description: 'the event delivered by the worker process',
    });
    expect(await worker.terminate()).toBe(0);
    worker = undefined;
  });
});

async function keySlot(cluster: RedisCluster, key: string): Promise<number> {
  return Number(await redisCommand(cluster.nodes[0]!.host, cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', key));
}

/** Port of the master serving each slot, from CLUSTER SLOTS. */
async function slotOwners(cluster: RedisCluster): Promise<(slot: number) => number> {
  const reply = (await redisCommand(cluster.nodes[0]!.host, cluster.nodes[0]!.port, 'CLUSTER', 'SLOTS')) as unknown as Array<[number, number, [string, number]]>;
  return (slot) => {
    const range = reply.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    return Number(range[2][1]);
  };
}
