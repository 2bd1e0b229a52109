import type { Redis } from 'ioredis';
import { workIndexKey } from './redis-keys';

/**
 * Records that a destination has work ready at `readyAtMs` (0 = now). `LT`
 * keeps an earlier time already there: new work never waits behind a backoff.
 */
export async function markHasWork(redis: Redis, prefix: string, destinationId: string, readyAtMs: number): Promise<void> {
  await redis.zadd(workIndexKey(prefix), 'LT', readyAtMs, destinationId);
}
