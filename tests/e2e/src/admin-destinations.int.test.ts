/**
 * The destinations admin API (docs/design.md "HTTP (ingest)"): create, read,
 * list, patch (validated like a create), test, DDL, pause/resume, delete.
 * The password a destination is created with appears in no answer.
 */
import { randomUUID } from 'node:crypto';
import { createCustomerDatabase, type CustomerDatabase } from '@pushrail/testing';
import { Pipeline, type HttpAnswer } from './pipeline';

/** A password of a destination that must never come back out (it is wrong on purpose). */
const WRONG_PASSWORD = 'wrong-secret-Zq81x-never-shown';

function expectError(answer: HttpAnswer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
}

function issuePaths(answer: HttpAnswer): string[] {
  return (answer.body.error.issues as Array<{ path: string }>).map((i) => i.path).sort();
}

interface Check {
  name: string;
  ok: boolean;
  message: string;
}

describe('admin API: destinations', () => {
  let pipeline: Pipeline;
  /** A customer database with the schema and grants but no table. */
  let tableless: CustomerDatabase;
  /** The text of every answer of this file, to look for secrets in at the end. */
  const answers: string[] = [];

  const admin = async (method: string, path: string, body?: unknown): Promise<HttpAnswer> => {
    const answer = await pipeline.admin(method, path, body);
    answers.push(`${method} ${path} → ${answer.status} ${JSON.stringify([...answer.headers])} ${answer.text}`);
    return answer;
  };
  const create = (overrides: Record<string, unknown> = {}) =>
    admin('POST', '/admin/v1/destinations', { tenantId: pipeline.tenantId, ...pipeline.destinationConfig(overrides) });
  const count = async () => (await admin('GET', `/admin/v1/destinations?tenantId=${pipeline.tenantId}`)).body.items.length as number;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    tableless = await createCustomerDatabase({
      setupSql: 'CREATE SCHEMA pushrail; GRANT USAGE ON SCHEMA pushrail TO pushrail_writer;',
    });
  });

  afterAll(async () => {
    await pipeline.close();
    await tableless.drop();
  });

  it('creates a destination in the seed shape (201) and shows it redacted in get and list', async () => {
    const created = await create({ name: 'Second copy' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenantId: pipeline.tenantId,
      name: 'Second copy',
      type: 'POSTGRES',
      paused: false,
      pausedReason: null,
      config: {
        host: pipeline.customer.host,
        port: pipeline.customer.port,
        schema: 'pushrail',
        table: 'events',
        tableMode: 'single',
        auth: { mode: 'PASSWORD', username: 'pushrail_writer', password: '[REDACTED]' },
        batchSize: 1000,
        flushIntervalSec: 1,
        maxConnections: 4,
      },
    });
    const got = await admin('GET', `/admin/v1/destinations/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    const list = await admin('GET', `/admin/v1/destinations?tenantId=${pipeline.tenantId}`);
    expect(list.body.items.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining([pipeline.destinationId, created.body.id]));
    expect((await admin('GET', '/admin/v1/destinations')).body.items.length).toBeGreaterThanOrEqual(2);
    expect((await admin('GET', `/admin/v1/destinations?tenantId=${randomUUID()}`)).body.items).toEqual([]);
    const badQuery = await admin('GET', '/admin/v1/destinations?tenantId=nope');
    expectError(badQuery, 400, 'invalid_request');
    expect(issuePaths(badQuery)).toEqual(['tenantId']);
  });

  it('refuses bad configs with the path of each problem and creates nothing', async () => {
    const before = await count();
    const cases: Array<[string, Record<string, unknown>, string[]]> = [
      ['port 0', { port: 0 }, ['port']],
      ['port 70000', { port: 70_000 }, ['port']],
      ['port as text', { port: 'x' }, ['port']],
      ['missing auth', { auth: undefined }, ['auth']],
      ['password auth without password', { auth: { mode: 'PASSWORD', username: 'pushrail_writer' } }, ['auth.password']],
      ['RDS_IAM without TLS', { tls: false, auth: { mode: 'RDS_IAM', username: 'pushrail_writer', region: 'us-east-1' } }, ['tls']],
      ['an unknown field', { colour: 'blue' }, ['colour']],
      ['an unknown auth field', { auth: { mode: 'PASSWORD', username: 'u', password: 'p', colour: 'blue' } }, ['auth.colour']],
      ['a bad tableMode', { tableMode: 'per_tenant' }, ['tableMode']],
      ['a host with a scheme', { host: 'postgres://db.example.com' }, ['host']],
      ['a host that does not resolve', { host: 'no-such-host.invalid' }, ['host']],
      ['a table name over 63 bytes', { table: 't'.repeat(64) }, ['table']],
      ['batchSize 0', { batchSize: 0 }, ['batchSize']],
    ];
    for (const [label, overrides, paths] of cases) {
      const answer = await create(overrides);
      expect({ label, status: answer.status, code: answer.body?.error?.code }).toEqual({ label, status: 400, code: 'invalid_request' });
      expect({ label, paths: issuePaths(answer) }).toEqual({ label, paths });
    }
    const noTenant = await admin('POST', '/admin/v1/destinations', pipeline.destinationConfig());
    expectError(noTenant, 400, 'invalid_request');
    expect(issuePaths(noTenant)).toEqual(['tenantId']);
    expectError(await admin('POST', '/admin/v1/destinations', { tenantId: randomUUID(), ...pipeline.destinationConfig() }), 404, 'not_found');
    expect(await count()).toBe(before);
  });

  it('validates a PATCH like a create, and a PATCH without the password keeps the old one', async () => {
    const created = await create({ name: 'To be patched' });
    const id = created.body.id as string;
    const path = `/admin/v1/destinations/${id}`;
    const bad: Array<[unknown, string[]]> = [
      [{ port: 'x' }, ['port']],
      [{ tableMode: 'weird' }, ['tableMode']],
      [{ colour: 'blue' }, ['colour']],
      [{ auth: { mode: 'RDS_IAM', username: 'pushrail_writer', region: 'us-east-1' } }, ['tls']],
      [{ host: 'no-such-host.invalid' }, ['host']],
      [{ tenantId: randomUUID() }, ['tenantId']],
      [{ type: 'MYSQL' }, ['type']],
    ];
    for (const [body, paths] of bad) {
      const answer = await admin('PATCH', path, body);
      expectError(answer, 400, 'invalid_request');
      expect({ body, paths: issuePaths(answer) }).toEqual({ body, paths });
    }
    expectError(await admin('PATCH', path, [1, 2]), 400, 'invalid_request');
    // Nothing of the bad patches stuck.
    expect((await admin('GET', path)).body).toEqual(created.body);

    const renamed = await admin('PATCH', path, { name: 'Patched', batchSize: 500 });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Patched', config: { batchSize: 500, auth: { password: '[REDACTED]' } } });
    // Sending the redacted placeholder back (a GET-modify-PUT client) keeps it too.
    expect((await admin('PATCH', path, { auth: renamed.body.config.auth, flushIntervalSec: 2 })).status).toBe(200);
    const test = await admin('POST', `${path}/test`);
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(true);
  });

  it('tests a good destination: 200 ok with every check', async () => {
    const answer = await admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/test`);
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
    const checks = answer.body.checks as Check[];
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['connect', 'insert']));
    for (const check of checks) expect(check).toEqual({ name: expect.any(String), ok: true, message: expect.any(String) });
    // The probe row was rolled back.
    expect(await pipeline.rowCount()).toBe(0);
  });

  it('tests a destination whose table is missing: 200, ok false, naming the insert check', async () => {
    const created = await create({
      name: 'No table',
      host: tableless.host,
      port: tableless.port,
      database: tableless.database,
    });
    expect(created.status).toBe(201);
    const answer = await admin('POST', `/admin/v1/destinations/${created.body.id}/test`);
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(false);
    const checks = answer.body.checks as Check[];
    expect(checks.find((c) => c.name === 'connect')?.ok).toBe(true);
    const failing = checks.filter((c) => !c.ok);
    expect(failing.map((c) => c.name)).toEqual(['insert']);
    expect(failing[0]!.message).toMatch(/events/);
    expect(failing[0]!.message).toMatch(/does not exist|missing/i);
  });

  it('tests a destination with a wrong password: 200, ok false, naming the failing check, the password nowhere', async () => {
    const created = await create({
      name: 'Wrong password',
      auth: { mode: 'PASSWORD', username: pipeline.customer.writerUser, password: WRONG_PASSWORD },
    });
    expect(created.status).toBe(201);
    const answer = await admin('POST', `/admin/v1/destinations/${created.body.id}/test`);
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(false);
    const failing = (answer.body.checks as Check[]).filter((c) => !c.ok);
    expect(failing.map((c) => c.name)).toEqual(['connect']);
    expect(failing[0]!.message).toMatch(/password authentication failed|authentication/i);
    expect(answer.text).not.toContain(WRONG_PASSWORD);
  });

  it('serves the DDL as text/plain, with the per-type table for a per_event_type destination', async () => {
    const single = await admin('GET', `/admin/v1/destinations/${pipeline.destinationId}/ddl`);
    expect(single.status).toBe(200);
    expect(single.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(single.text).toContain('CREATE TABLE IF NOT EXISTS "pushrail"."events"');
    expect(single.text).toContain('GRANT INSERT ON "pushrail"."events" TO "pushrail_writer"');
    expect(single.text).toMatch(/-- .*ON CONFLICT DO NOTHING/);
    expect(single.text).toMatch(/would need SELECT/);

    const perType = await create({ name: 'Per type', tableMode: 'per_event_type' });
    expect(perType.status).toBe(201);
    const ddl = await admin('GET', `/admin/v1/destinations/${perType.body.id}/ddl?eventType=order.completed`);
    expect(ddl.status).toBe(200);
    expect(ddl.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(ddl.text).toContain('CREATE TABLE IF NOT EXISTS "pushrail"."events_order_completed"');
    expect(ddl.text).toContain('GRANT INSERT ON "pushrail"."events_order_completed" TO "pushrail_writer"');
    // The per-type table does not exist in the customer database: the test says so for that event type.
    const test = await admin('POST', `/admin/v1/destinations/${perType.body.id}/test?eventType=order.completed`);
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(false);
    expect((test.body.checks as Check[]).find((c) => !c.ok)?.message).toMatch(/events_order_completed/);

    const badQuery = await admin('GET', `/admin/v1/destinations/${perType.body.id}/ddl?eventType=`);
    expectError(badQuery, 400, 'invalid_request');
    expect(issuePaths(badQuery)).toEqual(['eventType']);
  });

  it('pauses and resumes, as GET shows', async () => {
    const created = await create({ name: 'Pausable' });
    const path = `/admin/v1/destinations/${created.body.id}`;
    const paused = await admin('POST', `${path}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, pausedReason: 'operator', pausedAt: expect.any(String) });
    expect((await admin('GET', path)).body).toMatchObject({ paused: true, pausedReason: 'operator' });
    const resumed = await admin('POST', `${path}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ paused: false, pausedReason: null, pausedAt: null });
    expect((await admin('GET', path)).body).toMatchObject({ paused: false, pausedReason: null });
  });

  it('deletes (204), then answers 404 on every route of it; unknown and malformed ids are 404 too', async () => {
    const created = await create({ name: 'Doomed' });
    const id = created.body.id as string;
    expect((await admin('DELETE', `/admin/v1/destinations/${id}`)).status).toBe(204);
    const list = await admin('GET', `/admin/v1/destinations?tenantId=${pipeline.tenantId}`);
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(id);
    for (const target of [id, randomUUID(), 'not-a-uuid', '1']) {
      const path = `/admin/v1/destinations/${target}`;
      expectError(await admin('GET', path), 404, 'not_found');
      expectError(await admin('PATCH', path, { name: 'x' }), 404, 'not_found');
      expectError(await admin('DELETE', path), 404, 'not_found');
      expectError(await admin('POST', `${path}/test`), 404, 'not_found');
      expectError(await admin('POST', `${path}/pause`), 404, 'not_found');
      expectError(await admin('POST', `${path}/resume`), 404, 'not_found');
      expectError(await admin('GET', `${path}/ddl`), 404, 'not_found');
    }
  });

  it('never showed a password in any answer of this file', () => {
    expect(answers.length).toBeGreaterThan(50);
    for (const secret of [pipeline.customer.writerPassword, WRONG_PASSWORD]) {
      const leaks = answers.filter((text) => text.includes(secret));
      expect(leaks).toEqual([]);
    }
  });
});
