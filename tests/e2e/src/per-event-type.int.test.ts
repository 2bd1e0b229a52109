import { createTableSql, qualifiedTable } from '@pushrail/destination-postgres';
import { waitFor, withPgClient } from '@pushrail/testing';
import { Pipeline, seedEvent } from './pipeline';

/** Three event types and the tables `per_event_type` mode sends them to. */
const TYPES = {
  'order.completed': 'events_order_completed',
  'user.signed.up': 'events_user_signed_up',
  'invoice.paid': 'events_invoice_paid',
} as const;

function setupSql(tables: string[]): string {
  return [
    'CREATE SCHEMA pushrail;',
    'GRANT USAGE ON SCHEMA pushrail TO pushrail_writer;',
    ...tables.flatMap((t) => [createTableSql('pushrail', t), `GRANT INSERT ON ${qualifiedTable('pushrail', t)} TO pushrail_writer;`]),
  ].join('\n');
}

function burst(prefix: string, perType: number) {
  return Object.keys(TYPES).flatMap((eventType) =>
    Array.from({ length: perType }, (_, i) => seedEvent({ eventType, idempotencyKey: `${prefix}-${eventType}-${i}`, payload: { i } })),
  );
}

describe('one table per event type', () => {
  describe('all three tables there', () => {
    let pipeline: Pipeline;
    beforeAll(async () => {
      const audit = [
        'CREATE SCHEMA pushrail_audit;',
        'CREATE TABLE pushrail_audit.statements (txid bigint NOT NULL, table_name text NOT NULL);',
        `CREATE FUNCTION pushrail_audit.record() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
           BEGIN INSERT INTO pushrail_audit.statements VALUES (txid_current(), TG_TABLE_NAME); RETURN NULL; END $$;`,
        ...Object.values(TYPES).map(
          (t) => `CREATE TRIGGER audit AFTER INSERT ON pushrail.${t} FOR EACH STATEMENT EXECUTE FUNCTION pushrail_audit.record();`,
        ),
      ].join('\n');
      pipeline = await Pipeline.start({
        customerSetupSql: `${setupSql(Object.values(TYPES))}\n${audit}`,
        destination: { tableMode: 'per_event_type' },
      });
    });
    afterAll(async () => {
      await pipeline.close();
    });

    it('lands a burst of three types in their three tables, in one transaction per batch', async () => {
      const answer = await pipeline.postBatch(burst('burst', 200));
      expect(answer.status).toBe(202);
      for (const table of Object.values(TYPES)) {
        await waitFor(async () => (await pipeline.rowCount(table)) === 200, { description: `200 rows in ${table}` });
      }
      for (const [eventType, table] of Object.entries(TYPES)) {
        const rows = await pipeline.rows(table);
        expect(rows.every((r) => r.event_type === eventType)).toBe(true);
      }
      // 600 events, batchSize 1000: one batch, so one transaction across the three tables. (Each
      // table's statement runs under a savepoint, so xmin shows subtransaction ids; the audit
      // trigger records the top-level transaction id.)
      const transactions = await withPgClient(pipeline.customer.adminUrl, (c) =>
        c.query('SELECT DISTINCT txid FROM pushrail_audit.statements'),
      );
      expect(transactions.rowCount).toBe(1);
      const statements = await withPgClient(pipeline.customer.adminUrl, (c) => c.query('SELECT table_name FROM pushrail_audit.statements'));
      expect(statements.rows.map((r) => r.table_name).sort()).toEqual(Object.values(TYPES).sort());
    });

    it('answers the DDL and the test for one event type', async () => {
      const ddl = await pipeline.admin('GET', `/admin/v1/destinations/${pipeline.destinationId}/ddl?eventType=order.completed`);
      expect(ddl.status).toBe(200);
      expect(ddl.text).toContain('"pushrail"."events_order_completed"');
      const ok = await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/test?eventType=order.completed`);
      expect(ok.body.ok).toBe(true);
      const missing = await pipeline.admin('POST', `/admin/v1/destinations/${pipeline.destinationId}/test?eventType=refund.issued`);
      expect(missing.body.ok).toBe(false);
      expect(JSON.stringify(missing.body.checks)).toContain('events_refund_issued');
    });
  });

  describe('one of the three tables missing', () => {
    let pipeline: Pipeline;
    beforeAll(async () => {
      pipeline = await Pipeline.start({
        customerSetupSql: setupSql([TYPES['order.completed'], TYPES['user.signed.up']]),
        destination: { tableMode: 'per_event_type' },
      });
    });
    afterAll(async () => {
      await pipeline.close();
    });

    it('dead-letters only that table’s events, lands the others, and a redrive after the fix lands them once', async () => {
      const answer = await pipeline.postBatch(burst('partial', 50));
      expect(answer.status).toBe(202);
      await waitFor(async () => (await pipeline.rowCount('events_order_completed')) === 50, { description: 'order rows' });
      await waitFor(async () => (await pipeline.rowCount('events_user_signed_up')) === 50, { description: 'signup rows' });
      const letters = await waitFor(async () => {
        const page = await pipeline.db.listDeadLetters({ destinationId: pipeline.destinationId }, { limit: 100 });
        return page.length === 50 ? page : undefined;
      }, { description: '50 dead letters' });
      for (const letter of letters) {
        expect(letter).toMatchObject({ errorKind: 'permanent', errorCode: '42P01' });
        expect(letter.errorMessage).toContain('events_invoice_paid');
        expect(JSON.parse(letter.eventJson).event.eventType).toBe('invoice.paid');
      }

      await withPgClient(pipeline.customer.adminUrl, (c) => c.query(setupSql([TYPES['invoice.paid']]).replace('CREATE SCHEMA pushrail;', '')));
      const redrive = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId: pipeline.destinationId });
      expect(redrive.status).toBe(202);
      expect(redrive.body.redriven).toBe(50);
      await waitFor(async () => (await pipeline.rowCount('events_invoice_paid')) === 50, { description: 'invoice rows after redrive' });

      const again = await pipeline.admin('POST', '/admin/v1/dead-letters/redrive', { destinationId: pipeline.destinationId });
      expect(again.body.redriven).toBe(0);
      const marker = await pipeline.postEvent(seedEvent({ eventType: 'invoice.paid', idempotencyKey: 'marker' }));
      await waitFor(async () => (await pipeline.rows('events_invoice_paid')).some((r) => r.event_id === marker.body.eventId), {
        description: 'a marker after the second redrive',
      });
      expect(await pipeline.rowCount('events_invoice_paid')).toBe(51);
      expect(await pipeline.rowCount('events_order_completed')).toBe(50);
    });
  });

  describe('switching mode', () => {
    let pipeline: Pipeline;
    beforeAll(async () => {
      pipeline = await Pipeline.start({ customerSetupSql: setupSql(['events', TYPES['order.completed']]) });
    });
    afterAll(async () => {
      await pipeline.close();
    });

    it('applies to the events delivered after the switch', async () => {
      const before = await pipeline.postEvent(seedEvent({ idempotencyKey: 'before-switch' }));
      await waitFor(async () => (await pipeline.rows('events')).some((r) => r.event_id === before.body.eventId), { description: 'single-table row' });
      const patched = await pipeline.admin('PATCH', `/admin/v1/destinations/${pipeline.destinationId}`, { tableMode: 'per_event_type' });
      expect(patched.status).toBe(200);
      expect(patched.body.config.tableMode).toBe('per_event_type');
      // The worker picks the change up within its config cache (2 s); events sent after it land per type.
      await waitFor(async () => {
        const answer = await pipeline.postEvent(seedEvent({ idempotencyKey: `after-switch-${Date.now()}` }));
        return answer.status === 202 && (await pipeline.rowCount(TYPES['order.completed'])) > 0;
      }, { description: 'a row in the per-type table after the switch', timeoutMs: 15_000, intervalMs: 500 });
      expect((await pipeline.rows('events')).some((r) => r.event_id === before.body.eventId)).toBe(true);
    });
  });
});
