import { redisCommand, startRedisCluster, startRedisServer, waitFor, type RedisCluster, type RedisServer } from '@pushrail/testing';
import type { Redis } from 'ioredis';
import { createRedisConnection } from './redis-connection';
import { checkRedisSettings } from './redis-settings-check';
import { ReplicaAcknowledger, ReplicasNotReachedError } from './replica-ack';

/** Short, so a WAIT that cannot be satisfied fails quickly here; in milliseconds. */
const TIMEOUT_MS = 300;

async function waitForLinkUp(replica: RedisServer): Promise<void> {
  await waitFor(async () => String(await redisCommand(replica.host, replica.port, 'INFO', 'replication')).includes('master_link_status:up'), {
    description: `replica ${replica.port} to sync`,
    timeoutMs: 20_000,
  });
}

async function waitCalls(server: { host: string; port: number }): Promise<number> {
  const stats = String(await redisCommand(server.host, server.port, 'INFO', 'commandstats'));
  return Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('ReplicaAcknowledger on a primary with one replica', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    primary = await startRedisServer();
    replica = await startRedisServer({ extraArgs: ['--replicaof', '127.0.0.1', String((primary as RedisServer).port)] });
    await waitForLinkUp(replica);
    redis = createRedisConnection(primary.url, 'producer');
    redis.on('error', () => undefined);
    await waitFor(() => redis.status === 'ready', { description: 'the producer connection' });
  });

  afterAll(async () => {
    redis?.disconnect();
    await replica?.destroy();
    await primary?.destroy();
  });

  it('checkRedisSettings says so at boot when fewer replicas are attached than PUSHRAIL_REDIS_MIN_REPLICAS', async () => {
    const replicaMessages = async (minReplicas: number) =>
      (await checkRedisSettings(redis, { minReplicas })).messages.filter((m) => m.includes('PUSHRAIL_REDIS_MIN_REPLICAS'));
    expect(await replicaMessages(1)).toEqual([]);
    expect(await replicaMessages(0)).toEqual([]);
    expect(await replicaMessages(2)).toEqual([
      'Redis has 1 replica(s) attached and PUSHRAIL_REDIS_MIN_REPLICAS is 2: every event is refused (503) until 2 are attached',
    ]);
  });

  it('confirms writes the replica has, and shares one WAIT among the writes done while another is out', async () => {
    const acks = new ReplicaAcknowledger(redis, { minReplicas: 1, timeoutMs: TIMEOUT_MS });
    const before = await waitCalls(primary);
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        await redis.set(`ack-test:${i}`, 'x');
        await acks.confirm(['d']);
      }),
    );
    const waits = (await waitCalls(primary)) - before;
    expect(waits).toBeGreaterThanOrEqual(1);
    // One for the first write, one for all that finished while it was out (a slow turn may split them once more).
    expect(waits).toBeLessThanOrEqual(3);
    expect(await redisCommand(replica.host, replica.port, 'GET', 'ack-test:49')).toBe('x');
  });

  it('refuses to confirm while the replica is killed, and confirms again once it is back', async () => {
    const acks = new ReplicaAcknowledger(redis, { minReplicas: 1, timeoutMs: TIMEOUT_MS });
    await replica.kill();
    await redis.set('ack-test:alone', 'x');
    const started = performance.now();
    await expect(acks.confirm(['d'])).rejects.toBeInstanceOf(ReplicasNotReachedError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    // Two replicas wanted, one exists: never confirmed either.
    await replica.start();
    await waitForLinkUp(replica);
    await expect(new ReplicaAcknowledger(redis, { minReplicas: 2, timeoutMs: TIMEOUT_MS }).confirm(['d'])).rejects.toThrow('reached 1 of 2');
    await redis.set('ack-test:again', 'x');
    await expect(acks.confirm(['d'])).resolves.toBeUndefined();
  });
});

describe('ReplicaAcknowledger on a Redis Cluster of 3 masters with a replica each', () => {
  let cluster: RedisCluster;
  let redis: Redis;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 });
    redis = createRedisConnection(`redis+cluster://${cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`, 'producer');
    redis.on('error', () => undefined);
    await waitFor(() => redis.status === 'ready', { description: 'the cluster connection', timeoutMs: 20_000 });
  }, 60_000);

  afterAll(async () => {
    redis?.disconnect();
    await cluster?.destroy();
  });

  it('waits on the shard each destination lives on: a shard whose replica is killed refuses, the others confirm', async () => {
    const seed = cluster.nodes[0]!;
    const slots = (await redisCommand(seed.host, seed.port, 'CLUSTER', 'SLOTS')) as unknown as Array<[number, number, [string, number], [string, number]]>;
    const shardOf = async (id: string) => {
      const slot = Number(await redisCommand(seed.host, seed.port, 'CLUSTER', 'KEYSLOT', id));
      return slots.find(([from, to]) => slot >= from && slot <= to)!;
    };
    // Two destination ids on different shards.
    const first = 'dest-a';
    const firstShard = await shardOf(first);
    let second = '';
    for (let i = 0; !second; i++) if ((await shardOf(`dest-b${i}`))[2][1] !== firstShard[2][1]) second = `dest-b${i}`;
    const acks = new ReplicaAcknowledger(redis, { minReplicas: 1, timeoutMs: TIMEOUT_MS });
    await redis.set(`{${first}}:k`, 'x');
    await redis.set(`{${second}}:k`, 'x');
    await expect(acks.confirm([first, second])).resolves.toBeUndefined();

    const replicaPort = firstShard[3][1];
    await cluster.servers.find((s) => s.port === replicaPort)!.kill();
    await redis.set(`{${first}}:k`, 'y');
    await redis.set(`{${second}}:k`, 'y');
    await expect(acks.confirm([second])).resolves.toBeUndefined();
    await expect(acks.confirm([first])).rejects.toBeInstanceOf(ReplicasNotReachedError);
    await expect(acks.confirm([first, second])).rejects.toBeInstanceOf(ReplicasNotReachedError);
  });
});
