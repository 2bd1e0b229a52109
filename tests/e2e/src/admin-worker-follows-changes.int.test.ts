/**
 * A running worker follows admin changes without a restart: a destination
 * created through the API gets events, a paused one keeps them waiting in
 * its queue, a resumed one delivers them, a deleted one loses its consumer
 * and gets nothing more.
 */
import { waitFor } from '@pushrail/testing';
import {
  envelopeSetupSql,
  Pipeline,
  queueJobTotal,
  seedEvent,
  waitingEventIds,
  type RunningWorker,
} from './pipeline';

/** Rows land within about flushIntervalSec (0.2 s here); this bounds each wait generously, in milliseconds. */
const LAND_TIMEOUT_MS = 8_000;

describe('the worker follows admin changes to destinations without a restart', () => {
  let pipeline: Pipeline;
  let worker: RunningWorker;
  let secondId = '';

  beforeAll(async () => {
    pipeline = await Pipeline.start({
      startWorker: false,
      customerSetupSql: envelopeSetupSql('pushrail', ['events', 'events_b']),
      destination: { flushIntervalSec: 0.2 },
    });
    // A consumer is never given back for idleness during this file, so only a delete can take it away.
    worker = await pipeline.startWorker({ idleReleaseMs: 600_000 });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  const ids = async (table: string) => new Set((await pipeline.rows(table)).map((r) => r.event_id as string));
  const post = async (idempotencyKey: string): Promise<string> => {
    const answer = await pipeline.postEvent(seedEvent({ idempotencyKey }));
    expect(answer.status).toBe(202);
    return answer.body.eventId as string;
  };
  const landsIn = (table: string, eventId: string) =>
    waitFor(async () => (await ids(table)).has(eventId), { description: `event ${eventId} in ${table}`, timeoutMs: LAND_TIMEOUT_MS });

  it('delivers to a second destination created through the API, and to the first', async () => {
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ name: 'Second table', table: 'events_b', flushIntervalSec: 0.2 }),
    });
    expect(created.status).toBe(201);
    secondId = created.body.id;

    const eventId = await post('to-both');
    await landsIn('events', eventId);
    await landsIn('events_b', eventId);
    expect(worker.consumers.heldDestinations().sort()).toEqual([pipeline.destinationId, secondId].sort());
  });

  it('keeps events for a paused destination waiting in its queue while the first gets them', async () => {
    const paused = await pipeline.admin('POST', `/admin/v1/destinations/${secondId}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);

    const eventId = await post('while-paused');
    await landsIn('events', eventId);
    expect(await waitingEventIds(pipeline, secondId)).toContain(eventId);
    expect((await ids('events_b')).has(eventId)).toBe(false);
    // A second event, once the first destination has it, is still waiting for the paused one too.
    const later = await post('while-paused-later');
    await landsIn('events', later);
    expect(await waitingEventIds(pipeline, secondId)).toEqual(expect.arrayContaining([eventId, later]));
    expect((await ids('events_b')).has(eventId)).toBe(false);
  });

  it('delivers what waited, and what comes next, once resumed', async () => {
    const waiting = await waitingEventIds(pipeline, secondId);
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    const resumed = await pipeline.admin('POST', `/admin/v1/destinations/${secondId}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toBe(false);

    const eventId = await post('after-resume');
    for (const id of [...waiting, eventId]) await landsIn('events_b', id);
    await landsIn('events', eventId);
    expect(await waitingEventIds(pipeline, secondId)).toEqual([]);
  });

  it('stops the consumer of a deleted destination and sends new events only to the first', async () => {
    // The worker holds the second destination (it just delivered there).
    expect(worker.consumers.heldDestinations()).toContain(secondId);
    expect((await pipeline.admin('DELETE', `/admin/v1/destinations/${secondId}`)).status).toBe(204);

    await waitFor(() => !worker.consumers.heldDestinations().includes(secondId), {
      description: 'the worker to stop the deleted destination\'s consumer',
      timeoutMs: LAND_TIMEOUT_MS,
    });
    expect(worker.consumers.heldDestinations()).toEqual([pipeline.destinationId]);

    const before = (await ids('events_b')).size;
    const eventId = await post('after-delete');
    await landsIn('events', eventId);
    expect(await queueJobTotal(pipeline, secondId)).toBe(0);
    expect((await ids('events_b')).size).toBe(before);
    expect(worker.consumers.heldDestinations()).toEqual([pipeline.destinationId]);
  });
});
