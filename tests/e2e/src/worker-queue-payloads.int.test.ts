import { randomUUID } from 'node:crypto';
import type { QueuedEvent } from '@pushrail/events';
import { DELIVER_JOB, destinationQueueName, markHasWork, toDeliverPayload } from '@pushrail/queue';
import { waitFor } from '@pushrail/testing';
import { Queue } from 'bullmq';
import { Pipeline, seedEvent } from './pipeline';

/** What the worker makes of each payload a `deliver` job can hold: bad queue data gets a clear dead letter, loses nothing. */
describe('the worker and the payloads in its queue', () => {
  let pipeline: Pipeline;
  let queue: Queue;

  /** Writes a job with this data as it is (not through EventProducer) and tells workers. */
  async function addJob(data: unknown): Promise<string> {
    const job = await queue.add(DELIVER_JOB.name, data, DELIVER_JOB.options);
    await markHasWork(pipeline.redis, pipeline.prefix, pipeline.destinationId, 0);
    return job.id!;
  }
  const queued = (n: number, event: Record<string, unknown> = seedEvent({ payload: { n } })): QueuedEvent => ({ id: randomUUID(), receivedAt: Date.now(), event: event as QueuedEvent['event'] });
  const deadLetters = () => pipeline.db.listDeadLetters({ destinationId: pipeline.destinationId }, { limit: 100 });

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    queue = new Queue(destinationQueueName(pipeline.destinationId), { connection: pipeline.redis, prefix: pipeline.prefix });
    await pipeline.startWorker();
  });
  afterAll(async () => {
    await queue.close();
    await pipeline.close();
  });

  it('dead-letters a job in the payload shape before this one, keeping its events for an operator to read', async () => {
    const events = [queued(1), queued(2)];
    const jobId = await addJob({ events });
    const letter = await waitFor(async () => (await deadLetters()).find((l) => l.jobId === jobId), { description: 'the dead letter' });
    expect(letter).toMatchObject({ errorKind: 'permanent', errorCode: 'INVALID_JOB_PAYLOAD' });
    expect(JSON.parse((await pipeline.db.getDeadLetter(letter.id))!.eventJson)).toEqual({ events });
    expect(await pipeline.rowCount()).toBe(0);
  });

  it('dead-letters a payload it cannot read, as it came, and delivers the job behind it', async () => {
    const before = await pipeline.rowCount();
    const jobId = await addJob({ events: 'not a list', note: 'kept for the operator' });
    const good = queued(4);
    await pipeline.enqueue([good]);
    await waitFor(async () => (await pipeline.rowCount()) === before + 1, { description: 'the good job delivered' });
    const letter = await waitFor(async () => (await deadLetters()).find((l) => l.jobId === jobId), { description: 'the dead letter' });
    expect(letter).toMatchObject({ errorKind: 'permanent', errorCode: 'INVALID_JOB_PAYLOAD' });
    expect(letter.errorMessage).toMatch(/^invalid job payload: ids: /);
    const full = await pipeline.db.getDeadLetter(letter.id);
    expect(JSON.parse(full!.eventJson)).toEqual({ events: 'not a list', note: 'kept for the operator' });
  });

  it('dead-letters a payload whose envelopes do not pair up with its ids, without retrying it or writing a row', async () => {
    const before = await pipeline.rowCount();
    // Two ids, one envelope. The envelope's payload holds an `eventType` key of its own, so the worker's quick
    // count of envelopes says two and the job takes the fast path: PostgreSQL refuses the batch (a NULL row).
    const payload = toDeliverPayload([queued(5, seedEvent({ payload: { inner: { eventType: 'decoy' } } })), queued(6)]);
    const jobId = await addJob({ ...payload, events: payload.events.slice(0, 1) });
    const letter = await waitFor(async () => (await deadLetters()).find((l) => l.jobId === jobId), { description: 'the dead letter' });
    expect(letter).toMatchObject({ errorKind: 'permanent', errorCode: 'INVALID_JOB_PAYLOAD' });
    const full = await pipeline.db.getDeadLetter(letter.id);
    expect(JSON.parse(full!.eventJson).ids).toEqual(payload.ids);
    await waitFor(async () => (await queue.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed')).wait === 0, { description: 'the queue settled' });
    expect(await queue.getJobCounts('wait', 'delayed', 'active')).toEqual({ wait: 0, delayed: 0, active: 0 });
    expect(await pipeline.rowCount()).toBe(before);
    const ids = (await pipeline.rows()).map((r) => r.event_id);
    expect(ids).not.toContain(payload.ids[0]);
    expect(ids).not.toContain(payload.ids[1]);
  });
});
