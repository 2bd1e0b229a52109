/**
 * The baseline's consumer: the design a team writes first from the same
 * stack. One BullMQ job per event, and per job one single-row INSERT on a
 * pool, 16 jobs at a time. Run as a process of its own by
 * scenarios/baseline.ts, configured by the environment below; it tells its
 * parent it is ready over the IPC channel.
 */
import type { QueuedEvent } from '@pushrail/events';
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Pool } from 'pg';

/** Jobs (so INSERTs) in flight at once. */
const CONCURRENCY = 16;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const INSERT = (table: string) =>
  `INSERT INTO ${table} (event_id, event_type, occurred_at, customer_external_id, source, payload, metadata, received_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`;

async function main(): Promise<void> {
  const sql = INSERT(required('BASELINE_TABLE'));
  const pool = new Pool({ connectionString: required('BASELINE_WRITER_URL'), max: CONCURRENCY });
  const connection = new IORedis(required('BASELINE_REDIS_URL'), { maxRetriesPerRequest: null });
  const worker = new Worker(
    required('BASELINE_QUEUE'),
    async (job) => {
      const { id, receivedAt, event } = job.data as QueuedEvent;
      await pool.query(sql, [
        id,
        event.eventType,
        event.occurredAt,
        event.customerExternalId ?? null,
        event.source,
        JSON.stringify(event.payload),
        event.metadata === undefined ? null : JSON.stringify(event.metadata),
        new Date(receivedAt).toISOString(),
      ]);
    },
    { connection, prefix: required('BASELINE_PREFIX'), concurrency: CONCURRENCY, removeOnComplete: { count: 0 } },
  );
  await worker.waitUntilReady();
  process.send?.('ready');
  process.once('SIGTERM', () => {
    void worker
      .close()
      .then(() => pool.end())
      .then(() => connection.quit())
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(`baseline-worker: ${(error as Error).message}`);
  process.exit(1);
});
