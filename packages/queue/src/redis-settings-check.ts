import type { Cluster, Redis } from 'ioredis';

export interface RedisSettingsReport {
  /** False when eviction could silently drop queued jobs. */
  evictionSafe: boolean;
  /** False when a Redis restart loses the last writes (no AOF). */
  durable: boolean;
  messages: string[];
}

/** Replicas attached to the master (each master of a cluster), from `INFO replication`; undefined where INFO is refused. */
async function attachedReplicas(redis: Redis | Cluster): Promise<number[] | undefined> {
  const masters = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  try {
    return await Promise.all(masters.map(async (node) => Number(/^connected_slaves:(\d+)/m.exec(await node.info('replication'))?.[1] ?? 0)));
  } catch {
    return undefined; // managed Redis may refuse INFO
  }
}

/**
 * BullMQ needs `maxmemory-policy noeviction` (an evicted key is a lost job);
 * a 202 is only durable with AOF (`appendonly yes`, best with `appendfsync always`).
 * With `minReplicas` (PUSHRAIL_REDIS_MIN_REPLICAS) above 0, fewer replicas
 * attached than that is said too: until they are, every event is refused
 * with a 503 (docs/high-availability.md).
 */
export async function checkRedisSettings(redis: Redis, options: { minReplicas?: number } = {}): Promise<RedisSettingsReport> {
  const messages: string[] = [];
  const read = async (name: string): Promise<string | undefined> => {
    try {
      const reply = (await redis.config('GET', name)) as string[];
      return reply[1];
    } catch {
      return undefined; // managed Redis may refuse CONFIG
    }
  };
  const policy = await read('maxmemory-policy');
  const appendonly = await read('appendonly');
  const fsync = await read('appendfsync');
  const evictionSafe = policy === undefined || policy === 'noeviction';
  if (!evictionSafe) messages.push(`Redis maxmemory-policy is "${policy}"; it must be "noeviction" or queued events can be evicted`);
  const durable = appendonly === 'yes';
  if (!durable) messages.push('Redis runs without AOF (appendonly no): a Redis crash loses events already answered 202');
  else if (fsync !== 'always') messages.push(`Redis appendfsync is "${fsync}": a crash can lose up to a second of accepted events`);
  const minReplicas = options.minReplicas ?? 0;
  if (minReplicas > 0) {
    const attached = await attachedReplicas(redis);
    const fewest = attached === undefined ? undefined : Math.min(...attached);
    if (fewest !== undefined && fewest < minReplicas) {
      messages.push(
        `Redis has ${fewest} replica(s) attached${attached!.length > 1 ? ' on a master' : ''} and PUSHRAIL_REDIS_MIN_REPLICAS is ${minReplicas}: every event is refused (503) until ${minReplicas} are attached`,
      );
    }
  }
  return { evictionSafe, durable, messages };
}
