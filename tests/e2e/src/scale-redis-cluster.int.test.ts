import { randomUUID } from 'node:crypto';
import { destinationQueueName, workIndexKey } from '@pushrail/queue';
import { redisCommand, startRedisCluster, waitFor, type RedisCluster } from '@pushrail/testing';
import { Pipeline, seedEvent, type RunningWorker } from './pipeline';
import { startWorkerProcess, type WorkerProcess } from './worker-process';
import { describeDeliveryPath } from './delivery-path';

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

  let redisUrl: string;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    redisUrl = `redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
    pipeline = await Pipeline.start({ redisUrl, startWorker: false });
    inProcess = await pipeline.startWorker();
  });

  // The same checks as on one Redis (delivery.int.test.ts), on a pipeline of their own.
  describeDeliveryPath('the delivery path', () => Pipeline.start({ redisUrl }));

  afterAll(async () => {
    await worker?.kill().catch(() => undefined);
    await pipeline?.close();
    await cluster?.destroy();
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

  it('audits the work index across the shards: a queued job whose entry was lost is put back and delivered', async () => {
    // No worker runs here (the one above has exited): the job waits, and its entry is removed.
    const event = { id: randomUUID(), receivedAt: Date.now(), event: seedEvent() };
    await pipeline.enqueue([event]);
    await pipeline.redis.zrem(workIndexKey(pipeline.prefix), pipeline.destinationId);
    const auditor = await pipeline.startWorker({ sweepIntervalMs: 60_000 });
    expect(await auditor.audit.auditOnce()).toEqual([pipeline.destinationId]);
    await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === event.id), {
      description: 'the event delivered after the audit put its destination back',
    });
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
