/**
 * The real @segment/analytics-node from npm, unmodified, pointed at ingest
 * (`host: <origin>, path: '/segment/v1/batch'`), delivering through a real
 * worker into the customer's PostgreSQL.
 */
import { Analytics } from '@segment/analytics-node';
import { waitFor } from '@pushrail/testing';
import { Pipeline } from './pipeline';
import { expectRowsOf, messagesOf, rowsWhenThere, type SegmentMessage } from './segment-rows';

interface SentRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** An SDK client on this pipeline that records each HTTP request it makes (its own `http_request` event). */
function segmentClient(pipeline: Pipeline, writeKey = pipeline.writeKey) {
  const analytics = new Analytics({ writeKey, host: pipeline.baseUrl, path: '/segment/v1/batch', flushAt: 20, flushInterval: 50, maxRetries: 3 });
  const requests: SentRequest[] = [];
  const errors: Array<{ code: string; reason?: unknown }> = [];
  analytics.on('http_request', (request) => requests.push(request as SentRequest));
  analytics.on('error', (error) => errors.push(error));
  return { analytics, requests, errors };
}

describe('@segment/analytics-node against ingest', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start();
  });

  afterAll(async () => {
    await pipeline.close();
  });

  test('every call type lands as the row the mapping table says; a retried batch adds nothing', async () => {
    const { analytics, requests, errors } = segmentClient(pipeline);
    analytics.track({ userId: 'user_42', event: 'Order Completed', properties: { orderId: 'ord_1', amount: 129 }, timestamp: new Date('2026-05-26T14:21:08.493Z') });
    analytics.identify({ userId: 'user_42', traits: { plan: 'pro', email: 'a@example.com' } });
    analytics.page({ anonymousId: 'anon_7', name: 'Pricing', properties: { path: '/pricing' } });
    analytics.screen({ userId: 'user_42', name: 'Home', properties: { variant: 'b' } });
    analytics.group({ userId: 'user_42', groupId: 'acme', traits: { seats: 10 } });
    analytics.alias({ userId: 'user_42', previousId: 'anon_7' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const messages: SegmentMessage[] = requests.flatMap((r) => messagesOf(r.body));
    expect(messages.map((m) => m.type).sort()).toEqual(['alias', 'group', 'identify', 'page', 'screen', 'track']);
    expect(new URL(requests[0]!.url).pathname).toBe('/segment/v1/batch');
    const rows = await rowsWhenThere(pipeline, 6);
    expectRowsOf(pipeline, rows, messages);
    expect([...rows.values()].map((r) => r.source)).toEqual(Array(6).fill('@segment/analytics-node'));

    // The SDK's retry is the same request again (same messageIds): it is accepted and adds no row.
    const before = await pipeline.rows();
    for (const request of requests) {
      const replay = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
      expect(replay.status).toBe(200);
      expect(((await replay.json()) as { success: boolean }).success).toBe(true);
    }
    await waitFor(async () => (await pipeline.workerMetric('pushrail_events_duplicates_skipped_total')) >= 6, {
      timeoutMs: 20_000,
      description: 'the worker to skip the 6 replayed events as duplicates',
    });
    expect(await pipeline.rows()).toEqual(before);
  });

  test('a bad write key is a delivery failure the SDK does not retry: [401] Unauthorized', async () => {
    const { analytics, requests, errors } = segmentClient(pipeline, 'pr_live_not_a_key');
    analytics.track({ userId: 'u', event: 'Refused' });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'delivery_failure' });
    expect(String(errors[0]!.reason)).toBe('Error: [401] Unauthorized');
    expect(requests).toHaveLength(1);
  });

  test('a message over 32 KB: the SDK refuses it when its own estimate sees it, and ingest answers Segment\'s 400 when it does not', async () => {
    const { analytics, requests, errors } = segmentClient(pipeline);
    // The SDK estimates size from encodeURI's output: two-byte characters count, so it refuses this itself.
    analytics.track({ userId: 'u', event: 'Too Big', properties: { blob: 'é'.repeat(17 * 1024) } });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(requests).toHaveLength(0);
    expect(errors.map((e) => String(e.reason))).toEqual(['Error: Event exceeds maximum event size of 32 KB']);

    // Its estimate misses plain ASCII (it counts only escapes and "i"s), so this one reaches ingest: 400, not retried, nothing lands.
    const second = segmentClient(pipeline);
    const rowsBefore = await pipeline.rowCount();
    second.analytics.track({ userId: 'u', event: 'Too Big', properties: { blob: 'x'.repeat(33 * 1024) } });
    await second.analytics.closeAndFlush({ timeout: 10_000 });
    expect(second.errors.map((e) => String(e.reason))).toEqual(['Error: [400] Bad Request']);
    expect(second.requests).toHaveLength(1);

    const direct = await pipeline.request('POST', '/segment/v1/track', {
      body: { userId: 'u', event: 'Too Big', messageId: 'too-big', properties: { blob: 'x'.repeat(33 * 1024) } },
      headers: { authorization: `Basic ${Buffer.from(`${pipeline.writeKey}:`).toString('base64')}` },
    });
    expect(direct.status).toBe(400);
    expect(direct.body.error.code).toBe('message_too_large');
    expect(await pipeline.rowCount()).toBe(rowsBefore);
  });
});
