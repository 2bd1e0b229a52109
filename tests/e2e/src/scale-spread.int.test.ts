import { waitFor } from '@pushrail/testing';
import { envelopeSetupSql, Pipeline } from './pipeline';
import { createDestinations, expectEveryTableHoldsEachOnce, leaseHolders, numberedTables, startSteadyLoad } from './scale-support';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

const DESTINATIONS = 12;
const WORKERS = 3;

/**
 * With the default PUSHRAIL_WORKER_MAX_DESTINATIONS (64), one process could
 * hold all 12 destinations. The fleet must still spread them: a process that
 * joins while the others hold everything gets its share.
 */
describe('three worker processes with default settings spread 12 busy destinations between them', () => {
  const tables = ['events', ...numberedTables(DESTINATIONS - 1)];
  let pipeline: Pipeline;
  let destinationIds: string[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false, customerSetupSql: envelopeSetupSql('pushrail', tables) });
    destinationIds = [pipeline.destinationId, ...(await createDestinations(pipeline, tables.slice(1), { maxConnections: 1 }))];
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill().catch(() => undefined)));
    await pipeline.close();
  });

  it('gives every process a share of the destinations, the late ones included', async () => {
    const load = startSteadyLoad(pipeline, { tag: 'spread', batchSize: 20, everyMs: 100 });
    let accepted: string[] = [];
    try {
      // The first process starts alone and leases every busy destination; the others join later.
      workers.push(await startWorkerProcess(pipeline.workerEnv()));
      await waitFor(async () => [...(await leaseHolders(pipeline, destinationIds)).values()].every((pid) => pid !== undefined), {
        description: 'the first worker to hold all 12 destinations',
        timeoutMs: 10_000,
      });
      for (let i = 1; i < WORKERS; i++) workers.push(await startWorkerProcess(pipeline.workerEnv()));
      const pids = workers.map((w) => w.child.pid!);
      await waitFor(
        async () => {
          const holders = [...(await leaseHolders(pipeline, destinationIds)).values()];
          return pids.every((pid) => holders.filter((holder) => holder === pid).length >= 2);
        },
        { description: 'every worker to hold at least 2 of the 12 destinations at once', timeoutMs: 40_000, intervalMs: 100 },
      );
    } finally {
      accepted = await load.stop();
    }
    await expectEveryTableHoldsEachOnce(pipeline, tables, accepted);
    for (const worker of workers) expect(await worker.terminate()).toBe(0);
  }, 120_000);
});
