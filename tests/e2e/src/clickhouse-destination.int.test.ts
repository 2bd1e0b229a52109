/**
 * A CLICKHOUSE destination end to end, on the real ClickHouse 18.16 the
 * harness starts: created through the admin API beside the pipeline's
 * PostgreSQL destination, set up with its own DDL answer, tested, written
 * to, paused and resumed, dead-lettered and redriven.
 */
import { sqlStatementsOf, startClickHouseServer, waitFor, type ClickHouseServer } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';

const DATABASE = 'e2e_analytics';
const WRITER = { name: 'pushrail', password: 'clickhouse-writer-secret' };

describe('a CLICKHOUSE destination through the admin API', () => {
  let clickhouse: ClickHouseServer;
  let pipeline: Pipeline;
  let destinationId = '';

  const chCount = async (eventIds?: string[]): Promise<number> => {
    const where = eventIds ? ` WHERE event_id IN (${eventIds.map((id) => `'${id}'`).join(', ')})` : '';
    return Number((await clickhouse.query(`SELECT count() FROM ${DATABASE}.events FINAL${where}`)).trim());
  };
  const runGuide = async (): Promise<void> => {
    const ddl = await pipeline.admin('GET', `/admin/v1/destinations/${destinationId}/ddl`);
    expect(ddl.status).toBe(200);
    expect(ddl.text).toContain('ENGINE = ReplacingMergeTree');
    for (const statement of sqlStatementsOf(ddl.text)) await clickhouse.query(statement);
  };

  beforeAll(async () => {
    clickhouse = await startClickHouseServer();
    // 18.16 keeps users in users.xml: the guide's users.xml entry, as the harness writes it.
    await clickhouse.setUsers([{ ...WRITER, profile: 'insert_only', databases: [DATABASE] }]);
    pipeline = await Pipeline.start();
    const created = await pipeline.admin('POST', '/admin/v1/destinations', {
      tenantId: pipeline.tenantId,
      type: 'CLICKHOUSE',
      name: 'Analytics',
      host: clickhouse.host,
      port: clickhouse.httpPort,
      tls: false,
      database: DATABASE,
      table: 'events',
      auth: { mode: 'PASSWORD', username: WRITER.name, password: WRITER.password },
      serverVersion: clickhouse.version,
      batchSize: 500,
      flushIntervalSec: 0.2,
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(WRITER.password);
    destinationId = created.body.id;
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
    await clickhouse?.destroy();
  });

  it('fails its test before the set-up guide runs, and passes after', async () => {
    const before = await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/test`);
    expect(before.body.ok).toBe(false);
    await runGuide();
    await runGuide();
    const after = await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/test`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ ok: true });
    expect(after.body.checks.map((c: { name: string }) => c.name)).toEqual(['host', 'connect', 'tls', 'insert']);
    expect(await chCount()).toBe(0);
  });

  it('lands sent events as rows, each field intact', async () => {
    const events = Array.from({ length: 30 }, (_, i) => seedEvent({ idempotencyKey: `ch-${i}`, payload: { i, note: 'naïve 🙂' } }));
    const answer = await pipeline.postBatch(events);
    expect(answer.status).toBe(202);
    const ids = answer.body.eventIds as string[];
    await waitFor(async () => (await chCount(ids)) === 30, { description: '30 rows in ClickHouse', timeoutMs: 20_000 });
    const row = JSON.parse(
      await clickhouse.query(`SELECT * FROM ${DATABASE}.events FINAL WHERE event_id = '${ids[3]}' FORMAT JSONEachRow`),
    ) as Record<string, string>;
    expect(JSON.parse(row.payload!)).toEqual({ i: 3, note: 'naïve 🙂' });
    expect(row.event_type).toBe(events[3]!.eventType);
  });

  it('holds events while paused and delivers them after resume', async () => {
    const paused = await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/pause`);
    expect(paused.body).toMatchObject({ paused: true });
    const held = await pipeline.postEvent(seedEvent({ idempotencyKey: 'while-paused' }));
    expect(held.status).toBe(202);
    // The PostgreSQL destination of the same tenant takes it: delivery ran, and ClickHouse was left out.
    await waitFor(async () => (await pipeline.rows()).some((r) => r.event_id === held.body.eventId), { description: 'the event in PostgreSQL' });
    expect(await chCount([held.body.eventId])).toBe(0);
    const resumed = await pipeline.admin('POST', `/admin/v1/destinations/${destinationId}/resume`);
    expect(resumed.body).toMatchObject({ paused: false });
    await waitFor(async () => (await chCount([held.body.eventId])) === 1, { description: 'the held event in ClickHouse', timeoutMs: 20_000 });
  });

  it('dead-letters a bad row alone, and events of a dropped table until a redrive after the fix lands them once', async () => {
    const moon = await pipeline.postEvent(seedEvent({ idempotencyKey: 'moon', occurredAt: '1969-07-20T20:17:40Z' }));
    expect(moon.status).toBe(202);
    const badRow = await waitFor(
      async () => (await pipeline.db.listDeadLetters({ destinationId }, { limit: 10 })).find((l) => l.eventId === moon.body.eventId),
      { description: 'the 1969 event dead-lettered', timeoutMs: 20_000 },
    );
    expect(badRow).toMatchObject({ errorKind: 'bad_row', errorCode: 'OUT_OF_RANGE_TIME' });

    await clickhouse.query(`DROP TABLE ${DATABASE}.events`);
    const lost = await pipeline.postBatch(Array.from({ length: 5 }, (_, i) => seedEvent({ idempotencyKey: `dropped-${i}` })));
    const ids = lost.body.eventIds as string[];
    const letters = await waitFor(async () => {
      const page = await pipeline.db.listDeadLetters({ destinationId }, { limit: 100 });
      const ours = page.filter((l) => ids.includes(l.eventId));
      return ours.length === 5 ? ours : undefined;
    }, { description: '5 dead letters for the dropped table', timeoutMs: 20_000 });
    for (const letter of letters) {
      expect(letter).toMatchObject({ errorKind: 'permanent', errorCode: '60' });
      expect(letter.errorMessage).toContain('events');
    }

    await runGuide();
    const redrive = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId });
    expect(redrive.status).toBe(202);
    // The five, and the 1969 event, which is refused again (its time still does not fit).
    expect(redrive.body.redriven).toBe(6);
    await waitFor(async () => (await chCount(ids)) === 5, { description: 'the 5 redriven rows', timeoutMs: 20_000 });
    const left = await waitFor(async () => {
      const page = (await pipeline.db.listDeadLetters({ destinationId }, { limit: 100 })).filter((l) => l.redrivenAt === null);
      return page.length === 1 && page[0]!.eventId === moon.body.eventId ? page : undefined;
    }, { description: 'only the 1969 event dead-lettered again', timeoutMs: 20_000 });
    expect(left[0]).toMatchObject({ eventId: moon.body.eventId, errorKind: 'bad_row' });
  });
});
