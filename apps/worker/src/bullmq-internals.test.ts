import { readFileSync } from 'node:fs';
import { BULLMQ_CHECKED_VERSION } from '@pushrail/queue';
import { Job, Worker } from 'bullmq';

/**
 * The BullMQ internals Pushrail reaches into (BULLMQ_CHECKED_VERSION lists
 * them and why): an upgrade must re-check each, so this fails first.
 * Their behaviour is tested against a real Redis where each is used
 * (paced-worker.int.test.ts, errors-after-close.int.test.ts, the worker's
 * delivery tests, event-producer.int.test.ts).
 */
describe('BullMQ internals in use', () => {
  it('is the BullMQ version they were checked against', () => {
    const installed = JSON.parse(readFileSync(require.resolve('bullmq/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(BULLMQ_CHECKED_VERSION);
  });

  it('still has the methods that are overridden or called', () => {
    const worker = Worker.prototype as unknown as Record<string, unknown>;
    expect(typeof worker.createJob).toBe('function'); // delivery-worker.ts
    expect(typeof worker.moveToActive).toBe('function'); // paced-worker.ts
    expect(typeof (Job.prototype as unknown as Record<string, unknown>).addJob).toBe('function'); // add-job-and-mark.ts
  });
});
