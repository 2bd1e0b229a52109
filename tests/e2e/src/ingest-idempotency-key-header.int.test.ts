/**
 * `Idempotency-Key` on `POST /v1/events` (the Stripe convention): the same
 * meaning as the body's `idempotencyKey`; both given and different is a 400.
 */
import { deriveEventId } from '@pushrail/events';
import { waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';

describe('the Idempotency-Key header on POST /v1/events', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start();
  });

  afterAll(async () => {
    await pipeline.close();
  });

  const post = (event: Record<string, unknown>, key?: string) =>
    pipeline.request('POST', '/v1/events', {
      body: event,
      headers: { authorization: `Bearer ${pipeline.writeKey}`, ...(key !== undefined ? { 'idempotency-key': key } : {}) },
    });

  test('a header key gives the id the same body key gives; retries with either add no row', async () => {
    const { idempotencyKey: _none, ...event } = seedEvent();
    const byHeader = await post(event, 'header-key-1');
    expect(byHeader.status).toBe(202);
    expect(byHeader.body.eventId).toBe(deriveEventId(pipeline.tenantId, 'header-key-1'));
    expect((await post(event, 'header-key-1')).body.eventId).toBe(byHeader.body.eventId);
    expect((await post({ ...event, idempotencyKey: 'header-key-1' })).body.eventId).toBe(byHeader.body.eventId);
    expect((await post({ ...event, idempotencyKey: 'header-key-1' }, 'header-key-1')).status).toBe(202);
    await waitFor(async () => (await pipeline.workerMetric('pushrail_events_duplicates_skipped_total')) + (await pipeline.rowCount()) >= 4, {
      timeoutMs: 20_000,
      description: 'the four posts to be delivered or skipped',
    });
    expect(await pipeline.rowCount()).toBe(1);
  });

  test('a header and a body key that differ are a 400 naming idempotencyKey; nothing is accepted', async () => {
    const answer = await post(seedEvent({ idempotencyKey: 'body-key' }), 'header-key-2');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', issues: [{ path: 'idempotencyKey' }] });
  });

  test('an empty header is refused like an empty body key', async () => {
    const { idempotencyKey: _none, ...event } = seedEvent();
    const answer = await post(event, '');
    expect(answer.status).toBe(400);
    expect(answer.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['idempotencyKey']);
  });
});
