import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeliveryError, writeIsolatingBadRows, type DeliveryError } from '@pushrail/destination-core';
import { encodeEvents, type EventEnvelope, type QueuedEvent } from '@pushrail/events';
import {
  createMariadbCustomerDatabase,
  CUSTOMER_WRITER_USER,
  makeTestCertificates,
  startMariadbServer,
  withMariadbConnection,
  type MariadbCustomerDatabase,
  type MariadbServer,
} from '@pushrail/testing';
import type { RowDataPacket } from 'mysql2/promise';
import { accountOf, qualifiedTable } from './identifiers';
import { mysqlDestinationConfigSchema, type MysqlDestinationConfig } from './mysql-destination-config';
import { MysqlWriter } from './mysql-writer';

/**
 * INSERT IGNORE turns data errors into warnings and stores an altered row
 * (measured on MariaDB 10.11; README, "MySQL and MariaDB"). A customer's table that is
 * narrower than the envelope makes the server alter rows for real; the
 * writer must refuse each such row and commit nothing altered.
 */
const NARROW_TABLE = (table: string) => `CREATE TABLE ${table} (
  event_id CHAR(36) NOT NULL PRIMARY KEY,
  event_type VARCHAR(255) NOT NULL,
  occurred_at TIMESTAMP(6) NOT NULL,
  customer_external_id VARCHAR(255) NOT NULL,
  source VARCHAR(8) NOT NULL,
  payload JSON NOT NULL,
  metadata JSON NULL,
  received_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

const good = (i: number): EventEnvelope => ({
  eventType: 'order.completed',
  occurredAt: new Date(Date.UTC(2026, 4, 26, 14, 21, 8, 493) + i * 1000).toISOString(),
  source: 'billing',
  customerExternalId: `acct_${i}`,
  payload: { i, text: 'naïve 🙂' },
});
const queued = (event: EventEnvelope): QueuedEvent => ({ id: randomUUID(), receivedAt: Date.now(), event });

describe('the INSERT IGNORE trap on a real MariaDB, with an INSERT-only user', () => {
  let dir: string;
  let server: MariadbServer;
  let customer: MariadbCustomerDatabase;
  let config: MysqlDestinationConfig;
  const writers: MysqlWriter[] = [];

  const writer = () => {
    const w = new MysqlWriter(config, { allowPrivateHosts: true });
    writers.push(w);
    return w;
  };
  const rows = () =>
    withMariadbConnection({ ...server.rootOptions(customer.database), timezone: 'Z' }, async (c) => {
      const [result] = await c.query<RowDataPacket[]>('SELECT * FROM events ORDER BY event_id');
      return result;
    });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-mysql-trap-'));
    const certs = await makeTestCertificates({ hostnames: ['localhost'], dir });
    server = await startMariadbServer({ ssl: certs });
    customer = await createMariadbCustomerDatabase(server, {
      prefix: 'trap',
      setupSql: (database) => `${NARROW_TABLE('events')};\nGRANT INSERT ON ${qualifiedTable(database, 'events')} TO ${accountOf(CUSTOMER_WRITER_USER)};`,
    });
    config = mysqlDestinationConfigSchema.parse({
      type: 'MYSQL', name: 'trap', host: 'localhost', port: server.port, database: customer.database, tlsCa: certs.caPem,
      auth: { mode: 'PASSWORD', username: CUSTOMER_WRITER_USER, password: customer.writerPassword },
    });
  }, 120_000);

  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close()));
    await withMariadbConnection(server.rootOptions(customer.database), (c) => c.query('DELETE FROM events'));
  });

  afterAll(async () => {
    await server?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['NULL into a NOT NULL column (warning 1048; IGNORE would store an empty string)', (e: EventEnvelope) => ({ ...e, customerExternalId: undefined }), 'errno:1048'],
    ['text too long for its column (warning 1265; IGNORE would cut it)', (e: EventEnvelope) => ({ ...e, source: 'a-much-too-long-source' }), 'errno:1265'],
    ['a date outside the column range (warning 1264; IGNORE would zero it)', (e: EventEnvelope) => ({ ...e, occurredAt: '2050-01-01T00:00:00Z' }), 'errno:1264'],
  ])('refuses %s as a bad row and commits nothing of its batch', async (_label, spoil, code) => {
    const batch = [queued(good(1)), queued(spoil(good(2))), queued(good(3))];
    const error = await writer().write(encodeEvents(batch)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDeliveryError(error)).toBe(true);
    expect(error as DeliveryError).toMatchObject({ kind: 'bad_row', code });
    expect((error as DeliveryError).message).toMatch(/stored a row altered/);
    expect(await rows()).toHaveLength(0);

    // Bisected, as the worker does: the two good rows commit exactly as sent, the spoilt one alone is refused.
    const result = await writeIsolatingBadRows(writer(), encodeEvents(batch));
    expect(result.inserted).toBe(2);
    expect(result.refused.map((r) => r.events.map((e) => e.id))).toEqual([[batch[1]!.id]]);
    const stored = await rows();
    expect(stored.map((r) => r.event_id)).toEqual([batch[0]!.id, batch[2]!.id].sort());
    for (const row of stored) {
      const sent = batch.find((q) => q.id === row.event_id)!.event;
      expect({ source: row.source, customer: row.customer_external_id, at: (row.occurred_at as Date).toISOString(), payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload })
        .toEqual({ source: sent.source, customer: sent.customerExternalId, at: sent.occurredAt, payload: sent.payload });
    }
  });

  it('reads past the first 64 warnings: a replay of 1,000 rows is skipped, and one altered row behind them is still found', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => queued(good(i)));
    await expect(writer().write(encodeEvents(batch))).resolves.toEqual({ inserted: 1000, skipped: 0, rejected: [] });
    await expect(writer().write(encodeEvents(batch))).resolves.toEqual({ inserted: 0, skipped: 1000, rejected: [] });
    const spoilt = queued({ ...good(2000), source: 'a-much-too-long-source' });
    await expect(writer().write(encodeEvents([...batch, spoilt]))).rejects.toMatchObject({ kind: 'bad_row', code: 'errno:1265' });
    expect(await rows()).toHaveLength(1000);
  });

  it('splits a batch below the server max_allowed_packet, in one transaction', async () => {
    // The smallest max_allowed_packet the server allows is 1 KiB; 64 KiB makes a 1,000-row batch of ~1 KiB rows several statements.
    await withMariadbConnection(server.rootOptions(), (c) => c.query('SET GLOBAL max_allowed_packet = 65536'));
    try {
      const batch = Array.from({ length: 300 }, (_, i) => queued({ ...good(i), payload: { i, pad: 'é'.repeat(400) } }));
      await expect(writer().write(encodeEvents(batch))).resolves.toEqual({ inserted: 300, skipped: 0, rejected: [] });
      expect(await rows()).toHaveLength(300);
      // One row bigger than any statement may be: a bad row, and nothing else of its batch commits.
      const huge = queued({ ...good(999), payload: { pad: 'x'.repeat(70_000) } });
      await expect(writer().write(encodeEvents([queued(good(1000)), huge]))).rejects.toMatchObject({ kind: 'bad_row', code: 'PACKET_TOO_LARGE' });
      expect(await rows()).toHaveLength(300);
    } finally {
      await withMariadbConnection(server.rootOptions(), (c) => c.query('SET GLOBAL max_allowed_packet = 16777216'));
    }
  });
});
