import { DeliveryError } from '@pushrail/destination-core';
import { sliceEncodedEvents, type EncodedEvents } from '@pushrail/events';

/** A slice of one job's events inside a batch. */
export interface BatchPart {
  jobId: string;
  events: EncodedEvents;
}

export interface EventBatcherOptions {
  /** Events per transaction at most. */
  batchSize: number;
  /** Longest the first event of a batch waits for it to fill, in milliseconds. */
  flushIntervalMs: number;
  /** Batches written at once (each holds one connection). */
  maxInFlight: number;
  /**
   * Jobs the caller can hold at once (its worker concurrency). When every one
   * of them waits in this batcher, no more events can arrive before the
   * window ends, so the open batch is written at once instead of waiting.
   */
  maxJobs?: number;
}

/** Writes one batch; resolves when it committed, rejects (DeliveryError) when nothing of it did. */
export type WriteBatch = (parts: BatchPart[]) => Promise<void>;

interface PendingJob {
  parts: number;
  error: Error | undefined;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Gathers events across jobs into batches of at most `batchSize`, written
 * when full or `flushIntervalMs` after the first event arrived. A job may
 * span batches; its promise settles when every part of it has been written,
 * and fails if any part failed. Jobs are completed by the caller only then,
 * so an event is never acknowledged before its row is committed.
 */
export class EventBatcher {
  private pending: BatchPart[] = [];
  private pendingEvents = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private closing = false;
  private readonly jobs = new Map<string, PendingJob>();

  constructor(
    private readonly options: EventBatcherOptions,
    private readonly write: WriteBatch,
  ) {}

  get busy(): boolean {
    return this.jobs.size > 0;
  }

  /** Follows a change of the caller's job concurrency (see `maxJobs`). */
  setMaxJobs(maxJobs: number): void {
    this.options.maxJobs = maxJobs;
    if (this.pendingEvents > 0 && this.jobs.size >= maxJobs) this.cut();
  }

  submit(jobId: string, events: EncodedEvents): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const job: PendingJob = { parts: 0, error: undefined, resolve, reject };
      this.jobs.set(jobId, job);
      const count = events.ids.length;
      let offset = 0;
      while (offset < count) {
        const room = this.options.batchSize - this.pendingEvents;
        const end = Math.min(count, offset + room);
        // A job that straddles a full batch is split (at most once per batch); one that fits is kept whole.
        let slice: EncodedEvents;
        try {
          slice = sliceEncodedEvents(events, offset, end);
        } catch (error) {
          // Envelopes that cannot be split as the ids say: no retry can fix it, and no part of it is queued yet.
          if (job.parts === 0) this.jobs.delete(jobId);
          job.error = new DeliveryError('permanent', `invalid job payload: ${(error as Error).message}`, 'INVALID_JOB_PAYLOAD');
          if (job.parts === 0) reject(job.error);
          break;
        }
        job.parts++;
        this.pending.push({ jobId, events: slice });
        this.pendingEvents += end - offset;
        offset = end;
        if (this.pendingEvents >= this.options.batchSize) this.cut();
      }
      if (this.pendingEvents > 0) {
        if (this.closing || this.jobs.size >= (this.options.maxJobs ?? Infinity)) this.cut();
        else this.timer ??= setTimeout(() => this.cut(), this.options.flushIntervalMs);
      }
      this.pump();
    });
  }

  /** Writes whatever is waiting now, and every later submit at once (shutdown, lease release). */
  flushAll(): void {
    this.closing = true;
    if (this.pendingEvents > 0) this.cut();
    this.pump();
  }

  private readonly ready: BatchPart[][] = [];

  /** Closes the open batch: it is written as soon as a connection slot is free. */
  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    this.ready.push(this.pending);
    this.pending = [];
    this.pendingEvents = 0;
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.ready.length > 0) {
      const batch = this.ready.shift()!;
      this.inFlight++;
      this.write(batch).then(
        () => this.settle(batch, undefined),
        (error: unknown) => this.settle(batch, error instanceof Error ? error : new Error(String(error))),
      );
    }
  }

  private settle(batch: BatchPart[], error: Error | undefined): void {
    this.inFlight--;
    for (const part of batch) {
      const job = this.jobs.get(part.jobId);
      if (!job) continue;
      job.error ??= error;
      if (--job.parts > 0) continue;
      this.jobs.delete(part.jobId);
      if (job.error) job.reject(job.error);
      else job.resolve();
    }
    this.pump();
  }
}
