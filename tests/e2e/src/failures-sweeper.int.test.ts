import { DeliveryError } from '@pushrail/destination-core';
import { destinationQueueName } from '@pushrail/queue';
import { failedReason } from '@pushrail/worker';
import { waitFor } from '@pushrail/testing';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Pipeline, seedEvent } from './pipeline';

describe('the dead-letter sweeper', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('mirrors a job that failed without its dead letters (a worker killed between the two), once', async () => {
    // The state a worker leaves when it dies right after failing a job: the job is in the failed
    // set, the dead_letters table knows nothing of it.
    const answer = await pipeline.postBatch([seedEvent({ idempotencyKey: 'swept-1' }), seedEvent({ idempotencyKey: 'swept-2' })]);
    expect(answer.status).toBe(202);
    const queueName = destinationQueueName(pipeline.destinationId);
    const failingConnection = pipeline.redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    const failing = new Worker(queueName, async () => {
      throw new UnrecoverableError(failedReason(new DeliveryError('permanent', 'relation "pushrail.events" does not exist', '42P01')));
    }, { connection: failingConnection, prefix: pipeline.prefix });
    const queue = new Queue(queueName, { connection: pipeline.redis, prefix: pipeline.prefix });
    try {
      await waitFor(async () => (await queue.getJobCounts('failed')).failed === 1, { description: 'the job failed' });
    } finally {
      await failing.close();
      await queue.close();
      await failingConnection.quit();
    }
    expect(await pipeline.db.listDeadLetters({}, { limit: 10 })).toHaveLength(0);

    const worker = await pipeline.startWorker({ sweepIntervalMs: 60_000 });
    expect(await worker.sweeper.sweepOnce()).toBe(1);
    const letters = await pipeline.db.listDeadLetters({ destinationId: pipeline.destinationId }, { limit: 10 });
    expect(letters.map((l) => l.eventId).sort()).toEqual([...answer.body.eventIds].sort());
    expect(letters[0]).toMatchObject({ errorKind: 'permanent', errorCode: '42P01' });
    expect(letters[0]!.errorMessage).toContain('pushrail.events');

    // A second pass mirrors it again, harmlessly: still two dead letters.
    await worker.sweeper.sweepOnce();
    expect(await pipeline.db.listDeadLetters({}, { limit: 10 })).toHaveLength(2);
  });
});
