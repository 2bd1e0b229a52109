import { randomUUID } from 'node:crypto';
import { encodeEvents, type EventEnvelope, type QueuedEvent } from '@pushrail/events';
import type { DestinationConfigBase } from '../config-fields';
import { DeliveryError, isDeliveryError } from '../delivery-error';
import type { DestinationWriter } from '../destination';
import { writeIsolatingBadRows } from '../write-isolating-bad-rows';
import type { ConformanceDestination, ConformanceServer, DestinationSetup, StoredRow } from './conformance-server';

/** Longest the suite waits for a server to come back, in milliseconds. */
const RECOVERY_TIMEOUT_MS = 30_000;

/** An event with every envelope field set, non-ASCII and 4-byte characters included. */
function fullEvent(i: number): EventEnvelope {
  return {
    eventType: 'order.completed',
    occurredAt: new Date(Date.UTC(2026, 4, 26, 14, 21, 8, 493) + i * 1000).toISOString(),
    source: 'billing-service',
    customerExternalId: `acct_${i}_café`,
    correlationId: `req_${i}`,
    payload: { orderId: `ord_${i}`, amount: 12900 + i, currency: 'USD', note: 'naïve 日本 🙂 "quoted" \\ back', items: [{ sku: 'PR-1', qty: 1 }], nested: { ok: true, n: null } },
    metadata: { tier: 'pro', emoji: '🚀' },
  };
}

function queued(event: EventEnvelope, id: string = randomUUID()): QueuedEvent {
  return { id, receivedAt: Date.now(), event };
}

function sortById(rows: StoredRow[]): StoredRow[] {
  return [...rows].sort((a, b) => a.eventId.localeCompare(b.eventId));
}

/** What a row must hold for `q`, at the server's time precision. */
function expectedRow(q: QueuedEvent, precisionMs: number): Omit<StoredRow, 'receivedAt'> {
  const truncate = (iso: string) => new Date(Math.floor(Date.parse(iso) / precisionMs) * precisionMs).toISOString();
  return {
    eventId: q.id,
    eventType: q.event.eventType,
    occurredAt: truncate(q.event.occurredAt),
    customerExternalId: q.event.customerExternalId ?? null,
    source: q.event.source,
    payload: q.event.payload,
    metadata: q.event.metadata ?? null,
  };
}

async function expectKind(promise: Promise<unknown>, kind: DeliveryError['kind']): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isDeliveryError(error)).toBe(true);
  expect((error as DeliveryError).kind).toBe(kind);
  return error as DeliveryError;
}

/**
 * The conformance suite every destination provider runs against its real
 * server (docs/design.md, "Destinations are providers"): call it from the
 * provider's `*.int.test.ts` with a factory that starts the server.
 */
export function describeDestinationConformance<C extends DestinationConfigBase>(
  name: string,
  startServer: () => Promise<ConformanceServer<C> & { destroy(): Promise<void> }>,
): void {
  describe(`${name} destination conformance`, () => {
    let server: ConformanceServer<C> & { destroy(): Promise<void> };
    const destinations: ConformanceDestination<C>[] = [];
    const writers: DestinationWriter[] = [];

    beforeAll(async () => {
      server = await startServer();
    }, 120_000);

    afterEach(async () => {
      await Promise.all(writers.splice(0).map((w) => w.close()));
      await Promise.all(destinations.splice(0).map((d) => d.drop()));
    });

    afterAll(async () => {
      await server?.destroy();
    });

    const fresh = async (setup?: DestinationSetup) => {
      const destination = await server.createDestination(setup);
      destinations.push(destination);
      return destination;
    };
    const writerFor = (config: C, maxConnections?: number) => {
      const writer = server.provider.createWriter(config, { allowPrivateHosts: true, ...(maxConnections ? { maxConnections } : {}) });
      writers.push(writer);
      return writer;
    };

    it('lands every envelope field intact, non-ASCII and 4-byte characters included', async () => {
      const d = await fresh();
      const events = [0, 1, 2].map((i) => queued(fullEvent(i)));
      events.push(queued({ eventType: 'user.signed_up', occurredAt: '2026-01-02T03:04:05.006+02:00', source: 's', payload: {} }));
      const outcome = await writerFor(d.config).write(encodeEvents(events));
      expect(outcome).toEqual({ inserted: 4, skipped: 0, rejected: [] });
      const rows = sortById(await d.rows());
      expect(rows.map(({ receivedAt: _r, ...row }) => row)).toEqual(sortById(events.map((q) => expectedRow(q, server.timePrecisionMs)) as StoredRow[]));
      for (const row of rows) expect(Number.isNaN(Date.parse(row.receivedAt))).toBe(false);
    });

    it('keeps one row per event on a replay (refused: the first write stays; collapsed: after a merge, the last)', async () => {
      const d = await fresh();
      const writer = writerFor(d.config);
      const original = queued(fullEvent(1));
      await writer.write(encodeEvents([original]));
      const replay = { ...original, event: { ...original.event, payload: { changed: true } } };
      const outcome = await writer.write(encodeEvents([replay, queued(fullEvent(2))]));
      const rows = await d.rows();
      expect(rows).toHaveLength(2);
      if ((server.duplicates ?? 'refused') === 'refused') {
        expect(outcome).toMatchObject({ inserted: 1, skipped: 1 });
        expect(rows.find((r) => r.eventId === original.id)?.payload).toEqual(original.event.payload);
      } else {
        // Collapsed at merge: the writer cannot see the earlier row, and the merge keeps the last one written.
        expect(outcome.inserted + outcome.skipped).toBe(2);
        expect(rows.find((r) => r.eventId === original.id)?.payload).toEqual(replay.event.payload);
      }
    });

    it('stores a duplicate inside one batch once', async () => {
      const d = await fresh();
      const q = queued(fullEvent(3));
      const outcome = await writerFor(d.config).write(encodeEvents([q, q, queued(fullEvent(4))]));
      expect(outcome.inserted).toBe(2);
      expect(outcome.skipped).toBe(1);
      expect(await d.rows()).toHaveLength(2);
    });

    it('isolates a bad row: it alone is refused, the rest of its batch commits', async () => {
      const d = await fresh();
      const good = Array.from({ length: 9 }, (_, i) => queued(fullEvent(i)));
      const bad = queued(server.badRowEvent());
      const batch = [...good.slice(0, 4), bad, ...good.slice(4)];
      await expectKind(writerFor(d.config).write(encodeEvents(batch)), 'bad_row');
      expect(await d.rows()).toHaveLength(0);
      const result = await writeIsolatingBadRows(writerFor(d.config), encodeEvents(batch));
      expect(result.inserted).toBe(9);
      expect(result.refused).toHaveLength(1);
      expect(result.refused[0]!.events.map((e) => e.id)).toEqual([bad.id]);
      expect(result.refused[0]!.error.kind).toBe('bad_row');
      expect(sortById(await d.rows()).map((r) => r.eventId)).toEqual(good.map((q) => q.id).sort());
    });

    it('calls a missing table, a missing privilege and a wrong password permanent', async () => {
      const noTable = await fresh({ tables: [] });
      await expectKind(writerFor(noTable.config).write(encodeEvents([queued(fullEvent(1))])), 'permanent');
      const noGrant = await fresh({ grantInsert: false });
      await expectKind(writerFor(noGrant.config).write(encodeEvents([queued(fullEvent(1))])), 'permanent');
      const d = await fresh();
      const wrong = await expectKind(writerFor(server.withWrongPassword(d.config)).write(encodeEvents([queued(fullEvent(1))])), 'permanent');
      expect(wrong.message).not.toContain('wrong-password');
    });

    it('calls a stopped server transient, and loses nothing when it returns', async () => {
      const d = await fresh();
      const writer = writerFor(d.config);
      const batches = Array.from({ length: 6 }, () => Array.from({ length: 50 }, (_, i) => queued(fullEvent(i))));
      await writer.write(encodeEvents(batches[0]!));
      await server.stop();
      try {
        await expectKind(writer.write(encodeEvents(batches[1]!)), 'transient');
      } finally {
        await server.start();
      }
      // Every batch is retried until it commits, as the worker does; each lands exactly once.
      const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
      for (const batch of batches.slice(1)) {
        for (;;) {
          try {
            await writer.write(encodeEvents(batch));
            break;
          } catch (error) {
            if (!isDeliveryError(error) || error.kind !== 'transient' || Date.now() > deadline) throw error;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
      }
      const ids = (await d.rows()).map((r) => r.eventId).sort();
      expect(ids).toEqual(batches.flat().map((q) => q.id).sort());
    }, 90_000);

    it('verifies TLS: the right CA passes, an unknown CA and a wrong host name are refused', async () => {
      const d = await fresh();
      const event = () => encodeEvents([queued(fullEvent(1))]);
      await expect(writerFor(server.tls.trusted(d.config)).write(event())).resolves.toMatchObject({ inserted: 1 });
      const unknownCa = await expectKind(writerFor(server.tls.unknownCa(d.config)).write(event()), 'permanent');
      expect(unknownCa.message).toMatch(/TLS/);
      const wrongHost = await expectKind(writerFor(server.tls.wrongHost(d.config)).write(event()), 'permanent');
      expect(wrongHost.message).toMatch(/TLS/);
      const report = await writerFor(server.tls.unknownCa(d.config)).test();
      expect(report.ok).toBe(false);
      expect(report.checks.at(-1)).toMatchObject({ name: 'tls', ok: false });
    });

    it('keeps to its connection budget under concurrent batches', async () => {
      const d = await fresh();
      const writer = writerFor(d.config, 2);
      let peak = 0;
      let writing = true;
      const sampler = (async () => {
        while (writing) {
          peak = Math.max(peak, await d.writerConnections());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      await Promise.all(Array.from({ length: 12 }, () => writer.write(encodeEvents(Array.from({ length: 200 }, (_, i) => queued(fullEvent(i)))))));
      writing = false;
      await sampler;
      expect(peak).toBeGreaterThanOrEqual(1);
      expect(peak).toBeLessThanOrEqual(2);
      expect(await d.rows()).toHaveLength(12 * 200);
    });

    it('writes per_event_type tables by the documented names, and refuses only the events of a missing one', async () => {
      const probe = await fresh({ tables: [] });
      const base = probe.baseTable;
      const perType = { tableMode: 'per_event_type' as const };
      const tableOf = (type: string) => server.provider.tableFor({ ...probe.config, ...perType }, type);
      expect(tableOf('user.signed_up')).toBe(`${base}_user_signed_up`);
      expect(tableOf('invoice.payment_failed')).toBe(`${base}_invoice_payment_failed`);
      const d = await fresh({ tables: [tableOf('order.completed'), tableOf('user.signed_up')], config: perType });
      const order = queued(fullEvent(1));
      const signup = queued({ ...fullEvent(2), eventType: 'user.signed_up' });
      const sameTable = queued({ ...fullEvent(3), eventType: 'user_signed.up' });
      const missing = queued({ ...fullEvent(4), eventType: 'no.table' });
      const outcome = await writerFor(d.config).write(encodeEvents([order, signup, sameTable, missing]));
      expect(outcome.inserted).toBe(3);
      expect(outcome.rejected).toHaveLength(1);
      expect(outcome.rejected[0]!.events.map((e) => e.id)).toEqual([missing.id]);
      expect(outcome.rejected[0]!.error.kind).toBe('permanent');
      expect((await d.rows(tableOf('order.completed'))).map((r) => r.eventId)).toEqual([order.id]);
      expect((await d.rows(tableOf('user.signed_up'))).map((r) => r.eventType).sort()).toEqual(['user.signed_up', 'user_signed.up']);
    });

    it('runs its set-up guide verbatim, twice, giving the writer INSERT and not SELECT (where the server can withhold it)', async () => {
      const d = await fresh({ tables: [], grantInsert: false });
      const guide = server.provider.setupGuide(d.config, [d.baseTable]);
      await d.runAsAdmin(guide);
      await d.runAsAdmin(guide);
      expect(await d.privilegesOf(d.baseTable)).toEqual({ insert: true, select: !(server.insertOnlyUser ?? true) });
      await expect(writerFor(d.config).write(encodeEvents([queued(fullEvent(1))]))).resolves.toMatchObject({ inserted: 1 });
    });

    it('reports each check of a connection test, and the failing one', async () => {
      const d = await fresh();
      const good = await writerFor(d.config).test();
      expect(good.ok).toBe(true);
      expect(good.checks.map((c) => c.name)).toEqual(['host', 'connect', 'tls', 'insert']);
      expect(good.checks.every((c) => c.ok)).toBe(true);
      expect(await d.rows()).toHaveLength(0);
      const noTable = await fresh({ tables: [] });
      const report = await writerFor(noTable.config).test();
      expect(report.ok).toBe(false);
      expect(report.checks.find((c) => c.name === 'insert')).toMatchObject({ ok: false });
      const wrong = await writerFor(server.withWrongPassword(d.config)).test();
      expect(wrong.ok).toBe(false);
      expect(wrong.checks.find((c) => !c.ok)?.name).toBe('connect');
    });

    it('creates a missing per-type table with autoCreateTables when granted CREATE, and names the grant when not', async () => {
      if (!server.supportsAutoCreate) {
        // The provider says it cannot: then the option must be refused by its schema.
        const d = await fresh();
        expect(server.provider.configSchema.safeParse({ ...d.config, tableMode: 'per_event_type', autoCreateTables: true }).success).toBe(false);
        return;
      }
      const config = { tableMode: 'per_event_type' as const, autoCreateTables: true };
      const granted = await fresh({ tables: [], grantCreate: true, config });
      const event = queued({ ...fullEvent(1), eventType: 'brand.new' });
      await expect(writerFor(granted.config).write(encodeEvents([event]))).resolves.toMatchObject({ inserted: 1 });
      const table = server.provider.tableFor(granted.config, 'brand.new');
      expect((await granted.rows(table)).map((r) => r.eventId)).toEqual([event.id]);
      expect(await granted.privilegesOf(table)).toMatchObject({ insert: true });

      const refused = await fresh({ tables: [], config });
      const outcome = await writerFor(refused.config).write(encodeEvents([queued({ ...fullEvent(2), eventType: 'brand.new' })]));
      expect(outcome.inserted).toBe(0);
      expect(outcome.rejected).toHaveLength(1);
      expect(outcome.rejected[0]!.error.kind).toBe('permanent');
      expect(outcome.rejected[0]!.error.message).toMatch(/CREATE/);
    });
  });
}
