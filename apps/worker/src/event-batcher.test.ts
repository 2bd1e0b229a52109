import { randomUUID } from 'node:crypto';
import { decodeEvents, encodeEvents, type EncodedEvents } from '@pushrail/events';
import { EventBatcher, type BatchPart } from './event-batcher';

const events = (n: number): EncodedEvents =>
  encodeEvents(
    Array.from({ length: n }, () => ({
      id: randomUUID(),
      receivedAt: Date.now(),
      event: { eventType: 't', occurredAt: '2026-01-01T00:00:00Z', source: 's', payload: {} },
    })),
  );

const sizes = (batches: BatchPart[][]) => batches.map((b) => b.reduce((n, p) => n + p.events.ids.length, 0));

describe('EventBatcher', () => {
  it('writes a batch as soon as it is full, and splits a job across batches', async () => {
    const written: BatchPart[][] = [];
    const batcher = new EventBatcher({ batchSize: 10, flushIntervalMs: 60_000, maxInFlight: 4 }, async (parts) => {
      written.push(parts);
    });
    const a = events(7);
    const b = events(13);
    await Promise.all([batcher.submit('a', a), batcher.submit('b', b)]);
    expect(sizes(written)).toEqual([10, 10]);
    expect(written[0]!.map((p) => p.jobId)).toEqual(['a', 'b']);
    // Every event once, in order, whole (the split part of b decodes to b's own events).
    const writtenEvents = written.flat().flatMap((p) => decodeEvents(p.events));
    expect(writtenEvents).toEqual([...decodeEvents(a), ...decodeEvents(b)]);
    expect(written.flat().flatMap((p) => p.events.ids)).toEqual([...a.ids, ...b.ids]);
  });

  it('writes a partial batch when the flush window ends', async () => {
    const written: BatchPart[][] = [];
    const batcher = new EventBatcher({ batchSize: 1000, flushIntervalMs: 20, maxInFlight: 1 }, async (parts) => {
      written.push(parts);
    });
    await batcher.submit('a', events(3));
    expect(sizes(written)).toEqual([3]);
  });

  it('writes at once when its job limit is lowered to the jobs already waiting in it', async () => {
    const written: BatchPart[][] = [];
    const batcher = new EventBatcher({ batchSize: 1000, flushIntervalMs: 60_000, maxInFlight: 1, maxJobs: 4 }, async (parts) => {
      written.push(parts);
    });
    const waiting = Promise.all([batcher.submit('a', events(1)), batcher.submit('b', events(1))]);
    expect(written).toHaveLength(0); // 2 of 4 jobs: more may come, the window is open
    batcher.setMaxJobs(2); // the process now holds more destinations: this one may hold only these two
    await waiting;
    expect(sizes(written)).toEqual([2]);
  });

  it('writes at once when every job the worker may hold is waiting in it', async () => {
    const written: BatchPart[][] = [];
    const batcher = new EventBatcher({ batchSize: 1000, flushIntervalMs: 60_000, maxInFlight: 1, maxJobs: 2 }, async (parts) => {
      written.push(parts);
    });
    await Promise.all([batcher.submit('a', events(1)), batcher.submit('b', events(1))]);
    expect(sizes(written)).toEqual([2]);
  });

  it('fails every job of a failed batch, and a job if any of its parts failed', async () => {
    let calls = 0;
    const batcher = new EventBatcher({ batchSize: 5, flushIntervalMs: 60_000, maxInFlight: 1 }, async () => {
      calls++;
      if (calls === 2) throw new Error('second batch failed');
    });
    const a = batcher.submit('a', events(5));
    const b = batcher.submit('b', events(7)); // 5 in the second batch (fails), 2 waiting
    batcher.flushAll();
    await expect(a).resolves.toBeUndefined();
    await expect(b).rejects.toThrow('second batch failed');
  });

  it('keeps at most maxInFlight batches in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const batcher = new EventBatcher({ batchSize: 1, flushIntervalMs: 60_000, maxInFlight: 2 }, async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
    });
    await Promise.all(Array.from({ length: 6 }, (_, i) => batcher.submit(`j${i}`, events(1))));
    expect(peak).toBe(2);
  });
});
