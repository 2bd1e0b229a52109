import type { Cluster, Redis } from 'ioredis';
import { destinationQueueKeys } from './redis-keys';

/** What one destination's queue holds right now. */
export interface QueueStats {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Age of the oldest waiting job, in seconds (0 when none waits). */
  oldestWaitingAgeSec: number;
}

/**
 * Reads the queue figures of many destinations at once, straight from
 * BullMQ's keys (`<prefix>:<queue>:wait` is a list whose oldest job is at the
 * tail; a paused queue keeps its jobs in `:paused`). Commands are issued
 * together so ioredis pipelines them: one round trip for hundreds of queues.
 */
export async function readQueueStats(redis: Redis | Cluster, prefix: string, destinationIds: string[]): Promise<Map<string, QueueStats>> {
  const now = Date.now();
  const entries = await Promise.all(
    destinationIds.map(async (id) => {
      const keys = destinationQueueKeys(prefix, id);
      const [wait, paused, prioritized, active, delayed, failed, oldestWait, oldestPaused] = await Promise.all([
        redis.llen(keys.wait!),
        redis.llen(keys.paused!),
        redis.zcard(keys.prioritized!),
        redis.llen(keys.active!),
        redis.zcard(keys.delayed!),
        redis.zcard(keys.failed!),
        redis.lindex(keys.wait!, -1),
        redis.lindex(keys.paused!, -1),
      ]);
      const oldestId = oldestWait ?? oldestPaused;
      const enqueuedAt = oldestId ? Number(await redis.hget(`${keys['']}${oldestId}`, 'timestamp')) : NaN;
      const stats: QueueStats = {
        waiting: wait + paused + prioritized,
        active,
        delayed,
        failed,
        oldestWaitingAgeSec: Number.isFinite(enqueuedAt) ? Math.max(0, (now - enqueuedAt) / 1000) : 0,
      };
      return [id, stats] as const;
    }),
  );
  return new Map(entries);
}
