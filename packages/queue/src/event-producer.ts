import type { QueuedEvent } from '@pushrail/events';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { addJobAndMark } from './add-job-and-mark';
import { toDeliverPayload } from './deliver-payload';
import { DELIVER_JOB } from './job-catalogue';
import { destinationQueueName, workIndexKey } from './redis-keys';
import { markHasWork } from './work-index';

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
  async enqueue(destinationId: string, events: QueuedEvent[], options: { jobId?: string; requestIds?: readonly string[] } = {}): Promise<string> {
    const queue = this.queueFor(destinationId);
    const opts = { ...DELIVER_JOB.options, ...(options.jobId !== undefined ? { jobId: options.jobId } : {}) };
    const data = toDeliverPayload(events, options.requestIds);
    if (this.redis.isCluster) {
      // The work index and the queue live in different hash slots: two commands, in order.
      const job = await queue.add(DELIVER_JOB.name, data, opts);
      await markHasWork(this.redis, this.prefix, destinationId, 0);
      return job.id!;
    }
    return addJobAndMark(queue, this.redis, this.prefix, destinationId, data, opts);
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
