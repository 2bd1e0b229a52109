/**
 * Every request can be found (docs/operations.md): a request id on every
 * answer (the caller's when sane), in every error body, in one access-log
 * line per request, and carried in the job into the worker's batch line;
 * HTTP metrics by route template, never by raw path.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { waitFor } from '@pushrail/testing';
import { ADMIN_TOKEN, Pipeline, seedEvent } from './pipeline';
import { metricValue, parsePrometheusText } from './prometheus-text';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids, access logs and HTTP metrics', () => {
  const lines: Array<Record<string, any>> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const raw: string[] = [];
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start({
      logLevel: 'info',
      destination: { flushIntervalSec: 0.2 },
      logDestination: new Writable({
        write(chunk, _encoding, done) {
          for (const line of String(chunk).split('\n')) {
            if (!line) continue;
            raw.push(line);
            lines.push(JSON.parse(line));
          }
          done();
        },
      }),
    });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  const accessLine = (requestId: string) =>
    waitFor(() => lines.find((l) => l.requestId === requestId && (l.msg === 'request completed' || l.msg === 'request failed')), {
      description: `the access-log line of ${requestId}`,
    });

  it('takes a sane X-Request-Id, returns it, logs the request once and names it in the worker’s batch line', async () => {
    const requestId = `trace-${randomUUID()}`;
    const answer = await pipeline.request('POST', '/v1/events', {
      body: seedEvent({ idempotencyKey: 'request-id-1' }),
      headers: { authorization: `Bearer ${pipeline.writeKey}`, 'x-request-id': requestId },
    });
    expect(answer.status).toBe(202);
    expect(answer.headers.get('x-request-id')).toBe(requestId);

    const access = await accessLine(requestId);
    expect(access).toMatchObject({ level: 30, route: '/v1/events', req: { method: 'POST', url: '/v1/events' }, res: { statusCode: 202 } });
    expect(typeof access.durationMs).toBe('number');
    expect(lines.filter((l) => l.requestId === requestId && l.msg === 'request completed')).toHaveLength(1);

    const batch = await waitFor(
      () => lines.find((l) => l.msg === 'batch delivered' && (l.eventIds as string[]).includes(answer.body.eventId)),
      { description: "the worker's batch line" },
    );
    expect(batch.requestIds).toContain(requestId);
  });

  it('names every request of a batch request and of group-committed single events in the batch line', async () => {
    const batchId = `batch-${randomUUID()}`;
    const batch = await pipeline.request('POST', '/v1/batch', {
      body: { events: [seedEvent({ idempotencyKey: 'request-id-b1' }), seedEvent({ idempotencyKey: 'request-id-b2' })] },
      headers: { authorization: `Bearer ${pipeline.writeKey}`, 'x-request-id': batchId },
    });
    expect(batch.status).toBe(202);
    const singles = await Promise.all(
      [1, 2, 3].map((i) =>
        pipeline.request('POST', '/v1/events', {
          body: seedEvent({ idempotencyKey: `request-id-s${i}` }),
          headers: { authorization: `Bearer ${pipeline.writeKey}`, 'x-request-id': `single-${i}-${batchId}` },
        }),
      ),
    );
    const eventIds = [...batch.body.eventIds, ...singles.map((s) => s.body.eventId)] as string[];
    await waitFor(async () => (await pipeline.rowCount()) === 6, { description: 'six rows' });
    const batchLines = lines.filter((l) => l.msg === 'batch delivered' && (l.eventIds as string[]).some((id) => eventIds.includes(id)));
    const named = new Set(batchLines.flatMap((l) => l.requestIds as string[]));
    for (const id of [batchId, ...[1, 2, 3].map((i) => `single-${i}-${batchId}`)]) expect(named).toContain(id);
  });

  it('replaces an X-Request-Id that is not sane with a fresh UUID, and never logs what was sent', async () => {
    for (const sent of ['two words', 'x'.repeat(200), '<script>alert(1)</script>']) {
      const answer = await pipeline.request('GET', '/healthz', { headers: { 'x-request-id': sent } });
      const given = answer.headers.get('x-request-id')!;
      expect(given).toMatch(UUID);
      await accessLine(given);
    }
    expect(raw.join('\n')).not.toContain('<script>');
  });

  it('puts the request id in every error body, the header’s own', async () => {
    const answers = [
      await pipeline.postEvent({ ...seedEvent(), occurredAt: 'yesterday' }),
      await pipeline.postEvent(seedEvent(), 'pk_wrong'),
      await pipeline.request('POST', '/v1/batch', { rawBody: '{', headers: { authorization: `Bearer ${pipeline.writeKey}`, 'content-type': 'application/json' } }),
      await pipeline.admin('GET', `/admin/v1/destinations/${randomUUID()}`),
      await pipeline.admin('POST', '/admin/v1/tenants', { name: '' }),
      await pipeline.request('GET', '/admin/v1/tenants/x'),
      await pipeline.request('GET', '/no/such/route'),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.body.error.requestId).toBe(answer.headers.get('x-request-id'));
      expect(answer.body.error.requestId).toMatch(UUID);
    }
    const sent = `client-${randomUUID()}`;
    const refused = await pipeline.request('POST', '/v1/events', { body: {}, headers: { authorization: `Bearer ${pipeline.writeKey}`, 'x-request-id': sent } });
    expect(refused.body.error.requestId).toBe(sent);
    expect(await accessLine(sent)).toMatchObject({ route: '/v1/events', res: { statusCode: 400 } });
  });

  it('counts requests by route template, method and status, with durations; never a raw id', async () => {
    const unknown = randomUUID();
    await pipeline.admin('GET', `/admin/v1/destinations/${pipeline.destinationId}`);
    await pipeline.admin('GET', `/admin/v1/destinations/${unknown}`);
    await pipeline.request('GET', `/nothing/${unknown}`);
    await pipeline.request('GET', `/admin/v1/tenants/${unknown}`);
    const text = (await pipeline.request('GET', '/metrics')).text;
    const samples = parsePrometheusText(text);
    const route = '/admin/v1/destinations/:id';
    expect(metricValue(samples, 'pushrail_http_requests_total', { route, method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'pushrail_http_requests_total', { route, method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'pushrail_http_requests_total', { route: '/v1/events', method: 'POST', status: '202' })).toBeGreaterThanOrEqual(4);
    expect(metricValue(samples, 'pushrail_http_requests_total', { route: '/v1/events', method: 'POST', status: '400' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'pushrail_http_requests_total', { route: '(unmatched)', method: 'GET', status: '404' })).toBeGreaterThanOrEqual(1);
    // A 401 before routing is counted under the admin prefix, not its path.
    expect(metricValue(samples, 'pushrail_http_requests_total', { route: '/admin/*', method: 'GET', status: '401' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'pushrail_http_request_duration_seconds_count', { route, method: 'GET' })).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(unknown);
    const routes = [...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!);
    expect(routes.length).toBeGreaterThan(5);
    expect(routes.filter((r) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(r))).toEqual([]);
  });

  it('names each destination in pushrail_destination_info, for dashboards to join on', async () => {
    const samples = parsePrometheusText((await pipeline.request('GET', '/metrics')).text);
    expect(
      metricValue(samples, 'pushrail_destination_info', {
        destination_id: pipeline.destinationId,
        tenant_id: pipeline.tenantId,
        name: 'Customer Postgres',
        type: 'POSTGRES',
      }),
    ).toBe(1);
  });

  it('never logs a write key, the admin token or a request header', () => {
    const all = raw.join('\n');
    expect(all).not.toContain(pipeline.writeKey);
    expect(all).not.toContain(ADMIN_TOKEN);
    expect(all).not.toMatch(/"authorization"/i);
  });
});
