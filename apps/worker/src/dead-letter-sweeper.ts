import { deleteResolvedDeadLetters, type ControlDb } from '@pushrail/control-db';
import type { Logger } from '@pushrail/observability';
import { deadLetterSweeperLockKey, destinationQueueName, failedSetKey, readDeliverPayload, sweptUpToKey, UNREADABLE_EVENT_ID } from '@pushrail/queue';
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { failedEventsOf, type DeadLetterSink, type FailedEvent } from './dead-letter-sink';
import { FleetPeriodicTask } from './fleet-periodic-task';
import { parseFailedReason } from './job-failure';

/** Failed jobs read per destination per round. */
const PAGE = 200;

/**
 * Batches of DEAD_LETTER_BATCH (1,000) rows the retention step deletes per
 * pass at most: 10,000 rows every PUSHRAIL_SWEEP_INTERVAL_SEC, each batch its
 * own short statement; a larger backlog is worked off over the next passes.
 */
const RETENTION_BATCHES_PER_PASS = 10;

/** Events of a failed job's payload, whatever shape it has (an invalid payload is kept as one raw entry). */
function eventsOf(job: Job): FailedEvent[] {
  const jobId = job.id ?? 'unknown';
  // BullMQ hands failed jobs over parsed; the one reader takes the text.
  const read = readDeliverPayload(JSON.stringify(job.data));
  if (read.ok) return failedEventsOf(jobId, read.events);
  return [{ jobId, event: { id: UNREADABLE_EVENT_ID, raw: job.data } }];
}

/**
 * Reconciles BullMQ's failed sets with the dead-letter table. Workers write
 * dead letters before they fail a job, so this finds only what a crash or an
 * outside cause (a job failed by BullMQ itself) left behind; mirroring twice
 * is a no-op. One sweeper runs at a time across the fleet (a Redis lock).
 */
export class DeadLetterSweeper extends FleetPeriodicTask<number> {
  constructor(
    private readonly deps: {
      db: ControlDb;
      redis: Redis;
      prefix: string;
      deadLetters: DeadLetterSink;
      logger: Logger;
      /** How long a dead letter is kept after it is redriven or discarded, in milliseconds (PUSHRAIL_DEAD_LETTER_RETENTION_DAYS). */
      retentionMs?: number;
    },
    intervalMs: number,
  ) {
    super(
      { redis: deps.redis, lockKey: deadLetterSweeperLockKey(deps.prefix), intervalMs, logger: deps.logger, failureMessage: 'dead-letter sweep failed' },
      0,
    );
  }

  /** One pass over every destination; returns how many failed jobs it mirrored (0 when another worker is sweeping). */
  sweepOnce(): Promise<number> {
    return this.runOnce();
  }

  protected async pass(): Promise<number> {
    let mirrored = 0;
    for (const destination of await this.deps.db.listDestinations()) {
      mirrored += await this.sweepDestination(destination.id);
    }
    await this.deleteExpired();
    return mirrored;
  }

  /** The retention step: dead letters redriven or discarded longer ago than the retention period are deleted, in small batches. */
  async deleteExpired(now = Date.now()): Promise<number> {
    if (this.deps.retentionMs === undefined) return 0;
    const deleted = await deleteResolvedDeadLetters(this.deps.db, new Date(now - this.deps.retentionMs), RETENTION_BATCHES_PER_PASS);
    if (deleted > 0) this.deps.logger.info({ deleted, retentionDays: this.deps.retentionMs / 86_400_000 }, 'expired dead letters deleted');
    return deleted;
  }

  private async sweepDestination(destinationId: string): Promise<number> {
    const { redis, prefix } = this.deps;
    const cursorKey = sweptUpToKey(prefix, destinationId);
    const cursor = (await redis.get(cursorKey)) ?? '-inf';
    // Inclusive: jobs that finished in the same millisecond as the cursor are mirrored again, harmlessly.
    const page = await redis.zrangebyscore(failedSetKey(prefix, destinationId), cursor, '+inf', 'WITHSCORES', 'LIMIT', 0, PAGE);
    if (page.length === 0) return 0;
    const queue = new Queue(destinationQueueName(destinationId), { connection: redis, prefix });
    let count = 0;
    let highest = cursor;
    try {
      for (let i = 0; i < page.length; i += 2) {
        const job = await Job.fromId(queue, page[i]!);
        highest = page[i + 1]!;
        if (!job) continue;
        const reason = parseFailedReason(job.failedReason);
        await this.deps.deadLetters.record(destinationId, eventsOf(job), {
          kind: reason.kind,
          code: reason.code,
          message: reason.message,
          attempts: Math.max(1, job.attemptsStarted || job.attemptsMade),
          firstFailedAt: new Date(job.processedOn ?? job.timestamp),
        });
        count++;
      }
    } finally {
      await queue.close();
    }
    await redis.set(cursorKey, highest);
    return count;
  }
}
