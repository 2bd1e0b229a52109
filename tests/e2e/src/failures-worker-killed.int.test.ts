import { waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

describe('kill -9 of the worker in the middle of a 20,000-event load', () => {
  let pipeline: Pipeline;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill().catch(() => undefined)));
    await pipeline.close();
  });

  it('lands every acknowledged event exactly once after a new worker starts', async () => {
    const first = await startWorkerProcess(pipeline.workerEnv());
    workers.push(first);
    const accepted: string[] = [];
    const send = async (from: number, to: number) => {
      for (let start = from; start < to; start += 500) {
        const events = Array.from({ length: 500 }, (_, i) => seedEvent({ idempotencyKey: `load-${start + i}`, payload: { n: start + i } }));
        const answer = await pipeline.postBatch(events);
        expect(answer.status).toBe(202);
        accepted.push(...answer.body.eventIds);
      }
    };
    await send(0, 10_000);
    await waitFor(async () => (await pipeline.rowCount()) >= 1_000, { description: 'delivery under way', timeoutMs: 20_000 });
    const sending = send(10_000, 20_000);
    await first.kill();
    expect(first.child.signalCode).toBe('SIGKILL');
    await sending;
    expect(accepted).toHaveLength(20_000);

    const second = await startWorkerProcess(pipeline.workerEnv());
    workers.push(second);
    await waitFor(async () => (await pipeline.rowCount()) >= 20_000, {
      description: '20,000 rows after the new worker took over',
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    const rows = await pipeline.rows();
    expect(rows).toHaveLength(20_000);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(accepted));
    expect(await second.terminate()).toBe(0);
  }, 120_000);
});
