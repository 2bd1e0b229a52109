import { encodeEvents, type EncodedEvents } from '@pushrail/events';
import { readDeliverPayload } from '@pushrail/queue';
import type { Job, JobJsonRaw } from 'bullmq';
import { PacedWorker } from './paced-worker';

/** A `deliver` job's payload as the worker holds it: its events encoded, or why the payload cannot be read. */
export type DeliverJobData = { ok: true; events: EncodedEvents } | { ok: false; problem: string; raw: unknown };

/** Reads a `deliver` payload into the form the worker holds (never throws: a bad payload is data too). */
export function toDeliverJobData(data: unknown): DeliverJobData {
  const read = readDeliverPayload(data);
  return read.ok ? { ok: true, events: encodeEvents(read.payload.events) } : { ok: false, problem: read.problem, raw: data };
}

/**
 * The worker of one destination's queue. Each job's payload is read and its
 * events encoded (EncodedEvents) the moment BullMQ makes the job, so the
 * parsed objects die young: a job waits in the batcher and in its statement
 * for up to a second and more, and held as objects its events were what V8
 * spent most of its collection time copying (bench/RESULTS.md, session 4).
 */
export class DeliveryWorker extends PacedWorker {
  // BullMQ's one place where a fetched job is made (protected), after it parsed the job's data.
  protected override createJob(raw: JobJsonRaw, jobId: string): Job {
    const job = super.createJob(raw, jobId);
    job.data = toDeliverJobData(job.data);
    return job;
  }
}
