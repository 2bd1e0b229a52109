/**
 * The ingest contract's error list (docs/design.md "HTTP (ingest)"): every bad
 * input gets its status and the one JSON error shape, and nothing lands: no
 * job in the destination's queue, no row in the customer's table.
 */
import { randomBytes } from 'node:crypto';
import { Pipeline, queueJobTotal, seedEvent, type HttpAnswer } from './pipeline';

/** Nesting of `{"a": …}` objects in a payload, one more than the contract allows (32). */
function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: true };
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** A payload whose JSON text is about `bytes` long. */
function payloadOfBytes(bytes: number): Record<string, unknown> {
  return { blob: 'x'.repeat(bytes) };
}

function expectError(answer: HttpAnswer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(typeof answer.body.error.message).toBe('string');
  expect(answer.body.error.message.length).toBeGreaterThan(0);
}

function issuePaths(answer: HttpAnswer): string[] {
  return (answer.body.error.issues as Array<{ path: string }>).map((i) => i.path).sort();
}

describe('ingest: every bad input is refused with its status and JSON shape, and nothing lands', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    // No worker: a job that slipped into the queue stays there, where the count sees it.
    pipeline = await Pipeline.start({ startWorker: false });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  /** Runs `send` and checks that the queue, the customer table and the accepted counter did not move. */
  async function nothingLands(send: () => Promise<void>): Promise<void> {
    const accepted = async () => (await pipeline.ingestMetrics.registry.getSingleMetric('pushrail_events_accepted_total')!.get()).values[0]?.value ?? 0;
    const before = { jobs: await queueJobTotal(pipeline), rows: await pipeline.rowCount(), accepted: await accepted() };
    // Every answer comes after its write (or its refusal): nothing is still on its way to Redis once `send` is done.
    await send();
    expect({ jobs: await queueJobTotal(pipeline), rows: await pipeline.rowCount(), accepted: await accepted() }).toEqual(before);
  }

  const post = (path: string, rawBody: string, headers: Record<string, string> = {}) =>
    pipeline.request('POST', path, {
      rawBody,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${pipeline.writeKey}`, ...headers },
    });

  it('answers 400 invalid_json to a body that is not JSON, on both routes', async () => {
    await nothingLands(async () => {
      for (const path of ['/v1/events', '/v1/batch']) {
        const answer = await post(path, '{"eventType": "order.completed",');
        expectError(answer, 400, 'invalid_json');
      }
    });
  });

  it('lists the path of each schema problem: a bad occurredAt, a payload that is not an object, an unknown key', async () => {
    await nothingLands(async () => {
      const answer = await pipeline.postEvent(seedEvent({ occurredAt: 'yesterday', payload: 'not an object', colour: 'blue' }));
      expectError(answer, 400, 'invalid_request');
      expect(issuePaths(answer)).toEqual(['colour', 'occurredAt', 'payload']);
      for (const issue of answer.body.error.issues) expect(issue.message).toEqual(expect.any(String));
    });
  });

  it('refuses an occurredAt without a time zone', async () => {
    await nothingLands(async () => {
      const answer = await pipeline.postEvent(seedEvent({ occurredAt: '2026-05-26T14:21:08.493' }));
      expectError(answer, 400, 'invalid_request');
      expect(issuePaths(answer)).toEqual(['occurredAt']);
      expect(answer.body.error.issues[0].message).toMatch(/time zone/);
    });
  });

  it('refuses a payload nested deeper than 32 levels, and accepts 32', async () => {
    await nothingLands(async () => {
      const answer = await pipeline.postEvent(seedEvent({ payload: nested(33) }));
      expectError(answer, 400, 'invalid_request');
      expect(issuePaths(answer)).toEqual(['payload']);
      expect(answer.body.error.issues[0].message).toMatch(/32/);
    });
    const before = await queueJobTotal(pipeline);
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'depth-32', payload: nested(32) }))).status).toBe(202);
    expect(await queueJobTotal(pipeline)).toBe(before + 1);
  });

  it('answers 400, not 500, to nesting 400,000 levels deep (too deep to serialise), alone and in a batch', async () => {
    await nothingLands(async () => {
      const depth = 400_000; // about 2.4 MB of text, under the body limit
      const deepPayload = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const event = JSON.stringify(seedEvent({ payload: {} })).replace('"payload":{}', `"payload":${deepPayload}`);
      const single = await post('/v1/events', event);
      expectError(single, 400, 'invalid_request');
      expect(issuePaths(single)).toEqual(['payload']);

      const deepArray = '['.repeat(depth) + ']'.repeat(depth);
      const batch = await post('/v1/batch', `{"events":[${JSON.stringify(seedEvent())},${deepArray}]}`);
      expectError(batch, 400, 'invalid_events');
      expect(batch.body.error.invalidEvents.map((i: { index: number }) => i.index)).toEqual([1]);
    });
  });

  it('refuses a whole batch of 5 with 2 invalid events, listing each bad index with its paths', async () => {
    await nothingLands(async () => {
      const events = [0, 1, 2, 3, 4].map((i) => seedEvent({ idempotencyKey: `batch-with-bad-${i}` }));
      events[1] = seedEvent({ occurredAt: '2026-05-26 14:21' });
      events[3] = seedEvent({ payload: [1, 2], source: '' });
      const answer = await pipeline.postBatch(events);
      expectError(answer, 400, 'invalid_events');
      const invalid = answer.body.error.invalidEvents as Array<{ index: number; issues: Array<{ path: string }> }>;
      expect(invalid.map((i) => ({ index: i.index, paths: i.issues.map((x) => x.path).sort() }))).toEqual([
        { index: 1, paths: ['events[1].occurredAt'] },
        { index: 3, paths: ['events[3].payload', 'events[3].source'] },
      ]);
      expect(answer.body.error.message).toMatch(/2 of 5/);
    });
  });

  it('refuses a batch of more than 1,000 events and an empty batch', async () => {
    await nothingLands(async () => {
      const tooMany = await pipeline.postBatch(Array.from({ length: 1001 }, (_, i) => seedEvent({ idempotencyKey: `over-${i}` })));
      expectError(tooMany, 400, 'invalid_request');
      expect(issuePaths(tooMany)).toEqual(['events']);

      const empty = await pipeline.postBatch([]);
      expectError(empty, 400, 'invalid_request');
      expect(issuePaths(empty)).toEqual(['events']);

      const notAList = await post('/v1/batch', JSON.stringify({ events: seedEvent() }));
      expectError(notAList, 400, 'invalid_request');
      expect(issuePaths(notAList)).toEqual(['events']);
    });
  });

  it('answers 401 to a missing, unknown or revoked write key', async () => {
    const key = await pipeline.admin('POST', `/admin/v1/tenants/${pipeline.tenantId}/write-keys`);
    expect(key.status).toBe(201);
    await nothingLands(async () => {
      // The new key passes authentication (the 400 comes from validation, after it)…
      const invalidEvent = seedEvent({ occurredAt: 'soon' });
      expectError(await pipeline.postEvent(invalidEvent, key.body.key), 400, 'invalid_request');
      expect((await pipeline.admin('DELETE', `/admin/v1/write-keys/${key.body.id}`)).status).toBe(204);

      const event = seedEvent({ idempotencyKey: 'never-accepted' });
      const unknownKey = `pr_wk_${randomBytes(32).toString('base64url')}`;
      for (const path of ['/v1/events', '/v1/batch']) {
        const body = JSON.stringify(path === '/v1/batch' ? { events: [event] } : event);
        const missing = await pipeline.request('POST', path, { rawBody: body, headers: { 'content-type': 'application/json' } });
        expectError(missing, 401, 'unauthorized');
        const notBearer = await post(path, body, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
        expectError(notBearer, 401, 'unauthorized');
        expectError(await post(path, body, { authorization: `Bearer ${unknownKey}` }), 401, 'unauthorized');
        expectError(await post(path, body, { authorization: `Bearer ${key.body.key}` }), 401, 'unauthorized');
      }
    });
  });

  it('answers 415 to a body that does not say it is JSON', async () => {
    await nothingLands(async () => {
      const body = JSON.stringify(seedEvent({ idempotencyKey: 'wrong-type' }));
      for (const path of ['/v1/events', '/v1/batch']) {
        expectError(await post(path, body, { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
        expectError(await post(path, body, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
        expectError(await post(path, body, { 'content-type': 'application/json; charset=latin1' }), 415, 'unsupported_media_type');
      }
      const noType = await pipeline.request('POST', '/v1/events', { rawBody: body, headers: { authorization: `Bearer ${pipeline.writeKey}` } });
      expectError(noType, 415, 'unsupported_media_type');
    });
  });

  it('answers 413 to a body over 5 MB', async () => {
    await nothingLands(async () => {
      // Over 5 MB in total, every event under 1 MB: the body limit, not the event limit, refuses it.
      const events = Array.from({ length: 6 }, (_, i) => seedEvent({ idempotencyKey: `big-body-${i}`, payload: payloadOfBytes(900_000) }));
      const answer = await pipeline.postBatch(events);
      expectError(answer, 413, 'payload_too_large');
      expect(answer.body.error.message).toMatch(/5 MB/);
    });
  });

  it('answers 413 to a single event over 1 MB, and 400 naming its index when it sits in a batch', async () => {
    await nothingLands(async () => {
      const big = seedEvent({ idempotencyKey: 'big-event', payload: payloadOfBytes(1024 * 1024 + 10) });
      const single = await pipeline.postEvent(big);
      expectError(single, 413, 'payload_too_large');
      expect(single.body.error.message).toMatch(/1 MB/);

      const batch = await pipeline.postBatch([seedEvent({ idempotencyKey: 'small-0' }), big, seedEvent({ idempotencyKey: 'small-2' })]);
      expectError(batch, 400, 'invalid_events');
      expect(batch.body.error.invalidEvents).toEqual([
        { index: 1, issues: [{ path: 'events[1]', message: expect.stringMatching(/1 MB/) }] },
      ]);
    });
  });

  it('answers 404 in the JSON shape to an unknown route', async () => {
    await nothingLands(async () => {
      expectError(await pipeline.request('GET', '/v1/nothing-here'), 404, 'not_found');
      expectError(await post('/v1/event', JSON.stringify(seedEvent())), 404, 'not_found');
      expectError(await pipeline.request('GET', '/v1/events'), 404, 'not_found');
    });
  });

  it('accepts a \\u0000 inside the payload (the destination refuses it later, not ingest)', async () => {
    const before = await queueJobTotal(pipeline);
    const answer = await post('/v1/events', JSON.stringify(seedEvent({ idempotencyKey: 'nul-inside', payload: { note: 'a\u0000b' } })));
    expect(answer.status).toBe(202);
    expect(answer.body.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await queueJobTotal(pipeline)).toBe(before + 1);
  });
});
