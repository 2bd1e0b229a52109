/**
 * Tenants as an operator lives with them (docs/operations.md): the list a
 * page at a time, a tenant's write keys with when each was last used, and
 * deleting a tenant: its keys stop at once, and events still queued are
 * dropped only with ?force=true (409 naming them otherwise).
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@pushrail/testing';
import { controlRows, Pipeline, queueJobTotal, seedEvent } from './pipeline';

describe('admin API: tenant list, write-key list, tenant delete', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  const createTenant = async (name: string): Promise<string> => {
    const answer = await pipeline.admin('POST', '/admin/v1/tenants', { name });
    expect(answer.status).toBe(201);
    return answer.body.id;
  };

  it('lists every tenant once, in creation order, a page at a time', async () => {
    const ids = [pipeline.tenantId];
    for (let i = 0; i < 4; i++) ids.push(await createTenant(`Paged ${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await pipeline.admin('GET', `/admin/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      expect(answer.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...answer.body.items.map((t: { id: string }) => t.id));
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(ids.slice(0, seen.length));
    expect(seen.length).toBeGreaterThanOrEqual(ids.length);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await pipeline.admin('GET', '/admin/v1/tenants');
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items[0]).toEqual({ id: pipeline.tenantId, name: 'Acme', rateLimitPerSec: null, createdAt: expect.any(String) });
  });

  it('refuses a bad page size or cursor with the path of the problem', async () => {
    for (const [query, path] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${Buffer.from('["x","y"]').toString('base64url')}`, 'cursor'],
      ['colour=red', 'colour'],
    ]) {
      const answer = await pipeline.admin('GET', `/admin/v1/tenants?${query}`);
      expect({ query, status: answer.status, code: answer.body.error.code }).toEqual({ query, status: 400, code: 'invalid_request' });
      expect(answer.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
  });

  it("lists a tenant's write keys with prefix, creation, last use and revocation, never the key", async () => {
    const tenantId = await createTenant('Keys');
    const used = await pipeline.admin('POST', `/admin/v1/tenants/${tenantId}/write-keys`);
    const revoked = await pipeline.admin('POST', `/admin/v1/tenants/${tenantId}/write-keys`);
    expect((await pipeline.admin('DELETE', `/admin/v1/write-keys/${revoked.body.id}`)).status).toBe(204);
    const before = Date.now();
    // The tenant has no destination: the event is accepted and stored nowhere, but the key was used.
    expect((await pipeline.postEvent(seedEvent(), used.body.key)).status).toBe(202);

    const answer = await pipeline.admin('GET', `/admin/v1/tenants/${tenantId}/write-keys`);
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([
      { id: used.body.id, prefix: used.body.prefix, createdAt: used.body.createdAt, lastUsedAt: expect.any(String), revokedAt: null },
      { id: revoked.body.id, prefix: revoked.body.prefix, createdAt: revoked.body.createdAt, lastUsedAt: null, revokedAt: expect.any(String) },
    ]);
    expect(Date.parse(answer.body.items[0].lastUsedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(answer.text).not.toContain(used.body.key);
    const stored = (await controlRows(pipeline, 'write_keys')).find((k) => k.id === used.body.id)!;
    expect(answer.text).not.toContain(String(stored.key_hash));

    for (const id of [randomUUID(), 'nope']) {
      const missing = await pipeline.admin('GET', `/admin/v1/tenants/${id}/write-keys`);
      expect({ id, status: missing.status, code: missing.body.error.code }).toEqual({ id, status: 404, code: 'not_found' });
    }
  });

  it('refuses to drop queued events without force (409 naming them, nothing deleted), then deletes everything with it', async () => {
    const tenantId = await createTenant('Leaving');
    const key = (await pipeline.admin('POST', `/admin/v1/tenants/${tenantId}/write-keys`)).body.key as string;
    const destination = await pipeline.admin('POST', '/admin/v1/destinations', { tenantId, ...pipeline.destinationConfig({ name: 'Leaving DB' }) });
    expect(destination.status).toBe(201);
    const destinationId: string = destination.body.id;
    expect((await pipeline.postBatch([seedEvent({ idempotencyKey: 'leaving-1' }), seedEvent({ idempotencyKey: 'leaving-2' })], key)).status).toBe(202);
    await pipeline.db.insertDeadLetters([
      {
        destinationId,
        eventId: randomUUID(),
        jobId: 'leaving-job',
        eventJson: '{}',
        errorKind: 'permanent',
        errorCode: '42P01',
        errorMessage: 'relation does not exist',
        attempts: 1,
        firstFailedAt: new Date(),
        lastFailedAt: new Date(),
      },
    ]);

    const refused = await pipeline.admin('DELETE', `/admin/v1/tenants/${tenantId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', queued: [{ destinationId, name: 'Leaving DB', queuedJobs: 1 }] });
    expect(refused.body.error.message).toMatch(/force=true/);
    expect((await pipeline.admin('GET', `/admin/v1/tenants/${tenantId}`)).status).toBe(200);
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'leaving-3' }), key)).status).toBe(202);
    expect(await queueJobTotal(pipeline, destinationId)).toBe(2);

    expect((await pipeline.admin('DELETE', `/admin/v1/tenants/${tenantId}?force=true`)).status).toBe(204);
    // The key stops at once on this process.
    expect((await pipeline.postEvent(seedEvent(), key)).status).toBe(401);
    expect((await pipeline.admin('GET', `/admin/v1/tenants/${tenantId}`)).status).toBe(404);
    expect((await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}`)).status).toBe(404);
    expect(await queueJobTotal(pipeline, destinationId)).toBe(0);
    expect((await controlRows(pipeline, 'dead_letters')).filter((d) => d.destination_id === destinationId)).toEqual([]);
    expect((await controlRows(pipeline, 'write_keys')).filter((k) => k.tenant_id === tenantId)).toEqual([]);
    expect((await pipeline.admin('DELETE', `/admin/v1/tenants/${tenantId}?force=true`)).status).toBe(404);
  });

  it('deletes a tenant with nothing queued without force; other tenants keep working', async () => {
    const tenantId = await createTenant('Empty');
    expect((await pipeline.admin('DELETE', `/admin/v1/tenants/${tenantId}`)).status).toBe(204);
    expect((await pipeline.postEvent(seedEvent({ idempotencyKey: 'still-here' }))).status).toBe(202);
    await waitFor(async () => (await queueJobTotal(pipeline)) >= 1, { description: "the seed tenant's event queued" });
  });

  it('refuses a bad force value and answers 404 for an unknown or malformed id', async () => {
    const bad = await pipeline.admin('DELETE', `/admin/v1/tenants/${pipeline.tenantId}?force=1`);
    expect({ status: bad.status, path: bad.body.error.issues[0].path }).toEqual({ status: 400, path: 'force' });
    for (const id of [randomUUID(), 'x', '1']) {
      expect((await pipeline.admin('DELETE', `/admin/v1/tenants/${id}`)).status).toBe(404);
    }
    expect((await pipeline.admin('GET', `/admin/v1/tenants/${pipeline.tenantId}`)).status).toBe(200);
  });
});
