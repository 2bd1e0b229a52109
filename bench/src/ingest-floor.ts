import { isUtf8 } from 'node:buffer';
import { deriveEventId, eventEnvelopeSchema, jsonTextIssues, type QueuedEvent } from '@pushrail/events';
import { toDeliverPayload } from '@pushrail/queue';
import { batchBody } from './sample-event';

/**
 * The least CPU ingest can spend on an event of a `POST /v1/batch`: the steps
 * no design of ingest can skip, each timed alone with ingest's own functions
 * (no HTTP, no Redis client, no garbage collection counted). It bounds the
 * batch line from below; bench/RESULTS.md ("Why the batch goal is out of
 * reach") uses it. Run: `node bench/dist/ingest-floor.js` on a quiet machine.
 */

/** Events per body, as the batch line sends. */
const BODY_EVENTS = 500;
/** Timed repetitions of each step, after as many untimed ones to let the JIT settle. */
const REPEATS = 400;

function microsPerEvent(step: () => void): number {
  for (let i = 0; i < REPEATS; i++) step();
  const started = process.hrtime.bigint();
  for (let i = 0; i < REPEATS; i++) step();
  return Number(process.hrtime.bigint() - started) / 1000 / (REPEATS * BODY_EVENTS);
}

function main(): void {
  const body = Buffer.from(batchBody(BODY_EVENTS), 'utf8');
  const inputs = (JSON.parse(body.toString('utf8')) as { events: unknown[] }).events;
  const queued: QueuedEvent[] = inputs.map((input) => ({
    id: deriveEventId('bench', undefined),
    receivedAt: Date.now(),
    event: eventEnvelopeSchema.parse(input),
  }));
  const steps: Array<[string, () => void]> = [
    ['body toString + JSON.parse', () => JSON.parse(body.toString('utf8'))],
    ['UTF-8 and JSON text checks (what JSON would change)', () => isUtf8(body) && jsonTextIssues(body.toString('utf8'))],
    ['envelope schema', () => inputs.forEach((input) => eventEnvelopeSchema.safeParse(input))],
    ['UUIDv7 id', () => inputs.forEach(() => deriveEventId('bench', undefined))],
    ["job payload's JSON.stringify", () => JSON.stringify(toDeliverPayload(queued))],
  ];
  let total = 0;
  for (const [name, step] of steps) {
    const micros = microsPerEvent(step);
    total += micros;
    console.log(`${name.padEnd(30)} ${micros.toFixed(3)} µs per event`);
  }
  console.log(`${'floor'.padEnd(30)} ${total.toFixed(3)} µs per event`);
}

main();
