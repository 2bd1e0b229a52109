/**
 * @pushrail/client against a real stack: ingest, Redis, a worker and the
 * customer's PostgreSQL. Every row is checked by id: the client's
 * idempotency key must make each event exactly one row, whatever it retried.
 */
import { ClientClosedError, PushrailClient, QueueFullError, type DropReason, type QueuedClientEvent } from '@pushrail/client';
import { deriveEventId } from '@pushrail/events';
import { getFreePort, waitFor } from '@pushrail/testing';
import { ingestEnv, spawnIngest, type IngestProcess } from './ingest-process';
import { Pipeline } from './pipeline';

const EVENT = { eventType: 'order.completed', customerExternalId: 'acct_1', payload: { amount: 1 } };

/** The customer table holds exactly one row per key, with the event id each key derives. */
async function expectExactlyOneRowEach(pipeline: Pipeline, keys: string[]): Promise<void> {
  await waitFor(async () => (await pipeline.rowCount()) >= keys.length, { timeoutMs: 30_000, description: `${keys.length} rows` });
  const ids = (await pipeline.rows()).map((row) => row.event_id as string).sort();
  expect(ids).toEqual(keys.map((key) => deriveEventId(pipeline.tenantId, key)).sort());
}

describe('@pushrail/client against a running stack', () => {
  let pipeline: Pipeline;

  beforeEach(async () => {
    pipeline = await Pipeline.start();
  });

  afterEach(async () => {
    await pipeline.close();
  });

  test('batches by count and by time; every event is one row under the id its idempotency key derives', async () => {
    const client = new PushrailClient({ url: pipeline.baseUrl, writeKey: pipeline.writeKey, source: 'billing', flushAt: 100, flushIntervalMs: 50 });
    const keys = Array.from({ length: 250 }, (_, i) => client.send({ ...EVENT, payload: { i } }));
    // 2 batches go by count; the last 50 by time, with no flush() asked for.
    await waitFor(() => client.stats.delivered === 250, { description: 'the client to deliver all 250 by count and time' });
    expect(client.stats).toEqual({ delivered: 250, dropped: 0, retries: 0, pending: 0 });
    expect(new Set(keys).size).toBe(250);
    await client.close();
    await expectExactlyOneRowEach(pipeline, keys);
    const row = (await pipeline.rows())[0]!;
    expect(row).toMatchObject({ event_type: 'order.completed', source: 'billing', customer_external_id: 'acct_1' });
    expect(() => client.send(EVENT)).toThrow(ClientClosedError);
  });

  test('ingest killed (SIGKILL) and restarted mid-stream: nothing lost, nothing duplicated', async () => {
    const port = await getFreePort();
    let ingest: IngestProcess = await spawnIngest(ingestEnv(pipeline), { waitReady: true, port });
    const drops: DropReason[] = [];
    const client = new PushrailClient({
      url: `http://127.0.0.1:${port}`,
      writeKey: pipeline.writeKey,
      source: 'billing',
      flushAt: 50,
      flushIntervalMs: 20,
      backoff: { initialDelayMs: 50, maxDelayMs: 500 },
      maxAttempts: 1_000,
      onDrop: (_events, reason) => drops.push(reason),
    });
    const keys: string[] = [];
    const sendSome = async (count: number) => {
      for (let i = 0; i < count; i++) {
        keys.push(client.send({ ...EVENT, payload: { i: keys.length } }));
        if (i % 25 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    };

    await sendSome(1_000);
    ingest.child.kill('SIGKILL');
    await ingest.exited;
    await sendSome(1_000);
    await waitFor(() => client.stats.retries > 0, { description: 'the client to retry against the dead ingest' });
    expect(client.stats.pending).toBeGreaterThan(0);

    ingest = await spawnIngest(ingestEnv(pipeline), { waitReady: true, port });
    await sendSome(1_000);
    await client.close();
    ingest.child.kill('SIGTERM');
    await ingest.exited;

    expect(drops).toEqual([]);
    expect(client.stats).toMatchObject({ delivered: 3_000, dropped: 0, pending: 0 });
    await expectExactlyOneRowEach(pipeline, keys);
    const seen = (await pipeline.rows()).map((row) => row.payload.i as number).sort((a, b) => a - b);
    expect(seen).toEqual(Array.from({ length: 3_000 }, (_, i) => i));
  });

  test('429 over the tenant rate: waits out Retry-After and delivers every event once', async () => {
    expect((await pipeline.admin('PATCH', `/admin/v1/tenants/${pipeline.tenantId}`, { rateLimitPerSec: 200 })).status).toBe(200);
    const client = new PushrailClient({ url: pipeline.baseUrl, writeKey: pipeline.writeKey, source: 'billing', flushAt: 150, backoff: { initialDelayMs: 20, maxDelayMs: 200 } });
    const keys = Array.from({ length: 600 }, (_, i) => client.send({ ...EVENT, payload: { i } }));
    await client.flush();
    expect(client.stats).toMatchObject({ delivered: 600, dropped: 0 });
    expect(client.stats.retries).toBeGreaterThan(0);
    await client.close();
    await expectExactlyOneRowEach(pipeline, keys);
  });

  test('an invalid event is dropped as rejected; the rest of its batch is delivered', async () => {
    const dropped: Array<{ events: QueuedClientEvent[]; reason: DropReason }> = [];
    const client = new PushrailClient({ url: pipeline.baseUrl, writeKey: pipeline.writeKey, source: 'billing', onDrop: (events, reason) => dropped.push({ events, reason }) });
    const good = [client.send(EVENT), client.send(EVENT)];
    const bad = client.send({ ...EVENT, eventType: '' });
    good.push(client.send(EVENT));
    await client.close();
    expect(dropped.map((d) => ({ reason: d.reason, keys: d.events.map((e) => e.idempotencyKey) }))).toEqual([{ reason: 'rejected', keys: [bad] }]);
    await expectExactlyOneRowEach(pipeline, good);
  });

  test('an unknown write key is rejected (401) without a retry', async () => {
    const dropped: DropReason[] = [];
    const client = new PushrailClient({ url: pipeline.baseUrl, writeKey: 'pr_live_not_a_key', source: 'billing', onDrop: (events, reason) => dropped.push(...events.map(() => reason)) });
    client.send(EVENT);
    await client.close();
    expect(dropped).toEqual(['rejected']);
    expect(client.stats.retries).toBe(0);
  });
});

describe('@pushrail/client memory bound, with nothing listening at its URL', () => {
  let url: string;

  beforeAll(async () => {
    url = `http://127.0.0.1:${await getFreePort()}`;
  });

  const options = (onDrop: (events: QueuedClientEvent[], reason: DropReason) => void) => ({
    url,
    writeKey: 'pr_live_any',
    source: 'billing',
    flushAt: 1_000,
    flushIntervalMs: 60_000,
    maxQueueEvents: 3,
    onDrop,
  });

  test('overflow "error" (the default): send() throws QueueFullError and holds no more', async () => {
    const client = new PushrailClient(options(() => undefined));
    for (let i = 0; i < 3; i++) client.send(EVENT);
    expect(() => client.send(EVENT)).toThrow(QueueFullError);
    expect(client.stats.pending).toBe(3);
    await client.close({ timeoutMs: 10 });
    expect(client.stats).toMatchObject({ pending: 0, dropped: 3 });
  });

  test('overflow "drop-oldest" and "drop-newest" tell onDrop which events went', async () => {
    for (const overflow of ['drop-oldest', 'drop-newest'] as const) {
      const dropped: string[] = [];
      const client = new PushrailClient({ ...options((events, reason) => reason === 'queue_full' && dropped.push(...events.map((e) => e.idempotencyKey))), overflow });
      const keys = Array.from({ length: 5 }, () => client.send(EVENT));
      expect(client.stats.pending).toBe(3);
      expect(dropped).toEqual(overflow === 'drop-oldest' ? keys.slice(0, 2) : keys.slice(3));
      await client.close({ timeoutMs: 10 });
    }
  });

  test('close() with a time limit against a dead ingest drops what is left as "closed" and resolves', async () => {
    const reasons: DropReason[] = [];
    const client = new PushrailClient({ ...options((events, reason) => reasons.push(...events.map(() => reason))), flushIntervalMs: 1, backoff: { initialDelayMs: 10, maxDelayMs: 20 } });
    client.send(EVENT);
    client.send(EVENT);
    await waitFor(() => client.stats.retries > 0, { description: 'a retry against nothing' });
    await client.close({ timeoutMs: 50 });
    expect(reasons).toEqual(['closed', 'closed']);
  });
});
