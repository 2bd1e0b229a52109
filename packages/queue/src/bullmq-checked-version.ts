/**
 * The BullMQ version whose internals Pushrail reaches into, each in one file
 * named for what it works around, kept because bench/RESULTS.md shows what
 * it buys:
 *
 * - `Job.addJob` (packages/queue/src/add-job-and-mark.ts): the job and its
 *   work-index entry in one round trip (RESULTS.md, change H);
 * - `Worker.createJob`, protected (apps/worker/src/delivery-worker.ts): the
 *   worker reads a job's text itself, without parsing its events (RESULTS.md,
 *   "worker reads job text");
 * - `Worker.moveToActive`, protected (apps/worker/src/paced-worker.ts):
 *   paced fetching (RESULTS.md, change M);
 * - `Worker.blockingConnection`, private (apps/worker/src/errors-after-close.ts):
 *   taskforcesh/bullmq#3546.
 *
 * A test fails when the installed BullMQ is another version, so an upgrade
 * re-checks each of these before it lands.
 */
export const BULLMQ_CHECKED_VERSION = '5.81.5';
