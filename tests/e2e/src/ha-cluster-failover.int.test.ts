import { destinationQueueName } from '@pushrail/queue';
import { redisCommand, startRedisCluster, waitFor, type RedisCluster, type RedisServer } from '@pushrail/testing';
import { startAckedLoad } from './acked-load';
import { envelopeSetupSql, Pipeline } from './pipeline';

/** One table per destination, so each destination's delivery is checked on its own. */
const TABLES = ['events', 'events_b', 'events_c', 'events_d'];

/**
 * The per-shard guarantee of PUSHRAIL_REDIS_MIN_REPLICAS on a Redis Cluster
 * of 3 masters with a replica each (docs/high-availability.md): a write is
 * acknowledged only once the replica of the shard it went to has it, so
 * SIGKILLing that shard's master mid-load loses nothing acknowledged.
 */
describe('Redis Cluster failover with PUSHRAIL_REDIS_MIN_REPLICAS=1: a master SIGKILLed mid-load', () => {
  let cluster: RedisCluster;
  let pipeline: Pipeline;
  const destinations: Array<{ id: string; table: string }> = [];

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    const redisUrl = `redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
    pipeline = await Pipeline.start({ redisUrl, minReplicas: 1, customerSetupSql: envelopeSetupSql('pushrail', TABLES) });
    destinations.push({ id: pipeline.destinationId, table: 'events' });
    for (const table of TABLES.slice(1)) {
      const created = await pipeline.admin('POST', '/admin/v1/destinations', { tenantId: pipeline.tenantId, ...pipeline.destinationConfig({ name: table, table }) });
      expect(created.status).toBe(201);
      destinations.push({ id: created.body.id, table });
    }
  }, 90_000);

  afterAll(async () => {
    await pipeline?.close();
    await cluster?.destroy();
  });

  /** The master serving the first destination's queue now. */
  async function masterOfFirstQueue(): Promise<RedisServer> {
    const seed = cluster.servers.find((s) => s.isRunning())!;
    const slot = Number(await redisCommand(seed.host, seed.port, 'CLUSTER', 'KEYSLOT', `${pipeline.prefix}:${destinationQueueName(destinations[0]!.id)}:meta`));
    const ranges = (await redisCommand(seed.host, seed.port, 'CLUSTER', 'SLOTS')) as unknown as Array<[number, number, [string, number]]>;
    const port = ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
    return cluster.servers.find((s) => s.port === Number(port))!;
  }

  it('lands every event that got a 202 in every destination, exactly once', async () => {
    const load = startAckedLoad(pipeline.baseUrl, pipeline.writeKey, { connections: 12, label: 'cluster-min1' });
    try {
      await waitFor(() => load.accepted.size >= 200, { description: '200 events acknowledged before the kill', timeoutMs: 30_000 });
      const master = await masterOfFirstQueue();
      await master.kill();
      // The shard's replica takes over (cluster-node-timeout 2 s); with no replica of its own it cannot confirm a write.
      await waitFor(async () => (await masterOfFirstQueue()) !== master, { description: 'the replica promoted', timeoutMs: 30_000, intervalMs: 200 });
      const promoted = performance.now();
      await waitFor(() => load.answers.filter((a) => a.sentAt > promoted && a.status === 503).length >= 10, {
        description: '503s while the promoted master has no replica',
        timeoutMs: 20_000,
      });
      const restarting = performance.now();
      await master.start(); // it rejoins as the replica of the promoted master
      const acceptedBefore = load.accepted.size;
      await waitFor(() => load.accepted.size >= acceptedBefore + 100, { description: '202s again once the shard has a replica', timeoutMs: 30_000 });
      await load.stop();
      expect(load.answers.filter((a) => a.sentAt > promoted && a.answeredAt < restarting && a.status === 202)).toEqual([]);
    } finally {
      await load.stop().catch(() => undefined);
    }
    for (const { table } of destinations) {
      await waitFor(
        async () => {
          const present = new Set((await pipeline.rows(table)).map((r) => r.event_id as string));
          return [...load.accepted].every((id) => present.has(id));
        },
        { description: `every acknowledged event in ${table}`, timeoutMs: 60_000, intervalMs: 500 },
      );
      const rows = await pipeline.rows(table);
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
    }
  }, 150_000);
});
