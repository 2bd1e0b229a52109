import { redisCommand, startRedisServer, waitFor } from '@pushrail/testing';
import type { BenchStack } from '../bench-stack';
import type { Measurement, RunSize } from '../measurement';
import { SINGLE_BODY } from '../sample-event';
import { SINGLE_CONNECTIONS } from './e2e-single';
import { measureEndToEnd } from './end-to-end';

/**
 * What PUSHRAIL_REDIS_MIN_REPLICAS=1 costs a request: the single-event line
 * with a replica attached to the bench's Redis (AOF everysec, like the
 * primary), once acknowledged by the primary alone (MIN_REPLICAS=0) and once
 * only after the replica has the write (MIN_REPLICAS=1: one WAIT per
 * group-commit round). Same load, same machine, one after the other.
 */
export async function runReplicated(stack: BenchStack, size: RunSize, cpuProfDir?: string): Promise<Measurement[]> {
  const replica = await startRedisServer({
    appendOnly: { fsync: 'everysec' },
    extraArgs: ['--replicaof', stack.redis.host, String(stack.redis.port)],
  });
  try {
    await waitFor(async () => String(await redisCommand(replica.host, replica.port, 'INFO', 'replication')).includes('master_link_status:up'), {
      description: 'the bench replica to sync',
      timeoutMs: 30_000,
    });
    const measure = (minReplicas: number) =>
      measureEndToEnd(
        stack,
        size,
        {
          key: `e2e.single.min-replicas-${minReplicas}`,
          label: `end to end: POST /v1/events, ${SINGLE_CONNECTIONS} connections, replica attached, MIN_REPLICAS=${minReplicas}`,
          path: '/v1/events',
          body: SINGLE_BODY,
          connections: SINGLE_CONNECTIONS,
          ingestEnv: { PUSHRAIL_REDIS_MIN_REPLICAS: String(minReplicas) },
        },
        cpuProfDir,
      );
    const without = await measure(0);
    await stack.settle();
    const withReplica = await measure(1);
    return [without, withReplica];
  } finally {
    await replica.destroy();
  }
}
