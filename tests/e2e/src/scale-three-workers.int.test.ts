import { waitFor } from '@pushrail/testing';
import { envelopeSetupSql, Pipeline } from './pipeline';
import { createDestinations, leaseHolders, numberedTables, startSteadyLoad, tableCounts, totalRows } from './scale-support';
import { startWorkerProcess, type WorkerProcess } from './worker-process';

/** Destinations besides the pipeline's own: 51 in all, each event goes to every one. */
const EXTRA_DESTINATIONS = 50;

/**
 * Destinations each worker process may hold: three hold all 51 only
 * together, so every process must take a share, and the two survivors (40)
 * hold fewer than 51: the fleet must rotate destinations to serve them all.
 */
const MAX_DESTINATIONS_PER_WORKER = 20;

describe('three worker processes share 50 destinations; kill -9 of one mid-load', () => {
  const tables = ['events', ...numberedTables(EXTRA_DESTINATIONS)];
  let pipeline: Pipeline;
  let destinationIds: string[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false, customerSetupSql: envelopeSetupSql('pushrail', tables) });
    // One connection per destination: 51 destinations on the shared test server stay well inside its max_connections.
    await pipeline.admin('PATCH', `/admin/v1/destinations/${pipeline.destinationId}`, { maxConnections: 1 });
    destinationIds = [pipeline.destinationId, ...(await createDestinations(pipeline, tables.slice(1), { maxConnections: 1 }))];
    for (let i = 0; i < 3; i++) {
      workers.push(await startWorkerProcess(pipeline.workerEnv({ PUSHRAIL_WORKER_MAX_DESTINATIONS: String(MAX_DESTINATIONS_PER_WORKER) })));
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill().catch(() => undefined)));
    await pipeline.close();
  });

  it('lands every acknowledged event once in each of the 51 tables, and the survivors take the dead worker’s destinations', async () => {
    const pids = workers.map((w) => w.child.pid!);
    const load = startSteadyLoad(pipeline, { tag: 'three-workers', batchSize: 50, everyMs: 250 });
    let victim: WorkerProcess | undefined;
    try {
      // Every process takes a share while the load runs.
      const heldBy = new Map<number, Set<string>>(pids.map((pid) => [pid, new Set<string>()]));
      await waitFor(
        async () => {
          for (const [id, pid] of await leaseHolders(pipeline, destinationIds)) if (pid !== undefined) heldBy.get(pid)?.add(id);
          return [...heldBy.values()].every((held) => held.size > 0) && (await totalRows(pipeline, tables)) > 5_000;
        },
        { description: 'all three workers delivering', timeoutMs: 20_000, intervalMs: 100 },
      );

      // Kill the process holding the most destinations right now, in the middle of the load.
      const holdersNow = await leaseHolders(pipeline, destinationIds);
      const countOf = (pid: number) => [...holdersNow.values()].filter((p) => p === pid).length;
      victim = workers.reduce((a, b) => (countOf(b.child.pid!) > countOf(a.child.pid!) ? b : a));
      const victimPid = victim.child.pid!;
      const orphaned = destinationIds.filter((id) => holdersNow.get(id) === victimPid);
      expect(orphaned.length).toBeGreaterThan(0);
      await victim.kill();
      expect(victim.child.signalCode).toBe('SIGKILL');
      const survivors = new Set(pids.filter((pid) => pid !== victimPid));

      // While the load goes on, a survivor takes each destination the dead worker held.
      const takenOver = new Set<string>();
      await waitFor(
        async () => {
          for (const [id, pid] of await leaseHolders(pipeline, orphaned)) if (pid !== undefined && survivors.has(pid)) takenOver.add(id);
          return takenOver.size === orphaned.length;
        },
        { description: `survivors to lease all ${orphaned.length} of the dead worker's destinations`, timeoutMs: 30_000, intervalMs: 100 },
      );
    } finally {
      // A failure above must not leave the sender running into the teardown.
      await load.stop().catch(() => undefined);
    }
    // Rejects here if ingest refused any batch.
    const accepted = await load.stop();
    expect(accepted.length).toBeGreaterThan(0);

    await waitFor(async () => (await totalRows(pipeline, tables)) >= accepted.length * tables.length, {
      description: `${accepted.length} events in each of ${tables.length} tables`,
      timeoutMs: 40_000,
      intervalMs: 250,
    });
    const counts = await tableCounts(pipeline, tables, accepted);
    for (const table of tables) expect([table, counts.get(table)]).toEqual([table, { rows: accepted.length, matching: accepted.length }]);

    for (const worker of workers.filter((w) => w !== victim)) expect(await worker.terminate()).toBe(0);
  }, 120_000);
});
