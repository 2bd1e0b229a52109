import { randomBytes, randomUUID } from 'node:crypto';
import { encodeEvents, type QueuedEvent } from '@pushrail/events';
import { startClickHouseServer, type ClickHouseServer } from '@pushrail/testing';
import { clickhouseDestinationConfigSchema } from './clickhouse-destination-config';
import { createTableSql } from './clickhouse-sql';
import { ClickHouseWriter } from './clickhouse-writer';
import { qualifiedTable } from './identifiers';
import { featuresOf } from './server-features';

let server: ClickHouseServer;
const writers: ClickHouseWriter[] = [];
const writer = { name: 'writer', password: 'writer-secret' };

beforeAll(async () => {
  server = await startClickHouseServer();
  await server.setUsers([{ ...writer, profile: 'insert_only' }]);
}, 120_000);

afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
});

afterAll(async () => {
  await server?.destroy();
});

async function freshTable(): Promise<{ database: string; table: string; writer: ClickHouseWriter }> {
  const database = `w_${randomBytes(6).toString('hex')}`;
  await server.query(`CREATE DATABASE ${database}`);
  await server.query(createTableSql(database, 'events', featuresOf(server.version)));
  const config = clickhouseDestinationConfigSchema.parse({
    type: 'CLICKHOUSE',
    name: 'writer test',
    host: '127.0.0.1',
    port: server.httpPort,
    tls: false,
    database,
    auth: { mode: 'PASSWORD', username: writer.name, password: writer.password },
  });
  const w = new ClickHouseWriter(config, { allowPrivateHosts: true });
  writers.push(w);
  return { database, table: 'events', writer: w };
}

function events(n: number): QueuedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    receivedAt: Date.now(),
    event: { eventType: 'order.completed', occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), source: 's', payload: { i } },
  }));
}

const count = async (database: string, table: string, final = ''): Promise<number> =>
  Number((await server.query(`SELECT count() FROM ${qualifiedTable(database, table)} ${final}`)).trim());

describe('ClickHouseWriter on ClickHouse 18.16', () => {
  it('reads the server version at connect and uses only what 18.16 has', async () => {
    expect(server.version).toMatch(/^18\.16\./);
    expect(featuresOf(server.version)).toMatchObject({ dateTime64: false, lowCardinality: false, insertDeduplicationToken: false, sqlUsers: false });
    const { writer: w } = await freshTable();
    const report = await w.test();
    expect(report.checks.find((c) => c.name === 'connect')?.message).toContain(`ClickHouse ${server.version}`);
  });

  it('writes a batch of 1000 as one insert: one part on the server', async () => {
    const { database, table, writer: w } = await freshTable();
    await expect(w.write(encodeEvents(events(1000)))).resolves.toEqual({ inserted: 1000, skipped: 0, rejected: [] });
    const parts = await server.query(`SELECT count() FROM system.parts WHERE database = '${database}' AND table = '${table}' AND active`);
    expect(Number(parts.trim())).toBe(1);
  });

  it('leaves no duplicate of a replayed batch after OPTIMIZE … FINAL', async () => {
    const { database, table, writer: w } = await freshTable();
    const batch = events(50);
    await w.write(encodeEvents(batch));
    await w.write(encodeEvents(batch));
    // 18.16 has no insert tokens: until a merge, the replay is a second copy.
    expect(await count(database, table)).toBe(100);
    expect(await count(database, table, 'FINAL')).toBe(50);
    await server.query(`OPTIMIZE TABLE ${qualifiedTable(database, table)} FINAL`);
    expect(await count(database, table)).toBe(50);
  });

  it('tests INSERT with a row-less insert that leaves nothing, and names a missing column', async () => {
    const { database, table, writer: w } = await freshTable();
    await expect(w.test()).resolves.toMatchObject({ ok: true });
    expect(await count(database, table)).toBe(0);
    await server.query(`ALTER TABLE ${qualifiedTable(database, table)} DROP COLUMN metadata`);
    const report = await w.test();
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'insert')?.message).toMatch(/ClickHouse error 16: .*metadata/);
  });
});
