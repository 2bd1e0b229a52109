import { randomUUID } from 'node:crypto';
import type { LoadedDestination } from '@pushrail/control-db';
import { assertNever, DeliveryError, isDeliveryError, type DestinationWriter } from '@pushrail/destination-core';
import { providerOf } from '@pushrail/destinations';
import type { Logger, PushrailMetrics } from '@pushrail/observability';
import { MAX_LOGGED_IDS, scrubSecrets, toError } from '@pushrail/observability';
import { destinationQueueName, UNREADABLE_EVENT_ID, type DeliveryStats } from '@pushrail/queue';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  backoffStrategy,
  LIMITER,
  IDLE_FETCH_DELAY_MS,
  LOCK_DURATION_MS,
  MAX_RATE_LIMIT_DELAY_MS,
  MAX_STALLED_COUNT,
  STALLED_INTERVAL_MS,
} from './bullmq-settings';
import type { DestinationHealth } from './destination-health';
import { failedEventsOf, type DeadLetterSink, type FailedEvent } from './dead-letter-sink';
import { deliverBatch } from './deliver-batch';
import { EventBatcher, type BatchPart } from './event-batcher';
import { DeliveryWorker, type DeliverJobData } from './delivery-worker';
import { failedReason } from './job-failure';

export interface ConsumerDeps {
  redis: Redis;
  prefix: string;
  deadLetters: DeadLetterSink;
  /** The destination status's counters: one call per batch, best effort (never fails a committed batch). */
  stats?: DeliveryStats;
  metrics: PushrailMetrics;
  logger: Logger;
  allowPrivateHosts: boolean;
  /** Jobs one destination's worker holds at most (alone in its process): enough to fill its batches. */
  jobConcurrency: number;
  /** How long transient failures are retried before the events are dead-lettered, in milliseconds. */
  retryWindowMs: number;
  health: DestinationHealth;
}

/**
 * The fields that tie a batch's log line to the requests it came from: jobs,
 * request ids, event ids and the clients' correlation ids (bounded, so a line stays small).
 */
export function batchLogFields(parts: BatchPart[]): Record<string, unknown> {
  const eventIds: string[] = [];
  const correlationIds = new Set<string>();
  const requestIds = new Set<string>();
  let events = 0;
  for (const part of parts) {
    for (const requestId of part.events.requestIds ?? []) if (requestIds.size < MAX_LOGGED_IDS) requestIds.add(requestId);
    const { ids, correlationIds: partCorrelationIds } = part.events;
    events += ids.length;
    for (let i = 0; i < ids.length && eventIds.length < MAX_LOGGED_IDS; i++) eventIds.push(ids[i]!);
    for (const correlationId of partCorrelationIds) {
      if (correlationIds.size >= MAX_LOGGED_IDS) break;
      if (correlationId) correlationIds.add(correlationId);
    }
  }
  return { jobIds: parts.map((p) => p.jobId), requestIds: [...requestIds], eventCount: events, eventIds, correlationIds: [...correlationIds] };
}

/**
 * Delivers one destination's queue while this process holds its lease: a
 * BullMQ worker whose jobs hand their events to a batcher, one pool of at
 * most `maxConnections` connections, and the backoff of the destination as a
 * whole when it fails.
 */
export class DestinationConsumer {
  readonly destinationId: string;
  readonly version: number;
  private readonly destination: DestinationWriter;
  private readonly batcher: EventBatcher;
  private readonly queue: Queue;
  private worker: DeliveryWorker | undefined;
  private lastActivityAt = Date.now();
  private activeJobs = 0;
  private failingSince: Date | undefined;
  /**
   * Whether a failure streak may be recorded in Redis for this destination:
   * true at start (an earlier holder may have left one) and after any failure.
   * A commit clears the streak only then, not with a Redis call per batch.
   */
  private streakMayExist = true;
  /** Jobs its BullMQ worker may hold now: the process's job budget split over its destinations. */
  private jobConcurrency: number;
  private readonly log: Logger;

  constructor(
    readonly loaded: LoadedDestination,
    private readonly deps: ConsumerDeps,
  ) {
    const { record, config } = loaded;
    this.destinationId = record.id;
    this.version = record.updatedAt.getTime();
    this.log = deps.logger.child({ destinationId: record.id });
    this.jobConcurrency = deps.jobConcurrency;
    this.destination = providerOf(config).createWriter(config, {
      allowPrivateHosts: deps.allowPrivateHosts,
      onConnectionError: (error) => this.log.warn({ err: error }, 'idle destination connection failed'),
    });
    this.queue = new Queue(destinationQueueName(record.id), { connection: deps.redis, prefix: deps.prefix });
    this.queue.on('error', () => undefined);
    this.batcher = new EventBatcher(
      {
        batchSize: config.batchSize,
        flushIntervalMs: config.flushIntervalSec * 1000,
        // Twice the connections: the next batches' parameters are built while the pool's connections
        // (at most maxConnections: the fleet-wide budget) are busy, instead of after (+5 % drain, bench/RESULTS.md).
        maxInFlight: config.maxConnections * 2,
        maxJobs: this.jobConcurrency,
      },
      async (parts) => {
        const started = performance.now();
        try {
          const report = await deliverBatch(parts, {
            destinationId: record.id,
            destination: this.destination,
            deadLetters: deps.deadLetters,
            metrics: deps.metrics,
          });
          this.failingSince = undefined;
          void deps.stats?.record(record.id, { delivered: report.inserted + report.skipped }).catch(() => undefined);
          if (this.streakMayExist) {
            this.streakMayExist = false;
            await deps.health.recordSuccess(record.id).catch((e) => {
              this.streakMayExist = true;
              this.log.warn({ err: toError(e) }, 'could not reset failure streak');
            });
          }
          // The fields walk every event of the batch: only when the line is written.
          if (this.log.isLevelEnabled('info')) {
            this.log.info(
              { ...batchLogFields(parts), ...report, durationMs: Math.round(performance.now() - started), outcome: 'committed' },
              'batch delivered',
            );
          }
        } catch (thrown) {
          const error = isDeliveryError(thrown) ? thrown : new DeliveryError('transient', toError(thrown).message, undefined);
          this.failingSince ??= new Date();
          this.streakMayExist = true;
          void deps.stats?.record(record.id, { error: { kind: error.kind, code: error.code, message: scrubSecrets(error.message) } }).catch(() => undefined);
          // Counted in events, so the error rate (errors ÷ (errors + delivered)) compares like with like.
          deps.metrics.deliveryErrors.inc(
            { destination_id: record.id, error_kind: error.kind },
            parts.reduce((n, p) => n + p.events.ids.length, 0),
          );
          this.log.warn(
            {
              ...batchLogFields(parts),
              durationMs: Math.round(performance.now() - started),
              outcome: error.kind,
              err: error,
            },
            'batch failed',
          );
          throw error;
        }
      },
    );
  }

  start(): void {
    this.worker = new DeliveryWorker(
      destinationQueueName(this.destinationId),
      (job, token) => this.process(job, token),
      {
        connection: this.deps.redis,
        prefix: this.deps.prefix,
        concurrency: this.jobConcurrency,
        lockDuration: LOCK_DURATION_MS,
        stalledInterval: STALLED_INTERVAL_MS,
        maxStalledCount: MAX_STALLED_COUNT,
        limiter: LIMITER,
        maximumRateLimitDelay: MAX_RATE_LIMIT_DELAY_MS,
        settings: { backoffStrategy },
        // Short blocking waits keep an idle consumer responsive to stop().
        drainDelay: 1,
      },
      IDLE_FETCH_DELAY_MS,
    );
    this.worker.on('error', (error) => this.log.warn({ err: error }, 'destination worker error'));
  }

  /** Jobs its BullMQ worker may hold now. */
  get heldJobLimit(): number {
    return this.jobConcurrency;
  }

  /** Changes the jobs its BullMQ worker may hold (jobs held beyond a lowered limit finish first). */
  setJobConcurrency(jobs: number): void {
    if (jobs === this.jobConcurrency) return;
    this.jobConcurrency = jobs;
    if (this.worker) this.worker.concurrency = jobs;
    this.batcher.setMaxJobs(jobs);
  }

  /** No job held and nothing processed for this long, in milliseconds. */
  idleForMs(now = Date.now()): number {
    return this.activeJobs > 0 || this.batcher.busy ? 0 : now - this.lastActivityAt;
  }

  private async process(job: Job, _token?: string): Promise<void> {
    this.activeJobs++;
    this.lastActivityAt = Date.now();
    try {
      await this.deliverJob(job);
    } finally {
      this.activeJobs--;
      this.lastActivityAt = Date.now();
    }
  }

  private async deliverJob(job: Job): Promise<void> {
    const jobId = job.id ?? randomUUID();
    // Read and encoded when BullMQ made the job (DeliveryWorker).
    const read = job.data as DeliverJobData;
    if (!read.ok) {
      // Not something a retry can fix: keep the payload as it is, for an operator to read.
      const error = new DeliveryError('permanent', `invalid job payload: ${read.problem}`, 'INVALID_JOB_PAYLOAD');
      await this.deadLetterJob(job, [{ jobId, event: { id: UNREADABLE_EVENT_ID, raw: read.raw } }], error);
      throw new UnrecoverableError(failedReason(error));
    }
    const events = read.events;
    try {
      await this.batcher.submit(jobId, events);
    } catch (thrown) {
      const error = isDeliveryError(thrown) ? thrown : new DeliveryError('transient', scrubSecrets(toError(thrown).message));
      // Decoded only on the way to a dead letter (the transient case below does not need them).
      const failed = (): FailedEvent[] => failedEventsOf(jobId, events);
      switch (error.kind) {
        case 'transient': {
          if (Date.now() - job.timestamp > this.deps.retryWindowMs) {
            const expired = new DeliveryError('transient', `still failing after the retry window: ${error.message}`, error.code);
            await this.deadLetterJob(job, failed(), expired);
            throw new UnrecoverableError(failedReason(expired));
          }
          // Back the whole destination off: its queue hands out no job until the delay is over,
          // and this job goes back to wait without using an attempt.
          const delay = await this.deps.health.recordTransientFailure(this.destinationId, this.queue);
          this.streakMayExist = true;
          if (delay > 0) {
            this.deps.metrics.deliveryRetries.inc({ destination_id: this.destinationId });
            this.log.info({ retryInMs: delay, code: error.code }, 'destination backed off');
          }
          throw Worker.RateLimitError();
        }
        case 'permanent':
        case 'bad_row':
          await this.deadLetterJob(job, failed(), error);
          await this.deps.health
            .recordPermanentFailure(this.destinationId, error.message, this.queue)
            .catch((e) => this.log.warn({ err: toError(e) }, 'auto-pause check failed'));
          this.streakMayExist = true;
          throw new UnrecoverableError(failedReason(error));
        default:
          assertNever(error.kind);
      }
    }
  }

  /** Dead-letters before the job fails, so no crash can fail a job without its dead letters. */
  private async deadLetterJob(job: Job, failed: FailedEvent[], error: DeliveryError): Promise<void> {
    await this.deps.deadLetters.record(this.destinationId, failed, {
      kind: error.kind,
      code: error.code,
      message: error.message,
      attempts: Math.max(1, job.attemptsStarted),
      firstFailedAt: this.failingSince ?? new Date(),
    });
  }

  /** Writes what it holds, finishes the jobs in hand and closes its connections. */
  async stop(): Promise<void> {
    this.batcher.flushAll();
    await this.worker?.close();
    await this.queue.close();
    await this.destination.close();
  }
}
