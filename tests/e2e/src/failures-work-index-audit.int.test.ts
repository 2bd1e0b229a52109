import { randomUUID } from 'node:crypto';
import { workIndexKey } from '@pushrail/queue';
import { waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';

/** A queued event as ingest writes it, with a fresh id. */
function queuedEvent(): { id: string; receivedAt: number; event: Record<string, unknown> } {
  return { id: randomUUID(), receivedAt: Date.now(), event: seedEvent() };
}

describe('the work-index audit', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('puts back the entry of a destination whose queued job lost it, and the event lands once', async () => {
    // The state a lost entry leaves (SCRIPT FLUSH making an add land after its ZADD, keys removed by hand):
    // a job in the queue, no entry in the index, so no worker leases the destination.
    const event = queuedEvent();
    await pipeline.enqueue([event]);
    await pipeline.redis.zrem(workIndexKey(pipeline.prefix), pipeline.destinationId);

    // A long interval: the pass below is the one under test, not the timer's.
    const worker = await pipeline.startWorker({ sweepIntervalMs: 60_000 });
    expect(await worker.audit.auditOnce()).toEqual([pipeline.destinationId]);
    await waitFor(async () => (await pipeline.rowCount()) === 1, { description: 'the event delivered after the audit' });
    const rows = await pipeline.rows();
    expect(rows.map((r) => r.event_id)).toEqual([event.id]);

    // Nothing left to put back: the queue is empty.
    await waitFor(async () => (await worker.audit.auditOnce()).length === 0, { description: 'a clean audit pass' });
    expect(await pipeline.rowCount()).toBe(1);
  });

  it('leaves a paused destination without an entry: resume writes it', async () => {
    const worker = await pipeline.startWorker({ sweepIntervalMs: 60_000 });
    const paused = await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/pause`);
    expect(paused.status).toBe(200);
    await pipeline.enqueue([queuedEvent()]);
    await pipeline.redis.zrem(workIndexKey(pipeline.prefix), pipeline.destinationId);
    expect(await worker.audit.auditOnce()).toEqual([]);
    expect(await pipeline.redis.zscore(workIndexKey(pipeline.prefix), pipeline.destinationId)).toBeNull();

    const resumed = await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/resume`);
    expect(resumed.status).toBe(200);
    await waitFor(async () => (await pipeline.rowCount()) === 2, { description: 'the event delivered after the resume' });
  });
});
