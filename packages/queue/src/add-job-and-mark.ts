import { Job, type JobsOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliverPayload } from './deliver-payload';
import { DELIVER_JOB } from './job-catalogue';
import { markHasWork } from './work-index';

/**
 * A `deliver` job and its work-index entry in ONE round trip: BullMQ's add
 * script (`Job.addJob`, the call `Queue.add` makes, public on Job but with
 * internal options; checked against BULLMQ_CHECKED_VERSION) and the ZADD are
 * written to the connection back to back in the same tick, and the caller
 * waits for both replies at once instead of one after the other
 * (bench/RESULTS.md, change H). Redis runs one connection's commands in the
 * order they came, so the entry still lands after the job. Single-node Redis
 * only: a cluster may hold the two keys on different nodes.
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
export async function addJobAndMark(
  queue: Queue,
  redis: Redis,
  prefix: string,
  destinationId: string,
  data: DeliverPayload,
  opts: JobsOptions,
): Promise<string> {
  const client = await queue.client;
  const job = new Job(queue, DELIVER_JOB.name, data, opts, opts.jobId);
  // Both commands are written synchronously, in this order, before either call returns.
  const added = job.addJob(client, { parentDependenciesKey: '' });
  const marked = markHasWork(redis, prefix, destinationId, 0);
  const [jobId] = await Promise.all([added, marked]);
  return jobId;
}
