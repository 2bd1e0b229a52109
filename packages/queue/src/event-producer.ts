import type { QueuedEvent } from '@pushrail/events';
import { Job, Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { toDeliverPayload, type DeliverPayload } from './deliver-payload';
import { DELIVER_JOB } from './job-catalogue';
import { destinationQueueName, workIndexKey } from './queue-names';

/**
 * Puts events into destination queues: one BullMQ job per call, however many
 * events it carries, and marks the destination as having work so a worker
 * leases it.
 */
export class EventProducer {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly redis: Redis,
    /** Prefix of every key (BullMQ's `prefix`). */
    readonly prefix: string,
  ) {}

  /** The BullMQ queue of one destination (created once, sharing the producer's connection). */
  queueFor(destinationId: string): Queue {
    let queue = this.queues.get(destinationId);
    if (!queue) {
      queue = new Queue(destinationQueueName(destinationId), { connection: this.redis, prefix: this.prefix });
      // Errors surface on the awaited add; without a listener an 'error' event would be thrown.
      queue.on('error', () => undefined);
      // A queue whose first command failed (Redis away) stays broken: forget it so the next write makes a new one.
      const created = queue;
      created.waitUntilReady().catch(() => {
        if (this.queues.get(destinationId) === created) this.queues.delete(destinationId);
      });
      this.queues.set(destinationId, queue);
    }
    return queue;
  }

  /**
   * Resolves once the job is in Redis. The work-index entry is written after
   * the job, never before: a worker that sees the index empty and releases the
   * destination must then see the job in its queue (see destination-leases).
   */
  async enqueue(destinationId: string, events: QueuedEvent[], options: { jobId?: string } = {}): Promise<string> {
    const queue = this.queueFor(destinationId);
    const opts = { ...DELIVER_JOB.options, ...options };
    const data = toDeliverPayload(events);
    if (this.redis.isCluster) {
      // The work index and the queue live in different hash slots: two commands, in order.
      const job = await queue.add(DELIVER_JOB.name, data, opts);
      await markHasWork(this.redis, this.prefix, destinationId, 0);
      return job.id!;
    }
    return this.addAndMark(queue, destinationId, data, opts);
  }

  /**
   * The job and its work-index entry in ONE round trip: BullMQ's add script
   * (`Job.addJob`, the call `Queue.add` makes) and the ZADD are written to the
   * connection back to back in the same tick, and the caller waits for both
   * replies at once instead of one after the other (bench/RESULTS.md). Redis
   * runs one connection's commands in the order they came, so the entry still
   * lands after the job. Single-node Redis only: a cluster may hold the two
   * keys on different nodes.
   *
   * Not an ioredis pipeline object: each one copies the ~50 BullMQ scripts
   * defined on the connection, and those objects were most of what ingest
   * promoted to its old generation (bench/RESULTS.md, p99 ack).
   *
   * One ordering caveat: ioredis sends a script in full (EVAL) the first time
   * on each connection, so a NOSCRIPT reply, which would make it resend the
   * add after the ZADD, only happens if someone runs SCRIPT FLUSH on a live
   * Redis. The worker's periodic work-index check puts such a destination
   * back (docs/scaling.md).
   */
  private async addAndMark(queue: Queue, destinationId: string, data: DeliverPayload, opts: JobsOptions): Promise<string> {
    const client = await queue.client;
    const job = new Job(queue, DELIVER_JOB.name, data, opts, opts.jobId);
    // Both commands are written synchronously, in this order, before either call returns.
    const added = job.addJob(client, { parentDependenciesKey: '' });
    const marked = markHasWork(this.redis, this.prefix, destinationId, 0);
    const [jobId] = await Promise.all([added, marked]);
    return jobId;
  }

  /** Tells workers a destination has work now (after a resume or a redrive). */
  async signalWork(destinationId: string): Promise<void> {
    await markHasWork(this.redis, this.prefix, destinationId, 0);
  }

  /** Removes a deleted destination from the work index. */
  async removeFromWorkIndex(destinationId: string): Promise<void> {
    await this.redis.zrem(workIndexKey(this.prefix), destinationId);
  }

  /** Forgets a destination's queue object (after it is deleted). */
  async forget(destinationId: string): Promise<void> {
    const queue = this.queues.get(destinationId);
    this.queues.delete(destinationId);
    await queue?.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}

/**
 * Records that a destination has work ready at `readyAtMs` (0 = now). `LT`
 * keeps an earlier time already there: new work never waits behind a backoff.
 */
export async function markHasWork(redis: Redis, prefix: string, destinationId: string, readyAtMs: number): Promise<void> {
  await redis.zadd(workIndexKey(prefix), 'LT', readyAtMs, destinationId);
}
