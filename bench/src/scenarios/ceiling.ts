import { insertBatchParams, insertBatchSql } from '@pushrail/destination-postgres';
import { Client } from 'pg';
import type { BenchStack } from '../bench-stack';
import type { Measurement, RunSize } from '../measurement';
import { queuedSampleEvents } from '../sample-event';
import { perSecond } from '../stats';

/** Rows per statement, as the worker's batches. */
const ROWS_PER_STATEMENT = 1_000;

/**
 * The ceiling: the most the worker could do here. A plain `pg` client
 * logged in as the INSERT-only role writes the same rows as Pushrail would
 * (insertBatchSql/insertBatchParams: one 1,000-row `unnest` INSERT … ON
 * CONFLICT DO NOTHING per statement, autocommit), no queue, no HTTP; the
 * parameters are built inside the timed loop, as the worker builds them.
 */
export async function runCeiling(stack: BenchStack, size: RunSize): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const connections of [1, 4]) {
    const table = await stack.createTable(`ceiling_${connections}`);
    const events = queuedSampleEvents(size.ceilingRows);
    const sql = insertBatchSql(table.schema, table.name);
    const clients = await Promise.all(
      Array.from({ length: connections }, async () => {
        const client = new Client({ connectionString: stack.customer.writerUrl });
        await client.connect();
        return client;
      }),
    );
    let next = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        while (next < events.length) {
          const slice = events.slice(next, next + ROWS_PER_STATEMENT);
          next += slice.length;
          await client.query(sql, insertBatchParams(slice));
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    await Promise.all(clients.map((c) => c.end()));
    const check = await table.check(events.map((e) => e.id));
    out.push({
      key: `ceiling.${connections}c`,
      label: `ceiling: direct unnest INSERT, ${connections} connection${connections > 1 ? 's' : ''}`,
      events: check.rows,
      eventsPerSec: perSecond(events.length, elapsedMs),
      lost: check.lost,
      duplicated: check.unexpected,
      detail: { rowsPerStatement: ROWS_PER_STATEMENT, elapsedMs: Math.round(elapsedMs) },
    });
  }
  return out;
}
