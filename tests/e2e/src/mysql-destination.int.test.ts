/**
 * A MYSQL destination through the whole pipeline, on a real TLS MariaDB with
 * an INSERT-only user: created through the admin API, tested, written to,
 * paused and resumed, a bad row dead-lettered, and redriven after the
 * customer fixes the table.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createMariadbCustomerDatabase,
  makeTestCertificates,
  startMariadbServer,
  waitFor,
  withMariadbConnection,
  type MariadbCustomerDatabase,
  type MariadbServer,
} from '@pushrail/testing';
import type { RowDataPacket } from 'mysql2/promise';
import { ADMIN_TOKEN, Pipeline, seedEvent, waitingEventIds } from './pipeline';

/** Rows land within about flushIntervalSec (0.2 s here); this bounds each wait generously, in milliseconds. */
const LAND_TIMEOUT_MS = 15_000;

/** The built `pushrail` CLI. */
const CLI = path.resolve(__dirname, '../../../apps/cli/dist/main.js');

/**
 * The customer's table as the set-up guide makes it, except `source`, which
 * the customer made too narrow: a longer source is a row MySQL would cut
 * (INSERT IGNORE), so Pushrail dead-letters it until the column is widened.
 */
const NARROW_SOURCE_TABLE = `CREATE TABLE events (
  event_id CHAR(36) NOT NULL PRIMARY KEY,
  event_type VARCHAR(255) NOT NULL,
  occurred_at DATETIME(6) NOT NULL,
  customer_external_id VARCHAR(255) NULL,
  source VARCHAR(16) NOT NULL,
  payload JSON NOT NULL,
  metadata JSON NULL,
  received_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

describe('a MYSQL destination, end to end', () => {
  let dir: string;
  let mariadb: MariadbServer;
  let customer: MariadbCustomerDatabase;
  let pipeline: Pipeline;
  let caPem: string;
  let destinationId = '';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-e2e-mysql-'));
    const certs = await makeTestCertificates({ hostnames: ['localhost'], dir });
    caPem = certs.caPem;
    mariadb = await startMariadbServer({ ssl: certs });
    customer = await createMariadbCustomerDatabase(mariadb, {
      prefix: 'e2e',
      setupSql: (database) => `${NARROW_SOURCE_TABLE};\nGRANT INSERT ON \`${database}\`.events TO 'pushrail_writer'@'%';`,
    });
    pipeline = await Pipeline.start();
    // Only the MySQL destination takes this tenant's events.
    expect((await pipeline.admin('DELETE', `/admin/v1/destinations/${pipeline.destinationId}`)).status).toBe(204);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
    await mariadb?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = () =>
    withMariadbConnection({ ...mariadb.rootOptions(customer.database), timezone: 'Z' }, async (c) => {
      const [result] = await c.query<RowDataPacket[]>('SELECT * FROM events ORDER BY event_id');
      return result;
    });
  const landed = (eventId: string) =>
    waitFor(async () => (await rows()).some((r) => r.event_id === eventId), { description: `event ${eventId} in MySQL`, timeoutMs: LAND_TIMEOUT_MS });
  const post = async (overrides: Record<string, unknown>): Promise<string> => {
    const answer = await pipeline.postEvent(seedEvent(overrides));
    expect(answer.status).toBe(202);
    return answer.body.eventId as string;
  };

  it('creates it through the admin API, secrets redacted, with its set-up guide', async () => {
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      type: 'MYSQL',
      name: 'Customer MySQL',
      host: 'localhost',
      port: mariadb.port,
      database: customer.database,
      table: 'events',
      tlsCa: caPem,
      auth: { mode: 'PASSWORD', username: customer.writerUser, password: customer.writerPassword },
      flushIntervalSec: 0.2,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'MYSQL', config: { port: mariadb.port, tls: true, auth: { mode: 'PASSWORD', password: '[REDACTED]' } } });
    expect(created.text).not.toContain(customer.writerPassword);
    destinationId = created.body.id;

    const ddl = await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}/ddl`);
    expect(ddl.status).toBe(200);
    expect(ddl.text).toContain(`GRANT INSERT ON \`${customer.database}\`.\`events\` TO 'pushrail_writer'@'%';`);
    expect(ddl.text).toContain('CREATE USER IF NOT EXISTS');
  });

  it('passes its connection test, each check reported', async () => {
    const test = await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/test`);
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(true);
    expect(test.body.checks.map((c: { name: string }) => c.name)).toEqual(['host', 'connect', 'tls', 'insert']);
    expect(test.body.checks.find((c: { name: string }) => c.name === 'tls').message).toMatch(/TLSv1\.[23]/);
    expect(await rows()).toHaveLength(0);
  });

  it('lands events with every field intact, times in UTC', async () => {
    const eventId = await post({ idempotencyKey: 'mysql-1', occurredAt: '2026-05-26T16:21:08.493+02:00', payload: { note: '日本 🙂' } });
    await landed(eventId);
    const row = (await rows()).find((r) => r.event_id === eventId)!;
    expect((row.occurred_at as Date).toISOString()).toBe('2026-05-26T14:21:08.493Z');
    expect(typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload).toEqual({ note: '日本 🙂' });
    // A replay of the same idempotency key is the same event id: still one row.
    expect(await post({ idempotencyKey: 'mysql-1', payload: { note: 'changed' } })).toBe(eventId);
    const marker = await post({ idempotencyKey: 'mysql-marker' });
    await landed(marker);
    expect((await rows()).filter((r) => r.event_id === eventId)).toHaveLength(1);
  });

  it('keeps events waiting while paused and delivers them once resumed', async () => {
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/pause`)).body).toMatchObject({ paused: true });
    const eventId = await post({ idempotencyKey: 'while-paused' });
    await waitFor(async () => (await waitingEventIds(pipeline, destinationId)).includes(eventId), {
      description: 'the event waiting in the paused queue',
      timeoutMs: LAND_TIMEOUT_MS,
    });
    expect((await rows()).some((r) => r.event_id === eventId)).toBe(false);
    expect((await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/resume`)).body).toMatchObject({ paused: false });
    await landed(eventId);
  });

  it('dead-letters a row MySQL would alter, lands the rest, and redrives it once the table is fixed', async () => {
    const answer = await pipeline.postBatch([
      seedEvent({ idempotencyKey: 'good-1' }),
      seedEvent({ idempotencyKey: 'too-long-source', source: 'a-source-longer-than-sixteen' }),
      seedEvent({ idempotencyKey: 'good-2' }),
    ]);
    expect(answer.status).toBe(202);
    const [good1, bad, good2] = answer.body.eventIds as string[];
    await landed(good1!);
    await landed(good2!);
    const letter = await waitFor(
      async () => {
        const page = await pipeline.admin('GET', `/admin/v1/dead-letters?destinationId=${destinationId}`);
        return page.body.items.length > 0 ? page.body.items[0] : undefined;
      },
      { description: 'the dead letter', timeoutMs: LAND_TIMEOUT_MS },
    );
    expect(letter).toMatchObject({ eventId: bad, errorKind: 'bad_row', errorCode: 'errno:1265' });
    expect((await rows()).some((r) => r.event_id === bad)).toBe(false);

    await withMariadbConnection(mariadb.rootOptions(customer.database), (c) => c.query('ALTER TABLE events MODIFY source VARCHAR(255) NOT NULL'));
    const redrive = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { ids: [letter.id] });
    expect(redrive.status).toBe(202);
    expect(redrive.body).toMatchObject({ redriven: 1 });
    await landed(bad!);
    expect((await rows()).find((r) => r.event_id === bad)!.source).toBe('a-source-longer-than-sixteen');
    expect(await pipeline.workerMetric('pushrail_events_dead_lettered_total', { error_kind: 'bad_row' })).toBe(1);
  });

  it('is operated through the CLI as through the API: listed with its target, tested, paused, resumed, its dead letters listed', async () => {
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const env = { PATH: process.env.PATH, HOME: process.env.HOME, PUSHRAIL_URL: pipeline.baseUrl, PUSHRAIL_ADMIN_TOKEN: ADMIN_TOKEN };
        execFile(process.execPath, [CLI, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
        });
      });
    const listed = await cli(['destinations', 'list', '--tenant', pipeline.tenantId]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`localhost:${mariadb.port}`);
    expect(listed.stdout).toContain(`${customer.database}.events`);
    expect(listed.stdout).toContain('MYSQL');
    const tested = await cli(['destinations', 'test', destinationId, '--json']);
    expect(tested.code).toBe(0);
    expect(JSON.parse(tested.stdout).checks.map((c: { name: string }) => c.name)).toEqual(['host', 'connect', 'tls', 'insert']);
    expect((await cli(['destinations', 'pause', destinationId])).code).toBe(0);
    expect((await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}`)).body.paused).toBe(true);
    const eventId = await post({ idempotencyKey: 'paused-by-cli' });
    expect((await cli(['destinations', 'resume', destinationId])).code).toBe(0);
    await landed(eventId);
    const letters = await cli(['dead-letters', 'list', '--destination', destinationId, '--json']);
    expect(letters.code).toBe(0);
    expect(JSON.parse(letters.stdout).items).toEqual([expect.objectContaining({ destinationId, errorKind: 'bad_row', redrivenAt: expect.any(String) })]);
    // Nothing is pending any more: a redrive by destination finds nothing and changes nothing.
    const redrive = await cli(['dead-letters', 'redrive', '--destination', destinationId, '--json']);
    expect(redrive.code).toBe(0);
    expect(JSON.parse(redrive.stdout)).toMatchObject({ redriven: 0 });
  });

  it('reports a wrong password in its connection test as a failed connect, without the password', async () => {
    const patched = await pipeline.admin('PATCH', `/admin/v1/destinations/${destinationId}`, {
      auth: { mode: 'PASSWORD', username: customer.writerUser, password: 'not-the-password' },
    });
    expect(patched.status).toBe(200);
    const test = await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/test`);
    expect(test.status).toBe(200);
    expect(test.body.ok).toBe(false);
    expect(test.body.checks.at(-1)).toMatchObject({ name: 'connect', ok: false });
    expect(test.text).not.toContain('not-the-password');
  });
});
