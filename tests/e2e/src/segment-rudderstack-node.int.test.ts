/**
 * The real @rudderstack/rudder-sdk-node from npm, unmodified, pointed at
 * ingest (`dataPlaneUrl: <origin>/segment`). It gzips its bodies and labels
 * them `application/x-www-form-urlencoded`; the rows must be the same as from
 * any other client.
 */
import { gzipSync } from 'node:zlib';
import Analytics from '@rudderstack/rudder-sdk-node';
import { waitFor } from '@pushrail/testing';
import { Pipeline } from './pipeline';
import { expectRowsOf, messagesOf, rowsWhenThere, type SegmentMessage } from './segment-rows';

type Callback = (error?: Error, data?: Buffer | { batch: SegmentMessage[] }) => void;

/** An SDK client on this pipeline; `sent` collects the messages of each batch it delivered, `failures` each error its callbacks got. */
function rudderClient(pipeline: Pipeline, options: { writeKey?: string; errorHandler?: (error: unknown) => void } = {}) {
  const client = new Analytics(options.writeKey ?? pipeline.writeKey, {
    dataPlaneUrl: `${pipeline.baseUrl}/segment`,
    flushAt: 20,
    flushInterval: 50,
    retryCount: 2,
    logLevel: 'error',
    ...(options.errorHandler ? { errorHandler: options.errorHandler } : {}),
  });
  const sent = new Map<string, SegmentMessage>();
  const failures: Error[] = [];
  const bodies = { gzip: 0, plain: 0 };
  const callback: Callback = (error, data) => {
    if (data) bodies[Buffer.isBuffer(data) ? 'gzip' : 'plain'] += 1;
    if (error) failures.push(error);
    else if (data) for (const message of Buffer.isBuffer(data) ? messagesOf(data) : data.batch) sent.set(message.messageId, JSON.parse(JSON.stringify(message)));
  };
  return { client, sent, failures, bodies, callback: callback as unknown as () => void };
}

const basicAuth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

describe('@rudderstack/rudder-sdk-node against ingest', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start();
  });

  afterAll(async () => {
    await pipeline.close();
  });

  test('every call type lands as the row the mapping table says; the same messages again add nothing', async () => {
    const { client, sent, failures, bodies, callback } = rudderClient(pipeline);
    client.track({ userId: 'user_42', event: 'Order Completed', properties: { orderId: 'ord_1', amount: 129 } }, callback);
    client.identify({ userId: 'user_42', traits: { plan: 'pro' } }, callback);
    client.page({ anonymousId: 'anon_7', name: 'Pricing', properties: { path: '/pricing' } }, callback);
    client.screen({ userId: 'user_42', name: 'Home', properties: { variant: 'b' } }, callback);
    client.group({ userId: 'user_42', groupId: 'acme', traits: { seats: 10 } }, callback);
    client.alias({ userId: 'user_42', previousId: 'anon_7' }, callback);
    await client.flush();
    await waitFor(() => sent.size + failures.length === 6, { description: 'the SDK to call back for every message' });
    expect(failures).toEqual([]);
    expect(bodies).toEqual({ gzip: 6, plain: 0 });
    const messages = [...sent.values()];
    expect(messages.map((m) => m.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    const rows = await rowsWhenThere(pipeline, 6);
    expectRowsOf(pipeline, rows, messages);
    expect([...rows.values()].map((r) => r.source)).toEqual(Array(6).fill('analytics-node'));

    // The same messages (same messageIds) from a second client, the way an app re-sends after a crash: no new row, none changed.
    const before = await pipeline.rows();
    const again = rudderClient(pipeline);
    for (const message of messages) {
      const { type, messageId, userId, anonymousId, event, properties, traits, previousId, groupId, name } = message;
      (again.client as unknown as Record<string, (m: unknown, cb: () => void) => void>)[type]!(
        { messageId, userId, anonymousId, event, properties, traits, previousId, groupId, name },
        again.callback,
      );
    }
    await again.client.flush();
    // The SDK calls back on the tick after each answer.
    await waitFor(() => again.sent.size + again.failures.length === messages.length, { description: 'the SDK to call back for every message' });
    expect(again.failures).toEqual([]);
    expect([...again.sent.keys()].sort()).toEqual(messages.map((m) => m.messageId).sort());
    await waitFor(async () => (await pipeline.workerMetric('pushrail_events_duplicates_skipped_total')) >= 6, {
      timeoutMs: 20_000,
      description: 'the worker to skip the 6 re-sent events as duplicates',
    });
    expect(await pipeline.rows()).toEqual(before);
  });

  test('a bad write key is a 401 the SDK does not retry', async () => {
    const errors: unknown[] = [];
    const { client, failures, callback } = rudderClient(pipeline, { writeKey: 'pr_live_not_a_key', errorHandler: (error) => errors.push(error) });
    client.track({ userId: 'u', event: 'Refused' }, callback);
    await client.flush().catch(() => undefined);
    await waitFor(() => errors.length === 1 && failures.length === 1, { description: 'the SDK to report the failure' });
    const error = errors[0] as { response: { status: number }; config: Record<string, { retryCount: number }> };
    expect(error.response.status).toBe(401);
    expect(error.config['axios-retry']!.retryCount).toBe(0);
  });

  test('a message over 32 KB, which this SDK only warns about, gets Segment\'s 400: not retried, nothing lands', async () => {
    const errors: unknown[] = [];
    const rowsBefore = await pipeline.rowCount();
    const { client, failures, callback } = rudderClient(pipeline, { errorHandler: (error) => errors.push(error) });
    client.track({ userId: 'u', event: 'Too Big', properties: { blob: 'x'.repeat(33 * 1024) } }, callback);
    await client.flush().catch(() => undefined);
    await waitFor(() => errors.length === 1 && failures.length === 1, { description: 'the SDK to report the failure' });
    const error = errors[0] as { response: { status: number; data: { error: { code: string; invalidEvents: Array<{ index: number }> } } }; config: Record<string, { retryCount: number }> };
    expect(error.response.status).toBe(400);
    expect(error.response.data.error.code).toBe('invalid_events');
    expect(error.response.data.error.invalidEvents.map((e) => e.index)).toEqual([0]);
    expect(error.config['axios-retry']!.retryCount).toBe(0);
    expect(await pipeline.rowCount()).toBe(rowsBefore);
  });

  test('a gzip body that inflates past 500 KB is Segment\'s 400 (batch_too_large), read no further than the limit', async () => {
    const batch = Array.from({ length: 20 }, (_, i) => ({ type: 'track', event: 'Bulk', messageId: `bulk-${i}`, userId: 'u', properties: { blob: 'x'.repeat(30 * 1024) } }));
    const body = gzipSync(JSON.stringify({ batch }));
    expect(body.length).toBeLessThan(32 * 1024);
    const answer = await fetch(`${pipeline.baseUrl}/segment/v1/batch`, {
      method: 'POST',
      headers: { authorization: basicAuth(pipeline.writeKey), 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body,
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('batch_too_large');
  });
});
