/**
 * The SSRF guard through the admin API and the worker: with
 * PUSHRAIL_ALLOW_PRIVATE_HOSTS off, a destination may not point at loopback,
 * private or link-local (cloud metadata) addresses, at create, at update, at
 * /test and at connect time; with it on, it may.
 */
import { waitFor } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';

/** Hosts every guarded path must refuse, with the range the guard names. */
const FORBIDDEN_HOSTS: Array<[host: string, range: string]> = [
  ['127.0.0.1', 'loopback'],
  ['10.0.0.5', 'private'],
  ['169.254.169.254', 'linkLocal'], // cloud instance metadata
  ['::1', 'loopback'],
  ['localhost', 'loopback'], // a name that resolves to loopback
];

/** The one issue a refused host gets: on `host`, naming the address and the way to allow it. */
function expectHostRefused(answer: { status: number; body: any }, host: string, range: string): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('invalid_request');
  expect(answer.body.error.issues).toEqual([
    {
      path: 'host',
      message: expect.stringMatching(
        new RegExp(`^destination host "${host.replace(/\./g, '\\.')}" resolves to \\S+ \\(${range}\\), which is not allowed; set PUSHRAIL_ALLOW_PRIVATE_HOSTS=true`),
      ),
    },
  ]);
}

describe('SSRF guard with PUSHRAIL_ALLOW_PRIVATE_HOSTS off', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    // The seed destination (the loopback customer database) is stored as if created while allowed.
    pipeline = await Pipeline.start({ allowPrivateHosts: false, startWorker: false });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it.each(FORBIDDEN_HOSTS)('refuses to create a destination on %s (%s)', async (host, range) => {
    const answer = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ host, name: `to ${host}` }),
    });
    expectHostRefused(answer, host, range);
    const list = await pipeline.admin('GET', `/admin/v1/destinations?tenantId=${pipeline.tenantId}`);
    expect(list.body.items.map((d: { name: string }) => d.name)).not.toContain(`to ${host}`);
  });

  it.each(FORBIDDEN_HOSTS)('refuses to move a destination to %s (%s) with PATCH, and keeps it as it was', async (host, range) => {
    const before = await pipeline.admin('GET', `/admin/v1/destinations/${pipeline.destinationId}`);
    const answer = await pipeline.admin('PATCH', `/admin/v1/destinations/${pipeline.destinationId}`, { host });
    expectHostRefused(answer, host, range);
    const after = await pipeline.admin('GET', `/admin/v1/destinations/${pipeline.destinationId}`);
    expect(after.body).toEqual(before.body);
  });

  it('accepts a public address (the guard refuses ranges, not everything)', async () => {
    const answer = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ host: '8.8.8.8', name: 'public' }),
    });
    expect(answer.status).toBe(201);
    expect(answer.body.config.host).toBe('8.8.8.8');
    expect((await pipeline.admin('DELETE', `/admin/v1/destinations/${answer.body.id}`)).status).toBe(204);
  });

  it('fails /test of a destination stored while private hosts were allowed, on the host check', async () => {
    const answer = await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/test`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ok: false,
      checks: [
        {
          name: 'host',
          ok: false,
          message:
            `destination host "${pipeline.customer.host}" resolves to ${pipeline.customer.host} (loopback), which is not allowed; ` +
            'set PUSHRAIL_ALLOW_PRIVATE_HOSTS=true to allow private and loopback addresses',
        },
      ],
    });
  });

  it('refuses at connect time in the worker: the events are dead-lettered as permanent FORBIDDEN_HOST, nothing is written', async () => {
    await pipeline.startWorker();
    const sent = await pipeline.postEvent(seedEvent({ idempotencyKey: 'ssrf-at-connect' }));
    expect(sent.status).toBe(202);
    const letters = await waitFor(
      async () => {
        const page = await pipeline.admin('GET', `/admin/v1/dead-letters?destinationId=${pipeline.destinationId}`);
        return page.body?.items?.length > 0 ? page.body.items : undefined;
      },
      { description: 'the event to be dead-lettered', timeoutMs: 20_000 },
    );
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ errorKind: 'permanent', errorCode: 'FORBIDDEN_HOST' });
    expect(letters[0].errorMessage).toMatch(/resolves to 127\.0\.0\.1 \(loopback\), which is not allowed/);
    expect(await pipeline.rowCount()).toBe(0);
  });
});

describe('SSRF guard with PUSHRAIL_ALLOW_PRIVATE_HOSTS on', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
  });

  afterAll(async () => {
    await pipeline.close();
  });

  it.each(FORBIDDEN_HOSTS)('creates a destination on %s (%s), and moves one there with PATCH', async (host) => {
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      ...pipeline.destinationConfig({ host, name: `to ${host}` }),
    });
    expect(created.status).toBe(201);
    expect(created.body.config.host).toBe(host);
    const moved = await pipeline.admin('PATCH', `/admin/v1/destinations/${created.body.id}`, { host: '10.0.0.5' });
    expect(moved.status).toBe(200);
    expect(moved.body.config.host).toBe('10.0.0.5');
    expect((await pipeline.admin('DELETE', `/admin/v1/destinations/${created.body.id}`)).status).toBe(204);
  });

  it('tests and delivers to the loopback customer database', async () => {
    const report = await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/test`);
    expect(report.body.ok).toBe(true);
    await pipeline.startWorker();
    const sent = await pipeline.postEvent(seedEvent({ idempotencyKey: 'ssrf-allowed' }));
    await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === sent.body.eventId), { description: 'the row' });
  });
});
