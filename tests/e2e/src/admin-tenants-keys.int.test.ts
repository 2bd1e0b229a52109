/**
 * The admin API's gate, tenants and write keys (docs/design.md "HTTP (ingest)"):
 * 401 JSON and never a redirect without the admin token; tenants created,
 * read and patched with validation paths; write keys shown once and stored
 * hashed; unknown and malformed ids are 404, never 500.
 */
import { randomUUID } from 'node:crypto';
import { ADMIN_TOKEN, controlRows, Pipeline, seedEvent, type HttpAnswer } from './pipeline';

/** Every admin route, with a syntactically valid id where one is needed. */
function adminRoutes(ids: { tenant: string; destination: string }): Array<[string, string]> {
  return [
    ['POST', '/admin/v1/tenants'],
    ['GET', `/admin/v1/tenants/${ids.tenant}`],
    ['PATCH', `/admin/v1/tenants/${ids.tenant}`],
    ['POST', `/admin/v1/tenants/${ids.tenant}/write-keys`],
    ['DELETE', `/admin/v1/write-keys/${randomUUID()}`],
    ['POST', '/admin/v1/destinations'],
    ['GET', `/admin/v1/destinations?tenantId=${ids.tenant}`],
    ['GET', `/admin/v1/destinations/${ids.destination}`],
    ['PATCH', `/admin/v1/destinations/${ids.destination}`],
    ['DELETE', `/admin/v1/destinations/${ids.destination}`],
    ['POST', `/admin/v1/destinations/${ids.destination}/test`],
    ['POST', `/admin/v1/destinations/${ids.destination}/pause`],
    ['POST', `/admin/v1/destinations/${ids.destination}/resume`],
    ['GET', `/admin/v1/destinations/${ids.destination}/ddl`],
    ['GET', '/admin/v1/dead-letters'],
    ['GET', '/admin/v1/dead-letters/1'],
    ['POST', '/admin/v1/dead-letters/redrive'],
    ['GET', '/admin/queues'],
    ['GET', '/admin/v1/no-such-route'],
  ];
}

function expectError(answer: HttpAnswer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
}

function issuePaths(answer: HttpAnswer): string[] {
  return (answer.body.error.issues as Array<{ path: string }>).map((i) => i.path).sort();
}

describe('admin API: the token gate, tenants and write keys', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('answers 401 JSON, never a redirect, on every admin route without the token or with a wrong one', async () => {
    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${ADMIN_TOKEN}x` },
      { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` },
      // Basic is how a browser sends the token (Bull Board); only the right token as the password passes.
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}x`).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(ADMIN_TOKEN).toString('base64')}` },
      { authorization: ADMIN_TOKEN },
      { authorization: `Bearer ${pipeline.writeKey}` },
    ];
    const basic = await pipeline.request('GET', `/admin/v1/tenants/${pipeline.tenantId}`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    const before = await controlRows(pipeline, 'tenants');
    for (const [method, path] of adminRoutes({ tenant: pipeline.tenantId, destination: pipeline.destinationId })) {
      for (const headers of wrong) {
        const response = await fetch(pipeline.baseUrl + path, {
          method,
          redirect: 'manual',
          headers: { 'content-type': 'application/json', ...headers },
          ...(method === 'GET' ? {} : { body: JSON.stringify({ name: 'Intruder' }) }),
        });
        const text = await response.text();
        const label = `${method} ${path} with ${JSON.stringify(headers)}`;
        expect({ label, status: response.status, location: response.headers.get('location') }).toEqual({ label, status: 401, location: null });
        expect(JSON.parse(text).error.code).toBe('unauthorized');
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(text).not.toContain(ADMIN_TOKEN);
      }
    }
    // Nothing behind the gate ran: no tenant was created, the destination is still there and not paused.
    expect(await controlRows(pipeline, 'tenants')).toHaveLength(before.length);
    const destination = await pipeline.admin('GET', `/admin/v1/destinations/${pipeline.destinationId}`);
    expect(destination.status).toBe(200);
    expect(destination.body.paused).toBe(false);
  });

  it('creates, reads and patches a tenant; rateLimitPerSec goes from null to a number and back', async () => {
    const created = await pipeline.admin('POST', '/admin/v1/tenants', { name: '  Globex  ' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Globex', rateLimitPerSec: null, createdAt: expect.any(String) });
    const id = created.body.id as string;

    expect((await pipeline.admin('GET', `/admin/v1/tenants/${id}`)).body).toEqual(created.body);

    const limited = await pipeline.admin('PATCH', `/admin/v1/tenants/${id}`, { rateLimitPerSec: 50 });
    expect(limited.status).toBe(200);
    expect(limited.body.rateLimitPerSec).toBe(50);
    // A patch that leaves the limit out keeps it.
    const renamed = await pipeline.admin('PATCH', `/admin/v1/tenants/${id}`, { name: 'Globex Corp' });
    expect(renamed.body).toMatchObject({ name: 'Globex Corp', rateLimitPerSec: 50 });
    expect((await pipeline.admin('GET', `/admin/v1/tenants/${id}`)).body).toMatchObject({ name: 'Globex Corp', rateLimitPerSec: 50 });

    const unlimited = await pipeline.admin('PATCH', `/admin/v1/tenants/${id}`, { rateLimitPerSec: null });
    expect(unlimited.status).toBe(200);
    expect(unlimited.body.rateLimitPerSec).toBeNull();
    expect((await pipeline.admin('GET', `/admin/v1/tenants/${id}`)).body).toMatchObject({ name: 'Globex Corp', rateLimitPerSec: null });
  });

  it('refuses bad tenant bodies with the path of each problem, changing nothing', async () => {
    const basic = await pipeline.request('GET', `/admin/v1/tenants/${pipeline.tenantId}`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    const before = await controlRows(pipeline, 'tenants');
    const badCreates: Array<[unknown, string[]]> = [
      [{}, ['name']],
      [{ name: '   ' }, ['name']],
      [{ name: 7 }, ['name']],
      [{ name: 'x'.repeat(201) }, ['name']],
      [{ name: 'Initech', plan: 'gold' }, ['plan']],
      [['Initech'], ['(root)']],
    ];
    for (const [body, paths] of badCreates) {
      const answer = await pipeline.admin('POST', '/admin/v1/tenants', body);
      expectError(answer, 400, 'invalid_request');
      expect({ body, paths: issuePaths(answer) }).toEqual({ body, paths });
    }
    const badPatches: Array<[unknown, string[]]> = [
      [{ rateLimitPerSec: 0 }, ['rateLimitPerSec']],
      [{ rateLimitPerSec: -5 }, ['rateLimitPerSec']],
      [{ rateLimitPerSec: 1.5 }, ['rateLimitPerSec']],
      [{ rateLimitPerSec: '10' }, ['rateLimitPerSec']],
      [{ name: '', rateLimitPerSec: 'fast' }, ['name', 'rateLimitPerSec']],
      [{ burst: 10 }, ['burst']],
    ];
    for (const [body, paths] of badPatches) {
      const answer = await pipeline.admin('PATCH', `/admin/v1/tenants/${pipeline.tenantId}`, body);
      expectError(answer, 400, 'invalid_request');
      expect({ body, paths: issuePaths(answer) }).toEqual({ body, paths });
    }
    expect(await controlRows(pipeline, 'tenants')).toEqual(before);
  });

  it('answers 415 to an admin body that is not JSON and 400 invalid_json to broken JSON', async () => {
    const basic = await pipeline.request('GET', `/admin/v1/tenants/${pipeline.tenantId}`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    const before = await controlRows(pipeline, 'tenants');
    const send = (contentType: string | undefined, body: string) =>
      pipeline.request('POST', '/admin/v1/tenants', {
        rawBody: body,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(contentType ? { 'content-type': contentType } : {}) },
      });
    expectError(await send('text/plain', '{"name":"Plain"}'), 415, 'unsupported_media_type');
    expectError(await send('application/x-www-form-urlencoded', 'name=Form'), 415, 'unsupported_media_type');
    expectError(await send(undefined, '{"name":"Untyped"}'), 415, 'unsupported_media_type');
    expectError(await send('application/json', '{"name":'), 400, 'invalid_json');
    expect(await controlRows(pipeline, 'tenants')).toHaveLength(before.length);
  });

  it('answers 404, never 500, to unknown and malformed tenant and key ids', async () => {
    for (const id of [randomUUID(), 'not-a-uuid', '1', "x'; DROP TABLE tenants; --", '00000000-0000-0000-0000-00000000000g']) {
      const encoded = encodeURIComponent(id);
      expectError(await pipeline.admin('GET', `/admin/v1/tenants/${encoded}`), 404, 'not_found');
      expectError(await pipeline.admin('PATCH', `/admin/v1/tenants/${encoded}`, { name: 'x' }), 404, 'not_found');
      expectError(await pipeline.admin('POST', `/admin/v1/tenants/${encoded}/write-keys`), 404, 'not_found');
      expectError(await pipeline.admin('DELETE', `/admin/v1/write-keys/${encoded}`), 404, 'not_found');
    }
  });

  it('shows a new write key once, in the pr_wk_ format, stores only its hash, and revokes it', async () => {
    const first = await pipeline.admin('POST', `/admin/v1/tenants/${pipeline.tenantId}/write-keys`);
    const second = await pipeline.admin('POST', `/admin/v1/tenants/${pipeline.tenantId}/write-keys`);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), key: expect.stringMatching(/^pr_wk_[A-Za-z0-9_-]{43}$/) });
    expect(second.body.key).not.toBe(first.body.key);
    const key = first.body.key as string;

    // It works…
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'new-key-works' }), key)).status).toBe(202);
    // …and the control database holds no copy of it: not in write_keys, not anywhere in the tenant's answer.
    const stored = await controlRows(pipeline, 'write_keys');
    const row = stored.find((r) => r.id === first.body.id);
    expect(row).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain(key);
    expect(JSON.stringify(stored)).not.toContain(key.slice(12));
    expect(row!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await pipeline.admin('GET', `/admin/v1/tenants/${pipeline.tenantId}`)).text).not.toContain(key.slice(12));

    expect((await pipeline.admin('DELETE', `/admin/v1/write-keys/${first.body.id}`)).status).toBe(204);
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'revoked-key' }), key)).status).toBe(401);
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'second-key-works' }), second.body.key)).status).toBe(202);
  });
});
