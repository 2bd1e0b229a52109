import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type Job, type Processor, type RedisClient, type WorkerOptions } from 'bullmq';
import { dropErrorsAfterClose } from './errors-after-close';

/**
 * A BullMQ worker that, having found its queue empty, waits
 * `idleFetchDelayMs` before it looks again.
 *
 * Why: BullMQ fetches a job the moment one is added. When jobs trickle in
 * (single events: a group-commit round every few milliseconds, each its own
 * small job), every job then costs a blocking wait (BZPOPMIN), the fetch that
 * finds it and one more that finds the queue empty: 3.7 Redis calls per job
 * with the completion, measured in the bench. The batcher holds jobs for up
 * to a second anyway, so fetching them a few milliseconds later changes no
 * batch, and the jobs that arrived meanwhile are fetched back to back, most
 * of them by the completion of the one before (1.6 calls per job measured:
 * bench/RESULTS.md, change M).
 *
 * The delay only follows a fetch that found nothing: a queue with a backlog
 * is fetched from without pause. It adds at most `idleFetchDelayMs` to an
 * event's time from received to committed.
 */
export class PacedWorker extends Worker {
  constructor(
    name: string,
    processor: Processor,
    options: WorkerOptions,
    /** Wait after a fetch that found the queue empty, in milliseconds (0: BullMQ's own behaviour). */
    private readonly idleFetchDelayMs: number,
  ) {
    super(name, processor, options);
    // It may be closed the moment it is made (a destination leased and given back at once).
    dropErrorsAfterClose(this);
  }

  /** Ends a delay in progress at once, so closing is not held up by it. */
  private readonly delayEnded = new AbortController();

  override close(force = false): Promise<void> {
    this.delayEnded.abort();
    return super.close(force);
  }

  // The one fetch BullMQ lets a subclass wrap (protected; BULLMQ_CHECKED_VERSION); the blocking wait that follows it is not.
  protected override async moveToActive(client: RedisClient, token: string, name?: string): Promise<Job> {
    const job = await super.moveToActive(client, token, name);
    if (!job && this.idleFetchDelayMs > 0 && !this.delayEnded.signal.aborted) {
      await sleep(this.idleFetchDelayMs, undefined, { signal: this.delayEnded.signal }).catch(() => undefined);
    }
    return job;
  }
}
