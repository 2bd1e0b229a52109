import { waitFor } from '@pushrail/testing';
import { envelopeSetupSql, Pipeline } from './pipeline';
import { createDestinations, expectEveryTableHoldsEachOnce, numberedTables, startSteadyLoad } from './scale-support';

const DESTINATIONS = 4;

/**
 * A worker process splits one budget of held jobs over the destinations it
 * holds (apps/worker/src/job-budget.ts), so its memory does not grow with
 * their number: alone a destination may hold 16 jobs, four held together 4 each.
 */
describe('the job budget of a worker process', () => {
  const tables = ['events', ...numberedTables(DESTINATIONS - 1)];
  let pipeline: Pipeline;
  let destinationIds: string[] = [];

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false, customerSetupSql: envelopeSetupSql('pushrail', tables) });
    destinationIds = [pipeline.destinationId, ...(await createDestinations(pipeline, tables.slice(1)))];
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('gives each of four busy destinations a quarter of it, and every event lands once', async () => {
    const worker = await pipeline.startWorker();
    const load = startSteadyLoad(pipeline, { tag: 'budget', batchSize: 20, everyMs: 50 });
    let accepted: string[] = [];
    try {
      await waitFor(() => worker.consumers.heldDestinations().length === DESTINATIONS, {
        description: 'the worker to hold all four destinations',
        timeoutMs: 15_000,
      });
      const limits = destinationIds.map((id) => worker.consumers.consumer(id)?.heldJobLimit);
      expect(limits).toEqual([4, 4, 4, 4]);
    } finally {
      accepted = await load.stop();
    }
    await expectEveryTableHoldsEachOnce(pipeline, tables, accepted);
  }, 90_000);
});
