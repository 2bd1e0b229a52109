import { isUuid, type EncodedEvents, type EventColumns, type EventEnvelope, type QueuedEvent } from '@pushrail/events';
import { z } from 'zod';

/**
 * The payload of a `deliver` job: one shape, written by toDeliverPayload and
 * read by readDeliverPayload, nowhere else.
 *
 *     {"ids":[…],"receivedAt":[…],"correlationIds":[…],"requestIds":[…],"events":[{envelope},…]}
 *
 * Element `i` of each array but `requestIds` is event `i` (EventColumns, then
 * the envelopes). `requestIds` (optional) names the HTTP requests the job's
 * events came in, once each, for the worker's batch log line
 * (docs/operations.md).
 * The envelopes come last so that the reader can keep them as the JSON text
 * Redis holds and hand that to the destination without parsing it; the
 * reader's fast path relies on that layout and falls back to a whole parse
 * for any other, so its answer never depends on it.
 */

/**
 * The event id of a dead letter that holds a whole job's payload because the
 * worker could not read it (one dead letter per such job, so writing it again
 * is still a no-op).
 */
export const UNREADABLE_EVENT_ID = '00000000-0000-0000-0000-000000000000';

/** An event inside a job: light checks only, the full envelope was validated at ingest. */
const envelopeSchema = z
  .object({ eventType: z.string(), occurredAt: z.string(), source: z.string(), payload: z.record(z.string(), z.unknown()) })
  .passthrough();

/** A queued event as a dead letter keeps it (`{id, receivedAt, event}`). */
export const queuedEventSchema = z.object({
  id: z.string().uuid(),
  receivedAt: z.number().int().positive(),
  event: envelopeSchema,
});

/** The payload's schema: the job catalogue's, and the words for what is wrong with a payload. */
export const deliverPayloadSchema = z
  .object({
    ids: z.array(z.string().uuid()).min(1),
    receivedAt: z.array(z.number().int().positive()),
    correlationIds: z.array(z.string().nullable()),
    requestIds: z.array(z.string()).optional(),
    events: z.array(envelopeSchema),
  })
  .refine((p) => p.receivedAt.length === p.ids.length && p.correlationIds.length === p.ids.length && p.events.length === p.ids.length, {
    message: 'ids, receivedAt, correlationIds and events must have one element per event',
  });

export type DeliverPayload = EventColumns & { requestIds?: string[]; events: EventEnvelope[] };

/**
 * The payload of a job carrying `events` (at least one), from the requests
 * `requestIds` (when known). This key order is the layout readDeliverPayload reads fast.
 */
export function toDeliverPayload(events: readonly QueuedEvent[], requestIds: readonly string[] = []): DeliverPayload {
  const n = events.length;
  const ids = new Array<string>(n);
  const receivedAt = new Array<number>(n);
  const correlationIds = new Array<string | null>(n);
  const envelopes = new Array<EventEnvelope>(n);
  for (let i = 0; i < n; i++) {
    const queued = events[i]!;
    ids[i] = queued.id;
    receivedAt[i] = queued.receivedAt;
    correlationIds[i] = queued.event.correlationId ?? null;
    envelopes[i] = queued.event;
  }
  if (requestIds.length === 0) return { ids, receivedAt, correlationIds, events: envelopes };
  return { ids, receivedAt, correlationIds, requestIds: [...requestIds], events: envelopes };
}

/** A payload's request ids; malformed ones are dropped (they only name log lines, never a reason to refuse a job). */
function readRequestIds(data: Record<string, unknown>): { requestIds?: string[] } {
  const { requestIds } = data;
  return Array.isArray(requestIds) && requestIds.every((r) => typeof r === 'string') ? { requestIds: requestIds as string[] } : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEnvelope(event: unknown): event is EventEnvelope {
  return (
    isRecord(event) &&
    typeof event.eventType === 'string' &&
    typeof event.occurredAt === 'string' &&
    typeof event.source === 'string' &&
    isRecord(event.payload)
  );
}

function isReceivedAt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * The payload's EventColumns, checked by hand (the schema's checks, written
 * out: running zod over 500 events per job took about 9 % of the worker's
 * CPU, bench/RESULTS.md); undefined when they do not hold together.
 */
function readColumns(data: Record<string, unknown>): EventColumns | undefined {
  const { ids, receivedAt, correlationIds } = data;
  if (!Array.isArray(ids) || !Array.isArray(receivedAt) || !Array.isArray(correlationIds)) return undefined;
  const n = ids.length;
  if (n === 0 || receivedAt.length !== n || correlationIds.length !== n) return undefined;
  for (let i = 0; i < n; i++) {
    const id: unknown = ids[i];
    const correlationId: unknown = correlationIds[i];
    if (typeof id !== 'string' || !isUuid(id) || !isReceivedAt(receivedAt[i]) || (correlationId !== null && typeof correlationId !== 'string')) {
      return undefined;
    }
  }
  return { ids: ids as string[], receivedAt: receivedAt as number[], correlationIds: correlationIds as (string | null)[] };
}

/** What is wrong with a payload, in zod's words. */
function problemOf(data: unknown): string {
  const result = deliverPayloadSchema.safeParse(data);
  const issue = result.success ? undefined : result.error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unreadable';
}

const HEAD_START = '{"ids":[';
const EVENTS_KEY = ',"events":[';
/** What JSON.stringify writes at the start of each envelope (eventType is its first field). */
const ENVELOPE_START = '{"eventType":';

/**
 * Envelopes in a JSON array text as toDeliverPayload's JSON.stringify wrote
 * it, counted by their first field. A quick check that the text and the ids
 * pair up, not a parse: the destination parses the text, and a batch whose
 * sides differ in length is refused there anyway.
 */
function envelopeCount(text: string): number {
  let count = 0;
  for (let at = text.indexOf(ENVELOPE_START); at !== -1; at = text.indexOf(ENVELOPE_START, at + ENVELOPE_START.length)) count++;
  return count;
}

/** The outcome of reading a payload: its events, encoded, or why it cannot be read (with what was read, for a dead letter). */
export type DeliverPayloadRead = { ok: true; events: EncodedEvents } | { ok: false; problem: string; raw: unknown };

/**
 * Reads a `deliver` payload from the JSON text Redis holds, into encoded
 * events. Fast path, for the layout toDeliverPayload writes: the text before
 * `"events"` is parsed (three small arrays) and the envelopes' array is cut
 * out of the rest as it is. The cut is safe because a `,"events":[` with a
 * bare quote cannot occur inside a JSON string (quotes there are escaped) and
 * nothing before the key holds an object. Any other text (keys in another
 * order, an envelope the count misses) is parsed whole and checked the same
 * way. The envelopes come back as UTF-8 bytes, so the job's text can die
 * young (EncodedEvents says why).
 */
export function readDeliverPayload(text: string): DeliverPayloadRead {
  if (text.startsWith(HEAD_START) && text.endsWith(']}')) {
    const cut = text.indexOf(EVENTS_KEY);
    if (cut > 0) {
      const head = parseJson(`${text.slice(0, cut)}}`);
      const envelopes = text.slice(cut + EVENTS_KEY.length - 1, -1);
      const columns = isRecord(head) ? readColumns(head) : undefined;
      if (columns && envelopeCount(envelopes) === columns.ids.length) {
        return { ok: true, events: { ...columns, ...readRequestIds(head as Record<string, unknown>), envelopeArrays: [Buffer.from(envelopes, 'utf8')] } };
      }
    }
  }
  const data = parseJson(text);
  if (data === undefined) return { ok: false, problem: 'not JSON', raw: text };
  if (isRecord(data) && Array.isArray(data.events)) {
    const columns = readColumns(data);
    if (columns && data.events.length === columns.ids.length && data.events.every(isEnvelope)) {
      return { ok: true, events: { ...columns, ...readRequestIds(data), envelopeArrays: [Buffer.from(JSON.stringify(data.events), 'utf8')] } };
    }
  }
  return { ok: false, problem: problemOf(data), raw: data };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
