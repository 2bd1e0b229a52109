import { waitFor, withPgClient } from '@pushrail/testing';
import type { Client } from 'pg';
import { Pipeline } from './pipeline';
import { leaseHolders, startSteadyLoad } from './scale-support';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** The destination's fleet-wide connection budget. */
const MAX_CONNECTIONS = 2;

const WORKERS = 5;

/** How often the customer database is asked how many Pushrail connections it has, in milliseconds. */
const SAMPLE_EVERY_MS = 50;

/** Samples taken under load before and after the hand-over, each. */
const MIN_SAMPLES_PER_PHASE = 40;

describe(`five worker processes, maxConnections ${MAX_CONNECTIONS}: the customer database never sees more`, () => {
  let pipeline: Pipeline;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // Small batches, so several are ready at once and the budget is actually used up.
    pipeline = await Pipeline.start({ startWorker: false, destination: { maxConnections: MAX_CONNECTIONS, batchSize: 100 } });
    workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorkerProcess(pipeline.workerEnv())));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill().catch(() => undefined)));
    await pipeline.close();
  });

  it('holds to the budget under load and across a hand-over between workers', async () => {
    const samples: number[] = [];
    const holders = new Set<number>();
    let sampling = true;
    // One monitoring connection (the superuser's, not counted), polled every 50 ms for the whole test.
    const sampler = withPgClient(pipeline.customer.adminUrl, async (client: Client) => {
      while (sampling) {
        const result = await client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND usename = 'pushrail_writer'`,
        );
        samples.push(result.rows[0].n);
        const holder = (await leaseHolders(pipeline, [pipeline.destinationId])).get(pipeline.destinationId);
        if (holder !== undefined) holders.add(holder);
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
      }
    });

    let accepted: string[] = [];
    try {
      const load = startSteadyLoad(pipeline, { tag: 'budget', batchSize: 200, everyMs: 20 });
      try {
        // Each phase lasts at least MIN_SAMPLES_PER_PHASE samples (about 2 s), however fast delivery is.
        await waitFor(async () => samples.length >= MIN_SAMPLES_PER_PHASE && (await pipeline.rowCount()) > 3_000, {
          description: 'delivery under way',
          timeoutMs: 20_000,
        });
        // Hand-over under load: the holder stops gracefully (gives its lease back), another worker takes the destination.
        const first = (await leaseHolders(pipeline, [pipeline.destinationId])).get(pipeline.destinationId);
        const holder = workers.find((w) => w.child.pid === first);
        expect(holder).toBeDefined();
        expect(await holder!.terminate()).toBe(0);
        workers = workers.filter((w) => w !== holder);
        await waitFor(
          async () => {
            const next = (await leaseHolders(pipeline, [pipeline.destinationId])).get(pipeline.destinationId);
            return next !== undefined && next !== first;
          },
          { description: 'another worker to take the destination', timeoutMs: 10_000 },
        );
        const [rowsBefore, samplesBefore] = [await pipeline.rowCount(), samples.length];
        await waitFor(
          async () => samples.length >= samplesBefore + MIN_SAMPLES_PER_PHASE && (await pipeline.rowCount()) > rowsBefore + 3_000,
          { description: 'delivery by the new holder', timeoutMs: 20_000 },
        );
      } finally {
        accepted = await load.stop();
      }
      await waitFor(async () => (await pipeline.rowCount()) === accepted.length, {
        description: `all ${accepted.length} events`,
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    } finally {
      // Stops the sampler also when a step above failed.
      sampling = false;
      await sampler;
    }

    expect(holders.size).toBeGreaterThanOrEqual(2);
    // The budget was used, and never exceeded.
    expect(Math.max(...samples)).toBe(MAX_CONNECTIONS);
    expect(new Set((await pipeline.rows()).map((r) => r.event_id))).toEqual(new Set(accepted));
  }, 120_000);
});
