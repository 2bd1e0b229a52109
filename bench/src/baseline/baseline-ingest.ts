/**
 * The baseline's HTTP front: the ingest a team writes first from the same
 * stack. Express 5 with `express.json()`, the write key compared per request,
 * the envelope checked with the same zod schema, then one `queue.add` per
 * event and a 202 once Redis has it. Run as a process of its own by
 * scenarios/baseline.ts (configured by the environment below); it tells its
 * parent its port over the IPC channel. baseline-worker.ts consumes the queue.
 */
import type { AddressInfo } from 'node:net';
import { deriveEventId, eventEnvelopeSchema } from '@pushrail/events';
import { Queue } from 'bullmq';
import express from 'express';
import IORedis from 'ioredis';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const writeKey = required('BASELINE_WRITE_KEY');
  const connection = new IORedis(required('BASELINE_REDIS_URL'), { maxRetriesPerRequest: null });
  const queue = new Queue(required('BASELINE_QUEUE'), { connection, prefix: required('BASELINE_PREFIX') });
  await queue.waitUntilReady();

  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.post('/v1/events', async (req, res) => {
    if (req.headers.authorization !== `Bearer ${writeKey}`) {
      res.status(401).json({ error: { code: 'unauthorized', message: 'bad write key' } });
      return;
    }
    const parsed = eventEnvelopeSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: { code: 'invalid_event', message: parsed.error.message } });
      return;
    }
    const eventId = deriveEventId('baseline', parsed.data.idempotencyKey);
    try {
      await queue.add('event', { id: eventId, receivedAt: Date.now(), event: parsed.data }, { removeOnComplete: true });
    } catch {
      res.status(503).json({ error: { code: 'unavailable', message: 'queue unavailable' } });
      return;
    }
    res.status(202).json({ eventId });
  });

  const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.once('SIGTERM', () => {
    server.close();
    void queue
      .close()
      .then(() => connection.quit())
      .finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(`baseline-ingest: ${(error as Error).message}`);
  process.exit(1);
});
