import type { Redis } from 'ioredis';

export interface RedisSettingsReport {
  /** False when eviction could silently drop queued jobs. */
  evictionSafe: boolean;
  /** False when a Redis restart loses the last writes (no AOF). */
  durable: boolean;
  messages: string[];
}

/**
 * BullMQ needs `maxmemory-policy noeviction` (an evicted key is a lost job);
 * a 202 is only durable with AOF (`appendonly yes`, best with `appendfsync always`).
 */
export async function checkRedisSettings(redis: Redis): Promise<RedisSettingsReport> {
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
  return { evictionSafe, durable, messages };
}
