/**
 * The customer portal's access and its tenant-scoped API (docs/portal.md):
 * single-use links, sessions, CSRF, read-only sessions, and isolation: a
 * session of tenant A can never read or change anything of tenant B, tried
 * on every route of the portal API with B's ids.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { insertDeadLetters, linkPath, portalLink, PortalSession, useLink } from './portal-support';
import { ADMIN_TOKEN, Pipeline } from './pipeline';

const CLI = path.resolve(__dirname, '../../../apps/cli/dist/main.js');

describe('portal API', () => {
  let pipeline: Pipeline;
  /** Tenant B: its destination, write key and dead letter, which A's session must never reach. */
  const b = { tenantId: '', destinationId: '', writeKeyId: '', deadLetterId: '' };
  let a: PortalSession;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    b.tenantId = (await pipeline.admin('POST', '/admin/v1/tenants', { name: 'Tenant B' })).body.id;
    b.destinationId = (await pipeline.admin('POST', '/admin/v1/destinations', { tenantId: b.tenantId, ...pipeline.destinationConfig({ name: 'B only' }) })).body.id;
    b.writeKeyId = (await pipeline.admin('POST', `/admin/v1/tenants/${b.tenantId}/write-keys`)).body.id;
    [b.deadLetterId] = await insertDeadLetters(pipeline, b.destinationId, 1);
    a = await PortalSession.forTenant(pipeline, pipeline.tenantId);
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it('makes a single-use link on the origin the request came to, which only its POST uses up; a second use and an unknown token are 410', async () => {
    const link = await pipeline.admin('POST', `/admin/v1/tenants/${pipeline.tenantId}/portal-links`, {});
    expect(link.status).toBe(201);
    expect(link.body.url.startsWith(`${pipeline.baseUrl}/portal/open/`)).toBe(true);
    const minutes = (Date.parse(link.body.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    // Its page, fetched any number of times (a link preview does this), sets no cookie and uses nothing up.
    for (let i = 0; i < 2; i++) {
      const page = await pipeline.request('GET', linkPath(link.body.url));
      expect(page.status).toBe(200);
      expect(page.headers.get('set-cookie')).toBeNull();
      expect(page.text).toContain(`<form method="post" action="${linkPath(link.body.url)}" data-open-link>`);
      expect(page.text).toContain('<script src="/portal/open-link.js" defer></script>');
    }
    const first = await useLink(pipeline, link.body.url);
    expect(first.status).toBe(200);
    expect(first.text).toContain('<meta http-equiv="refresh" content="0;url=/portal/">');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^pushrail_portal=[A-Za-z0-9_-]{43}; Path=\/portal; Max-Age=86400; HttpOnly; SameSite=Lax$/);
    const again = await useLink(pipeline, link.body.url);
    expect({ status: again.status, code: again.body.error.code }).toEqual({ status: 410, code: 'gone' });
    expect((await pipeline.request('GET', linkPath(link.body.url))).status).toBe(410);
    const asPage = await fetch(pipeline.baseUrl + linkPath(link.body.url), { headers: { accept: 'text/html' } });
    expect(asPage.status).toBe(410);
    expect(await asPage.text()).toContain('already used, has expired');
    expect((await pipeline.request('GET', `/portal/open/${'x'.repeat(43)}`)).status).toBe(410);
    expect((await pipeline.request('POST', `/portal/open/${'x'.repeat(43)}`)).status).toBe(410);
    // Only hashes are stored.
    const stored = await pipeline.db.pool.query('SELECT token_hash FROM portal_links');
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(linkPath(link.body.url).split('/').pop());
  });

  it('refuses an expired link, and a link for an unknown tenant or with a bad body', async () => {
    const url = await portalLink(pipeline, pipeline.tenantId);
    await pipeline.db.pool.query(`UPDATE portal_links SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    expect((await pipeline.request('GET', linkPath(url))).status).toBe(410);
    expect((await useLink(pipeline, url)).status).toBe(410);
    expect((await pipeline.admin('POST', `/admin/v1/tenants/${randomUUID()}/portal-links`, {})).status).toBe(404);
    const bad = await pipeline.admin('POST', `/admin/v1/tenants/${pipeline.tenantId}/portal-links`, { readOnly: 'yes' });
    expect({ status: bad.status, paths: bad.body.error.issues.map((i: { path: string }) => i.path) }).toEqual({ status: 400, paths: ['readOnly'] });
    expect((await pipeline.request('POST', `/admin/v1/tenants/${pipeline.tenantId}/portal-links`, { body: {} })).status).toBe(401);
  });

  it('answers 401 without a session, 403 for a change without the CSRF token, and 403 for any change in a read-only session', async () => {
    expect((await pipeline.request('GET', '/portal/api/destinations')).status).toBe(401);
    expect((await pipeline.request('GET', '/portal/api/destinations', { headers: { cookie: 'pushrail_portal=forged' } })).status).toBe(401);
    const noCsrf = await pipeline.request('POST', '/portal/api/write-keys', { headers: { cookie: a.cookie } });
    expect({ status: noCsrf.status, code: noCsrf.body.error.code }).toEqual({ status: 403, code: 'forbidden' });
    expect((await a.request('POST', '/portal/api/write-keys', undefined, { 'x-pushrail-csrf': 'wrong' })).status).toBe(403);

    const readOnly = await PortalSession.forTenant(pipeline, pipeline.tenantId, { readOnly: true });
    const session = await readOnly.request('GET', '/portal/api/session');
    expect(session.body).toMatchObject({ readOnly: true, tenant: { id: pipeline.tenantId, name: 'Acme' } });
    expect((await readOnly.request('GET', '/portal/api/destinations')).body.items).toHaveLength(1);
    const keysBefore = (await readOnly.request('GET', '/portal/api/write-keys')).body.items.length;
    const refused = await readOnly.request('POST', '/portal/api/write-keys');
    expect({ status: refused.status, message: refused.body.error.message }).toEqual({ status: 403, message: 'this portal session is read-only' });
    expect((await readOnly.request('POST', `/portal/api/destinations/${pipeline.destinationId}/pause`)).status).toBe(403);
    expect((await readOnly.request('GET', '/portal/api/write-keys')).body.items.length).toBe(keysBefore);
  });

  it('serves the page and its API with a CSP that allows no inline script and no framing by default', async () => {
    const page = await fetch(`${pipeline.baseUrl}/portal`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await page.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const api = await a.request('GET', '/portal/api/session');
    expect(api.headers.get('content-security-policy')).toBe(csp);
    expect(api.headers.get('cache-control')).toBe('no-store');
  });

  it("lists only the session's tenant's destinations, keys and dead letters", async () => {
    const destinations = await a.request('GET', '/portal/api/destinations');
    expect(destinations.body.items.map((d: { id: string }) => d.id)).toEqual([pipeline.destinationId]);
    expect(destinations.body.items[0].config.auth.password).toBe('[REDACTED]');
    expect(destinations.body.items[0].status).toMatchObject({ state: 'active', queueDepth: 0 });
    const keys = await a.request('GET', '/portal/api/write-keys');
    expect(keys.body.items.map((k: { id: string }) => k.id)).not.toContain(b.writeKeyId);
    expect(keys.body.items.length).toBeGreaterThan(0);
    const types = await a.request('GET', '/portal/api/destination-types');
    expect(types.body.items.map((t: { type: string }) => t.type)).toContain('POSTGRES');
    expect(types.body.items.find((t: { type: string }) => t.type === 'POSTGRES').secretPaths).toEqual(['auth.password']);
  });

  it("never reads or changes tenant B's things, on every route of the portal API", async () => {
    const bDestination = () => pipeline.admin('GET', `/admin/v1/destinations/${b.destinationId}`);
    const before = (await bDestination()).body;
    const tries: Array<[string, string, unknown?]> = [
      ['GET', `/portal/api/destinations/${b.destinationId}`],
      ['PATCH', `/portal/api/destinations/${b.destinationId}`, { name: 'taken over' }],
      ['POST', `/portal/api/destinations/${b.destinationId}/pause`],
      ['POST', `/portal/api/destinations/${b.destinationId}/resume`],
      ['GET', `/portal/api/destinations/${b.destinationId}/setup-guide`],
      ['POST', `/portal/api/destination-tests?destinationId=${b.destinationId}`, { name: 'probe' }],
      ['POST', `/portal/api/destinations/${b.destinationId}/test-events`, {}],
      ['GET', `/portal/api/destinations/${b.destinationId}/test-events/${randomUUID()}?jobId=1`],
      ['GET', `/portal/api/dead-letters?destinationId=${b.destinationId}`],
      ['GET', `/portal/api/dead-letter-scope?destinationId=${b.destinationId}`],
      ['GET', `/portal/api/dead-letters/${b.deadLetterId}`],
      ['POST', '/portal/api/dead-letters/redrive', { destinationId: b.destinationId }],
      ['DELETE', `/portal/api/write-keys/${b.writeKeyId}`],
    ];
    for (const [method, path, body] of tries) {
      const answer = await a.request(method, path, body);
      expect({ route: `${method} ${path}`, status: answer.status, code: answer.body?.error?.code }).toEqual({
        route: `${method} ${path}`,
        status: 404,
        code: 'not_found',
      });
    }
    const byIds = await a.request('POST', '/portal/api/dead-letters/redrive', { ids: [b.deadLetterId] });
    expect(byIds.status).toBe(202);
    expect(byIds.body).toMatchObject({ redriven: 0, notFound: 1 });

    // Nothing of B changed: its destination, its key, its dead letter, its queue.
    expect((await bDestination()).body).toEqual(before);
    const keyRow = await pipeline.db.pool.query('SELECT revoked_at FROM write_keys WHERE id = $1', [b.writeKeyId]);
    expect(keyRow.rows[0].revoked_at).toBeNull();
    expect((await pipeline.admin('GET', `/admin/v1/dead-letters/${b.deadLetterId}`)).body.redrivenAt).toBeNull();
    const bQueue = await pipeline.db.pool.query('SELECT count(*)::int AS n FROM dead_letters WHERE destination_id = $1', [b.destinationId]);
    expect(bQueue.rows[0].n).toBe(1);
    // The session's own tenant is unaffected by what it was refused.
    expect((await a.request('GET', '/portal/api/destinations')).body.items).toHaveLength(1);
  });

  it('creates, edits (password kept unless retyped), tests, pauses and resumes its own destination', async () => {
    const created = await a.request('POST', '/portal/api/destinations', pipeline.destinationConfig({ name: 'From the portal' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenantId: pipeline.tenantId, name: 'From the portal', status: { state: 'active' } });
    const invalid = await a.request('POST', '/portal/api/destinations', pipeline.destinationConfig({ port: 70_000, tenantId: b.tenantId }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['port', 'tenantId']);

    const id = created.body.id as string;
    const patched = await a.request('PATCH', `/portal/api/destinations/${id}`, { name: 'Renamed', auth: { mode: 'PASSWORD', username: 'pushrail_writer', password: '[REDACTED]' } });
    expect(patched.body.name).toBe('Renamed');
    expect((await pipeline.store.load(id))!.config).toMatchObject({ auth: { password: pipeline.customer.writerPassword } });

    const unsavedWrong = await a.request('POST', '/portal/api/destination-tests', pipeline.destinationConfig({ auth: { mode: 'PASSWORD', username: 'pushrail_writer', password: 'wrong' } }));
    expect(unsavedWrong.status).toBe(200);
    expect(unsavedWrong.body.ok).toBe(false);
    const changeOfSaved = await a.request('POST', `/portal/api/destination-tests?destinationId=${id}`, { type: 'POSTGRES', name: 'Renamed again' });
    expect(changeOfSaved.body).toMatchObject({ ok: true });
    expect(changeOfSaved.body.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['connect', 'insert']));

    const guide = await a.request('GET', `/portal/api/destinations/${id}/setup-guide`);
    expect(guide.body.table).toBe('events');
    expect(guide.body.sql).toContain('GRANT INSERT');

    expect((await a.request('POST', `/portal/api/destinations/${id}/pause`)).body.status).toMatchObject({ state: 'paused', pausedReason: 'operator' });
    expect((await a.request('POST', `/portal/api/destinations/${id}/resume`)).body.status.state).toBe('active');
  });

  it('creates a write key shown once, lists it by prefix, revokes it (the key stops working)', async () => {
    const created = await a.request('POST', '/portal/api/write-keys');
    expect(created.status).toBe(201);
    const listed = await a.request('GET', '/portal/api/write-keys');
    const entry = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(entry).toEqual({ id: created.body.id, prefix: created.body.prefix, createdAt: created.body.createdAt, revokedAt: null });
    expect(listed.text).not.toContain(created.body.key);
    expect((await pipeline.postEvent({ eventType: 'a', occurredAt: new Date().toISOString(), source: 's', payload: {} }, created.body.key)).status).toBe(202);
    expect((await a.request('DELETE', `/portal/api/write-keys/${created.body.id}`)).status).toBe(204);
    expect((await pipeline.postEvent({ eventType: 'a', occurredAt: new Date().toISOString(), source: 's', payload: {} }, created.body.key)).status).toBe(401);
  });

  it("lists, opens and redrives its own dead letters, and counts a filter's scope", async () => {
    const ids = await insertDeadLetters(pipeline, pipeline.destinationId, 3, 'permanent');
    const list = await a.request('GET', `/portal/api/dead-letters?destinationId=${pipeline.destinationId}&errorKind=permanent&status=pending`);
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual(ids);
    // Without a destination: every one of the tenant's destinations, and nothing of tenant B's; the scope counts the same.
    const all = (await a.request('GET', '/portal/api/dead-letters?status=pending&limit=1000')).body.items.map((d: { id: string }) => d.id);
    expect(all).toEqual(expect.arrayContaining(ids));
    expect(all).not.toContain(b.deadLetterId);
    expect((await a.request('GET', '/portal/api/dead-letter-scope')).body).toEqual({ count: all.length, maxId: all[all.length - 1] });
    expect((await a.request('GET', '/portal/api/dead-letters?limit=0')).status).toBe(400);
    const one = await a.request('GET', `/portal/api/dead-letters/${ids[0]}`);
    expect(one.body).toMatchObject({ id: ids[0], errorKind: 'permanent', event: { event: { eventType: 'order.completed' } } });
    const scope = await a.request('GET', `/portal/api/dead-letter-scope?destinationId=${pipeline.destinationId}`);
    expect(scope.body).toEqual({ count: 3, maxId: ids[2] });
    const redriven = await a.request('POST', '/portal/api/dead-letters/redrive', { ids: [ids[0], b.deadLetterId] });
    expect(redriven.body).toMatchObject({ redriven: 1, notFound: 1 });
    const rest = await a.request('POST', '/portal/api/dead-letters/redrive', { destinationId: pipeline.destinationId });
    expect(rest.body).toMatchObject({ redriven: 2 });
  });

  it('pushrail portal-link prints a link that opens a session of the tenant (read-only with --read-only)', async () => {
    const env = { PATH: process.env.PATH, PUSHRAIL_URL: pipeline.baseUrl, PUSHRAIL_ADMIN_TOKEN: ADMIN_TOKEN };
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'portal-link', pipeline.tenantId, '--read-only'], { env });
    const url = stdout.split('\n')[0]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/portal\/open\/[A-Za-z0-9_-]{43}$/);
    const session = await PortalSession.open(pipeline, url);
    expect((await session.request('GET', '/portal/api/session')).body).toMatchObject({ readOnly: true, tenant: { id: pipeline.tenantId } });
  });
});
