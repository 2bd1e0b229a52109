import { readDeliverPayload, type DeliverPayloadRead } from '@pushrail/queue';
import type { Job, JobJsonRaw } from 'bullmq';
import { PacedWorker } from './paced-worker';

/** A `deliver` job's payload as the worker holds it: its events encoded, or why the payload cannot be read. */
export type DeliverJobData = DeliverPayloadRead;

/**
 * The worker of one destination's queue. It reads each job's data itself,
 * from the JSON text Redis holds, instead of letting BullMQ parse it: the
 * envelopes stay the text they are (EncodedEvents) until PostgreSQL parses
 * them, and only the ids, receive times and correlation ids are parsed here
 * (readDeliverPayload). Parsing every event into objects, holding them
 * for a second or more while the batch fills and commits, and walking them
 * again to build the statement was most of the worker's CPU per event
 * (bench/RESULTS.md, "worker reads job text").
 */
export class DeliveryWorker extends PacedWorker {
  // BullMQ's one place where a fetched job is made (protected; BULLMQ_CHECKED_VERSION). It would JSON.parse `data`; it gets '{}' instead.
  protected override createJob(raw: JobJsonRaw, jobId: string): Job {
    const job = super.createJob({ ...raw, data: '{}' }, jobId);
    job.data = readJobData(raw.data);
    return job;
  }
}

/** Never throws: a payload that cannot be read is dead-lettered by the consumer, as it is. */
function readJobData(text: string | undefined): DeliverJobData {
  if (typeof text !== 'string') return { ok: false, problem: 'no data', raw: null };
  return readDeliverPayload(text);
}
