import { destinationQueueName, markHasWork } from '@pushrail/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LIMITER } from './bullmq-settings';

/**
 * Looks at a destination's queue and, when it holds work, writes the
 * destination's work-index entry: ready now (or when its backoff ends) for
 * waiting or active jobs, at the next delayed job's time otherwise. A paused
 * queue gets none (resume writes it). Returns whether it wrote one.
 *
 * Used after a worker removed the entry to give a destination back (a job
 * that arrived meanwhile must not be left without one), and by the periodic
 * work-index audit.
 */
export async function restoreWorkIndexEntry(redis: Redis, prefix: string, destinationId: string): Promise<boolean> {
  const queue = new Queue(destinationQueueName(destinationId), { connection: redis, prefix });
  try {
    const [counts, paused] = await Promise.all([queue.getJobCounts('wait', 'prioritized', 'active', 'delayed'), queue.isPaused()]);
    if (paused) return false;
    if ((counts.wait ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0) > 0) {
      const backoff = Math.max(0, await queue.getRateLimitTtl(LIMITER.max));
      await markHasWork(redis, prefix, destinationId, backoff > 0 ? Date.now() + backoff : 0);
      return true;
    }
    if ((counts.delayed ?? 0) > 0) {
      const [next] = await queue.getDelayed(0, 0);
      await markHasWork(redis, prefix, destinationId, next ? next.timestamp + next.delay : Date.now() + 1_000);
      return true;
    }
    return false;
  } finally {
    await queue.close();
  }
}
