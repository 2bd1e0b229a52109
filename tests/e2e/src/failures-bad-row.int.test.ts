import { Pipeline, seedEvent } from './pipeline';
import { waitFor } from '@pushrail/testing';

describe('a bad row in a batch', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start();
  });
  afterAll(async () => {
    await pipeline.close();
  });

  it('dead-letters the one event JSONB refuses and lands the other 999', async () => {
    const events = Array.from({ length: 1000 }, (_, i) =>
      seedEvent({ idempotencyKey: `bisect-${i}`, payload: i === 617 ? { text: 'has a NUL \u0000 inside' } : { n: i } }),
    );
    const answer = await pipeline.postBatch(events);
    expect(answer.status).toBe(202);
    const badId: string = answer.body.eventIds[617];

    const letters = await waitFor(
      async () => {
        const page = await pipeline.db.listDeadLetters({ destinationId: pipeline.destinationId }, { limit: 10 });
        return page.length > 0 ? page : undefined;
      },
      { description: 'the dead letter', timeoutMs: 15_000 },
    );
    await waitFor(async () => (await pipeline.rowCount()) === 999, { description: '999 rows', timeoutMs: 15_000 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ eventId: badId, errorKind: 'bad_row', errorCode: '22P05' });
    // The dead letter keeps the event as the JSON text it travelled in, NUL escape included.
    expect(JSON.parse(letters[0]!.eventJson).event.payload.text).toBe('has a NUL \u0000 inside');
    const rows = await pipeline.rows();
    expect(rows.some((r) => r.event_id === badId)).toBe(false);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(999);
    expect(await pipeline.workerMetric('pushrail_events_dead_lettered_total', { error_kind: 'bad_row' })).toBe(1);
  });
});
