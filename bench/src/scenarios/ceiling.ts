import type { QueuedEvent } from '@pushrail/events';
import { insertBatchParams, insertBatchSql, insertEncodedParams, insertEncodedSql } from '@pushrail/destination-postgres';
import { Client } from 'pg';
import type { BenchStack } from '../bench-stack';
import type { CustomerTable } from '../customer-table';
import { CpuMeter } from '../cpu-meter';
import { medianOfRuns, type Measurement, type RunSize } from '../measurement';
import { queuedSampleEvents } from '../sample-event';
import { perSecond, round } from '../stats';

/** Rows per statement, as the worker's batches. */
const ROWS_PER_STATEMENT = 1_000;

/** One way of writing a batch: its SQL and the parameters of one slice. */
interface StatementForm {
  key: string;
  label: string;
  sql(table: CustomerTable): string;
  /** `rawJson[i]` is event i's JSON text, as a job could carry it from ingest. */
  params(events: QueuedEvent[], rawJson: string[]): unknown[];
}

/** What the worker sends today: one `unnest` array per column (insertBatchSql/insertBatchParams). */
const UNNEST_FORM: StatementForm = {
  key: 'ceiling',
  label: 'ceiling: direct unnest INSERT',
  sql: (t) => insertBatchSql(t.schema, t.name),
  params: (events) => insertBatchParams(events),
};

/**
 * The worker's own statement (insertEncodedSql), measured beside the ceiling:
 * each batch's envelopes as one jsonb parameter that PostgreSQL unpacks, the
 * ids and receive times as two arrays. Its parameters are built from the
 * events' JSON text, as the worker has it from the job. Drain against this
 * line is what the queue costs; this line against the ceiling is what the
 * statement costs PostgreSQL.
 */
const ENCODED_FORM: StatementForm = {
  key: 'direct.encoded',
  label: "direct: the worker's statement (envelopes as one jsonb parameter)",
  sql: (t) => insertEncodedSql(t.schema, t.name),
  params: (events, rawJson) =>
    insertEncodedParams({
      ids: events.map((e) => e.id),
      receivedAt: events.map((e) => e.receivedAt),
      correlationIds: [],
      envelopeArrays: [Buffer.from(`[${rawJson.join(',')}]`, 'utf8')],
    }),
};

/**
 * The ceiling: the most the worker could do here. A plain `pg` client
 * logged in as the INSERT-only role writes the same rows as Pushrail would
 * (one 1,000-row `unnest` INSERT … ON CONFLICT DO NOTHING per statement,
 * autocommit), no queue, no HTTP; the parameters are built inside the timed
 * loop, as the worker builds them. The client's own CPU per row is kept, and
 * (full runs) the worker's own statement is measured the same way right after.
 */
export async function runCeiling(stack: BenchStack, size: RunSize): Promise<Measurement[]> {
  const out: Measurement[] = [];
  // Evidence for RESULTS.md, not a goal: a quick run leaves it out.
  for (const form of size.quick ? [UNNEST_FORM] : [UNNEST_FORM, ENCODED_FORM]) {
    for (const connections of [1, 4]) {
      // The 4-connection ceiling is what the drain and batch goals are divided by: its median of goalLineRuns.
      const runs = form === UNNEST_FORM && connections === 4 ? size.goalLineRuns : 1;
      out.push(
        await medianOfRuns(runs, async (run) => {
          await stack.settle();
          return writeDirect(stack, size, form, connections, run);
        }),
      );
    }
  }
  return out;
}

async function writeDirect(stack: BenchStack, size: RunSize, form: StatementForm, connections: number, run: number): Promise<Measurement> {
  const table = await stack.createTable(`${form.key.replace('.', '_')}_${connections}${run > 1 ? `_r${run}` : ''}`);
  const events = queuedSampleEvents(size.ceilingRows);
  const rawJson = events.map((e) => JSON.stringify(e.event));
  const sql = form.sql(table);
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new Client({ connectionString: stack.customer.writerUrl });
      await client.connect();
      return client;
    }),
  );
  let next = 0;
  const cpu = process.cpuUsage();
  // The database's own CPU for these rows: what the pipeline-cost goal compares Pushrail's CPU per event with.
  const database = new CpuMeter({ postgres: stack.customerPostgresCpu });
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (next < events.length) {
        const from = next;
        next += ROWS_PER_STATEMENT;
        await client.query(sql, form.params(events.slice(from, next), rawJson.slice(from, next)));
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const postgresSeconds = database.read().postgres ?? 0;
  await Promise.all(clients.map((c) => c.end()));
  const check = await table.check(events.map((e) => e.id));
  return {
    key: `${form.key}.${connections}c`,
    label: `${form.label}, ${connections} connection${connections > 1 ? 's' : ''}`,
    events: check.rows,
    eventsPerSec: perSecond(events.length, elapsedMs),
    lost: check.lost,
    duplicated: check.unexpected,
    detail: {
      rowsPerStatement: ROWS_PER_STATEMENT,
      elapsedMs: Math.round(elapsedMs),
      clientCpuMicrosPerRow: round((used.user + used.system) / events.length, 2),
      postgresCpuMicrosPerRow: round((postgresSeconds * 1e6) / events.length, 2),
    },
  };
}
