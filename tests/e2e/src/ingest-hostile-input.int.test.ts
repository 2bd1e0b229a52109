/**
 * Issue 16's classes of hostile input, one test each: every one is answered
 * with a 4xx in the JSON error shape (never a 500, never an empty body), and
 * nothing that could not land is accepted.
 */
import { gzipSync } from 'node:zlib';
import { ADMIN_TOKEN, Pipeline, queueJobTotal, seedEvent, type HttpAnswer } from './pipeline';
import { headerOf, isJsonError, rawRequest } from './raw-http';

function expectError(answer: HttpAnswer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
}

const issuePaths = (issues: Array<{ path: string }>) => issues.map((i) => i.path).sort();

describe('ingest: hostile input gets a 4xx in the JSON error shape, and nothing is accepted that cannot land', () => {
  let pipeline: Pipeline;
  let port: number;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    port = Number(new URL(pipeline.baseUrl).port);
  });

  afterAll(async () => {
    await pipeline.close();
  });

  const post = (path: string, rawBody: string) =>
    pipeline.request('POST', path, { rawBody, headers: { 'content-type': 'application/json', authorization: `Bearer ${pipeline.writeKey}` } });

  it('answers bad percent-encoding in an :id segment with a 404, on every :id route', async () => {
    for (const segment of ['%', '%zz', '%E0%A4', '%C0%AF', '%ED%A0%80', '%FF']) {
      for (const [method, path] of [
        ['GET', `/admin/v1/tenants/${segment}`],
        ['PATCH', `/admin/v1/tenants/${segment}`],
        ['POST', `/admin/v1/tenants/${segment}/write-keys`],
        ['DELETE', `/admin/v1/write-keys/${segment}`],
        ['GET', `/admin/v1/destinations/${segment}`],
        ['POST', `/admin/v1/destinations/${segment}/pause`],
        ['GET', `/admin/v1/destinations/${segment}/ddl`],
        ['GET', `/admin/v1/dead-letters/${segment}`],
      ] as const) {
        const answer = await rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nConnection: close\r\n\r\n`);
        expect({ method, path, status: answer.status, json: isJsonError(answer) }).toEqual({ method, path, status: 404, json: true });
      }
    }
  });

  it('refuses an unpaired surrogate in idempotencyKey, alone and in a batch, naming the path', async () => {
    const before = await queueJobTotal(pipeline);
    const single = await post('/v1/events', JSON.stringify(seedEvent()).replace('"order_38a91f-completed"', '"key-\\ud800"'));
    expectError(single, 400, 'invalid_request');
    expect(issuePaths(single.body.error.issues)).toEqual(['idempotencyKey']);
    const batch = await post('/v1/batch', `{"events":[${JSON.stringify(seedEvent())},${JSON.stringify(seedEvent()).replace('"order_38a91f-completed"', '"\\udfff"')}]}`);
    expectError(batch, 400, 'invalid_events');
    expect(batch.body.error.invalidEvents).toEqual([{ index: 1, issues: [{ path: 'events[1].idempotencyKey', message: expect.stringMatching(/surrogate/) }] }]);
    expect(await queueJobTotal(pipeline)).toBe(before);
  });

  it('refuses NUL in text fields, unpaired surrogates anywhere, occurredAt out of range and numbers JSON cannot carry, each by path', async () => {
    const before = await queueJobTotal(pipeline);
    const cases: Array<[string, string[]]> = [
      [JSON.stringify(seedEvent({ eventType: 'a\u0000b', source: 'x\u0000' })), ['eventType', 'source']],
      [JSON.stringify(seedEvent({ occurredAt: '0000-12-31T00:00:00Z' })), ['occurredAt']],
      [JSON.stringify(seedEvent({ occurredAt: '9999-12-31T23:59:59-23:59' })), ['occurredAt']],
      [JSON.stringify(seedEvent({ payload: { amount: 1 } })).replace('"amount":1', '"amount":12345678901234567890'), ['payload.amount']],
      [JSON.stringify(seedEvent({ payload: { list: [1, 2] } })).replace('[1,2]', '[1,1e400]'), ['payload.list[1]']],
      [JSON.stringify(seedEvent({ metadata: { note: 'x' } })).replace('"x"', '"\\udc00"'), ['metadata.note']],
      [JSON.stringify(seedEvent({ payload: { k: 1 } })).replace('"k"', '"k\\ud800"'), ['payload.k\ud800']],
    ];
    for (const [body, paths] of cases) {
      const answer = await post('/v1/events', body);
      expectError(answer, 400, 'invalid_request');
      expect(issuePaths(answer.body.error.issues)).toEqual(paths);
    }
    // A body that is not UTF-8 would be read with U+FFFD in place of its bytes: refused, not changed.
    const notUtf8 = Buffer.from(JSON.stringify(seedEvent({ source: 'caf\u00e9' })), 'latin1');
    const answer = await rawRequest(port, Buffer.concat([
      Buffer.from(`POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${pipeline.writeKey}\r\nContent-Type: application/json\r\nContent-Length: ${notUtf8.length}\r\nConnection: close\r\n\r\n`),
      notUtf8,
    ]));
    expect({ status: answer.status, code: JSON.parse(answer.body).error.code }).toEqual({ status: 400, code: 'invalid_json' });
    expect(await queueJobTotal(pipeline)).toBe(before);
    // What is exact is still taken: a big integer a double carries, 1e300, and NUL inside the payload (a bad row of its destination, dead-lettered there).
    const fine = JSON.stringify(seedEvent({ idempotencyKey: 'exact-numbers', payload: { n: 1, s: 'a\u0000' } })).replace('"n":1', '"n":[9007199254740992,1e300,0.30000000000000004]');
    expect((await post('/v1/events', fine)).status).toBe(202);
  });

  it('refuses on the Segment routes, too, what parsing the JSON would change, and a body that is not UTF-8', async () => {
    const before = await queueJobTotal(pipeline);
    const segment = (path: string, rawBody: string) =>
      pipeline.request('POST', path, {
        rawBody,
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${pipeline.writeKey}:`).toString('base64')}` },
      });
    const track = JSON.stringify({ event: 'Order Completed', userId: 'u-1', messageId: 'm-1', properties: { total: 1, note: 'x' } });
    const cases: Array<[string, string, string[]]> = [
      ['/segment/v1/track', track.replace('"total":1', '"total":1e400'), ['properties.total']],
      ['/segment/v1/track', track.replace('"x"', '"\\ud800"'), ['properties.note']],
      ['/segment/v1/batch', JSON.stringify({ batch: [JSON.parse(track)] }).replace('"total":1', '"total":12345678901234567890'), ['batch[0].properties.total']],
    ];
    for (const [path, body, paths] of cases) {
      const answer = await segment(path, body);
      expectError(answer, 400, 'invalid_request');
      expect(issuePaths(answer.body.error.issues)).toEqual(paths);
    }
    const notUtf8 = Buffer.from(JSON.stringify({ ...JSON.parse(track), properties: { note: 'caf\u00e9' } }), 'latin1');
    const answer = await rawRequest(port, Buffer.concat([
      Buffer.from(`POST /segment/v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(`${pipeline.writeKey}:`).toString('base64')}\r\nContent-Type: application/json\r\nContent-Length: ${notUtf8.length}\r\nConnection: close\r\n\r\n`),
      notUtf8,
    ]));
    expect({ status: answer.status, code: JSON.parse(answer.body).error.code }).toEqual({ status: 400, code: 'invalid_json' });
    expect(await queueJobTotal(pipeline)).toBe(before);
    expect((await segment('/segment/v1/track', track)).status).toBe(200);
  });

  it('answers since/until of dead letters out of range or invalid with a 400, on the listing and the redrive', async () => {
    for (const query of ['since=2026-01-01T00:00:00Z&until=yesterday', 'since=0000-01-01T00:00:00Z', 'until=9999-12-31T23:59:59-23:59', 'since=nope&until=nope']) {
      const answer = await pipeline.admin('GET', `/admin/v1/dead-letters?${query}`);
      expectError(answer, 400, 'invalid_request');
    }
    for (const range of [{ since: '2026-01-01T00:00:00Z', until: 'x' }, { since: '0000-01-01T00:00:00Z' }, { until: '9999-12-31T23:59:59-23:59' }]) {
      const answer = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId: pipeline.destinationId, ...range });
      expectError(answer, 400, 'invalid_request');
    }
    // The edges of the range reach PostgreSQL and work.
    const edges = await pipeline.admin('GET', `/admin/v1/dead-letters?since=${encodeURIComponent('0001-01-01T00:00:00+15:59')}&until=${encodeURIComponent('9999-12-31T23:59:59-15:59')}`);
    expect(edges.status).toBe(200);
  });

  it('refuses U+0000 and unpaired surrogates anywhere in an admin body, keys included, naming the path', async () => {
    const tenant = await pipeline.admin('POST', '/admin/v1/tenants', { name: 'Evil\u0000Corp' });
    expectError(tenant, 400, 'invalid_request');
    expect(issuePaths(tenant.body.error.issues)).toEqual(['name']);
    const destination = await pipeline.request('POST', '/admin/v1/destinations', {
      rawBody: JSON.stringify({ tenantId: pipeline.tenantId, ...pipeline.destinationConfig({ name: 'x', table: 'ev' }) })
        .replace('"name":"x"', '"name":"\\ud800"')
        .replace('"table":"ev"', '"table":"e\\u0000v","a\\udc00":1'),
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });
    expectError(destination, 400, 'invalid_request');
    expect(issuePaths(destination.body.error.issues)).toEqual(['a\udc00', 'name', 'table']);
    const patch = await pipeline.admin('PATCH', `/admin/v1/destinations/${pipeline.destinationId}`, { auth: { username: 'w\u0000' } });
    expectError(patch, 400, 'invalid_request');
    expect(issuePaths(patch.body.error.issues)).toEqual(['auth.username']);
  });

  it('answers an admin body whose Content-Encoding does not decode with a 400', async () => {
    for (const [encoding, body] of [['gzip', Buffer.from('not gzip at all')], ['deflate', gzipSync('{}').subarray(0, 5)], ['gzip', gzipSync('{"name":')]] as const) {
      const answer = await rawRequest(port, Buffer.concat([
        Buffer.from(`POST /admin/v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Encoding: ${encoding}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`),
        body,
      ]));
      expect({ status: answer.status, json: isJsonError(answer) }).toEqual({ status: 400, json: true });
    }
  });

  it('gives the answers Node writes before the app runs the JSON error shape', async () => {
    const requests: Array<[string, number]> = [
      ['POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400],
      ['POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400],
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: the-unexpected\r\n\r\n', 417],
      ['GET /healthz HTTP/1.1\r\nHo st: x\r\n\r\n', 400],
    ];
    for (const [request, status] of requests) {
      const answer = await rawRequest(port, request);
      expect({ request: request.slice(0, 60), status: answer.status, json: isJsonError(answer) }).toEqual({ request: request.slice(0, 60), status, json: true });
      expect(headerOf(answer, 'x-content-type-options')).toBe('nosniff');
    }
  });

  it('answers an admin Content-Length over the limit at once, without waiting for the body', async () => {
    const answer = await rawRequest(
      port,
      `POST /admin/v1/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${6 * 1024 * 1024}\r\n\r\n{"na`,
      5_000,
    );
    expect({ status: answer.status, json: isJsonError(answer) }).toEqual({ status: 413, json: true });
  });

  it('sets the security headers on every answer, and Bull Board does not announce express', async () => {
    for (const [path, headers] of [
      ['/healthz', {}],
      ['/admin/queues', { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['/admin/v1/nowhere', { authorization: `Bearer ${ADMIN_TOKEN}` }],
      ['/v1/events', {}],
    ] as const) {
      const answer = await pipeline.request(path === '/v1/events' ? 'POST' : 'GET', path, { headers });
      expect({ path, nosniff: answer.headers.get('x-content-type-options'), frame: answer.headers.get('x-frame-options'), poweredBy: answer.headers.get('x-powered-by') }).toEqual({
        path,
        nosniff: 'nosniff',
        frame: 'DENY',
        poweredBy: null,
      });
    }
  });
});
