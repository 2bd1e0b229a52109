/**
 * `DELETE /admin/v1/write-keys/:id`: the key stops working at once on the
 * ingest process that revoked it, and within 1 second on every other one,
 * even one that authenticated the key a moment before (its cache).
 */
import { waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent, startIngestReplica, type IngestReplica } from './pipeline';

describe('write key revocation across two ingest processes', () => {
  let pipeline: Pipeline;
  let replica: IngestReplica;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    replica = await startIngestReplica(pipeline);
  });

  afterAll(async () => {
    await replica?.close();
    await pipeline?.close();
  });

  const postTo = (baseUrl: string, key: string, idempotencyKey: string) =>
    fetch(`${baseUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(seedEvent({ idempotencyKey })),
    });

  it('stops a revoked key at once where it was revoked and within 1 s on the other process', async () => {
    const created = await pipeline.admin('POST', `/admin/v1/tenants/${pipeline.tenantId}/write-keys`);
    expect(created.status).toBe(201);
    const { id, key } = created.body as { id: string; key: string };
    const other = (await pipeline.admin('POST', `/admin/v1/tenants/${pipeline.tenantId}/write-keys`)).body.key as string;

    // Both processes have just authenticated (and so cached) the key.
    expect((await postTo(pipeline.baseUrl, key, 'before-revoke-a')).status).toBe(202);
    expect((await postTo(replica.baseUrl, key, 'before-revoke-b')).status).toBe(202);

    expect((await pipeline.admin('DELETE', `/admin/v1/write-keys/${id}`)).status).toBe(204);
    const onRevoker = await postTo(pipeline.baseUrl, key, 'after-revoke-a');
    expect(onRevoker.status).toBe(401);
    expect(((await onRevoker.json()) as { error: { code: string } }).error.code).toBe('unauthorized');

    let tries = 0;
    await waitFor(async () => (await postTo(replica.baseUrl, key, `after-revoke-b-${tries++}`)).status === 401, {
      description: 'the other ingest process to refuse the revoked key',
      timeoutMs: 1_000,
      intervalMs: 20,
    });

    // Only that key: another key of the same tenant still works on both.
    expect((await postTo(pipeline.baseUrl, other, 'other-key-a')).status).toBe(202);
    expect((await postTo(replica.baseUrl, other, 'other-key-b')).status).toBe(202);
    // Revoking again is harmless (the admin tests cover unknown ids).
    expect((await pipeline.admin('DELETE', `/admin/v1/write-keys/${id}`)).status).toBe(204);
  });
});
