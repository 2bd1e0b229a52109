import type { Logger } from '@pushrail/observability';
import { toError } from '@pushrail/observability';
import type { Redis } from 'ioredis';

/** Shortest time a fleet lock is held before it expires on its own (a worker that died mid-pass), in milliseconds. */
const MIN_LOCK_TTL_MS = 5_000;

/**
 * A pass that one worker of the whole fleet runs at a time, every
 * `intervalMs` from each process: the pass runs under a Redis lock
 * (SET NX PX, expiring after the interval, at least 5 s), and a process
 * that finds the lock taken skips its turn. Failures are logged, not thrown.
 * A task (the dead-letter sweeper, the work-index audit) extends it with its
 * `pass`.
 */
export abstract class FleetPeriodicTask<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: {
      redis: Redis;
      /** The lock's key. */
      lockKey: string;
      intervalMs: number;
      logger: Logger;
      /** The warning logged when a pass fails, e.g. 'dead-letter sweep failed'. */
      failureMessage: string;
    },
    /** What runOnce answers when another worker holds the lock. */
    private readonly skipped: T,
  ) {}

  /** The work itself, run under the fleet lock. */
  protected abstract pass(): Promise<T>;

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.runOnce().catch((error) => this.options.logger.warn({ err: toError(error) }, this.options.failureMessage));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass now, under the lock; `skipped` when another worker holds it. */
  async runOnce(): Promise<T> {
    const { redis, lockKey, intervalMs } = this.options;
    if ((await redis.set(lockKey, '1', 'PX', Math.max(intervalMs, MIN_LOCK_TTL_MS), 'NX')) !== 'OK') return this.skipped;
    try {
      return await this.pass();
    } finally {
      await redis.del(lockKey);
    }
  }
}
