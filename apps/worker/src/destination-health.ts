import type { ControlDb } from '@pushrail/control-db';
import type { Logger } from '@pushrail/observability';
import { backoffRoundKey, backoffRoundsKey, failingSinceKey, retryDelayMs } from '@pushrail/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** Longest the failure counters live without news, in milliseconds (a day). */
const COUNTER_TTL_MS = 24 * 3_600_000;

/**
 * What a destination's recent failures mean, kept in Redis so it survives a
 * lease moving to another worker:
 * - transient failures back the destination off as a whole, exponentially
 *   (its queue is rate-limited; jobs wait without using attempts);
 * - permanent failures with no success for `autoPauseAfterMs` pause it, so
 *   later events wait in its queue instead of piling into the dead-letter table;
 * - any committed batch ends both streaks.
 */
export class DestinationHealth {
  constructor(
    private readonly deps: { db: ControlDb; redis: Redis; prefix: string; logger: Logger },
    private readonly autoPauseAfterMs: number,
  ) {}

  async recordSuccess(destinationId: string): Promise<void> {
    const { redis, prefix } = this.deps;
    await redis.del(failingSinceKey(prefix, destinationId), backoffRoundsKey(prefix, destinationId));
  }

  /**
   * Starts a backoff round unless one is running (batches in flight together
   * fail together and count once). Returns the delay it started, in
   * milliseconds, or 0 when a round was already running.
   */
  async recordTransientFailure(destinationId: string, queue: Queue): Promise<number> {
    const { redis, prefix } = this.deps;
    const rounds = Number(await redis.get(backoffRoundsKey(prefix, destinationId))) || 0;
    const delay = retryDelayMs(rounds + 1);
    if ((await redis.set(backoffRoundKey(prefix, destinationId), '1', 'PX', delay, 'NX')) !== 'OK') return 0;
    await redis.multi().incr(backoffRoundsKey(prefix, destinationId)).pexpire(backoffRoundsKey(prefix, destinationId), COUNTER_TTL_MS).exec();
    await queue.rateLimit(delay);
    return delay;
  }

  /** Records a permanent failure; pauses the destination when the streak is long enough. Returns true if it paused. */
  async recordPermanentFailure(destinationId: string, reason: string, queue: Queue): Promise<boolean> {
    const key = failingSinceKey(this.deps.prefix, destinationId);
    const now = Date.now();
    await this.deps.redis.set(key, String(now), 'PX', COUNTER_TTL_MS, 'NX');
    const since = Number(await this.deps.redis.get(key)) || now;
    if (now - since < this.autoPauseAfterMs) return false;
    const minutes = Math.round((now - since) / 60_000);
    const message = `paused after ${minutes} min of permanent failures: ${reason}`;
    await this.deps.db.setDestinationPaused(destinationId, { reason: 'failures', message });
    await queue.pause();
    await this.deps.redis.del(key);
    this.deps.logger.warn({ destinationId, reason }, 'destination paused by failures');
    return true;
  }
}
