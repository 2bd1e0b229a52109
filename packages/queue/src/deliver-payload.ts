import { encodeEvents, isUuid, separateQueuedEvents, type EncodedEvents, type EventEnvelope, type QueuedEvent } from '@pushrail/events';
import { z } from 'zod';

/**
 * The payload of a `deliver` job, as ingest writes it:
 *
 *     {"ids":[…],"receivedAt":[…],"correlationIds":[…],"events":[{envelope},…]}
 *
 * Element `i` of each array is event `i`. The worker reads the three small
 * arrays and keeps the envelopes as the JSON text they are in Redis, which it
 * hands to PostgreSQL without parsing it (readDeliverPayloadText). Key order
 * matters to that reader: JSON.stringify keeps it, and `events` comes last.
 *
 * The payload before it, `{"events":[{"id","receivedAt","event"},…]}`, is
 * still read (jobs queued before an upgrade, failed jobs kept a week).
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

/** A queued event as the payload before this one carried it (and dead letters keep it). */
export const queuedEventSchema = z.object({
  id: z.string().uuid(),
  receivedAt: z.number().int().positive(),
  event: envelopeSchema,
});

const payloadSchema = z
  .object({
    ids: z.array(z.string().uuid()).min(1),
    receivedAt: z.array(z.number().int().positive()),
    correlationIds: z.array(z.string().nullable()),
    events: z.array(envelopeSchema),
  })
  .refine((p) => p.receivedAt.length === p.ids.length && p.correlationIds.length === p.ids.length && p.events.length === p.ids.length, {
    message: 'ids, receivedAt, correlationIds and events must have one element per event',
  });

const earlierPayloadSchema = z.object({ events: z.array(queuedEventSchema).min(1) });

/** Both shapes, for zod to word what is wrong with a payload that is neither. */
export const deliverPayloadSchema = z.union([payloadSchema, earlierPayloadSchema]);

export type DeliverPayload = z.infer<typeof payloadSchema>;

/** The payload of a job carrying `events` (at least one). */
export function toDeliverPayload(events: readonly QueuedEvent[]): DeliverPayload {
  const { ids, receivedAt, correlationIds, envelopes } = separateQueuedEvents(events);
  // This key order is what readDeliverPayloadText reads without parsing the envelopes.
  return { ids, receivedAt, correlationIds, events: envelopes };
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

/** The arrays of a payload other than its envelopes, checked; undefined when they do not hold together. */
function readHead(data: Record<string, unknown>): Pick<EncodedEvents, 'ids' | 'receivedAt' | 'correlationIds'> | undefined {
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

/** What is wrong with a payload, in zod's words: against the current shape when it has `ids`, else the earlier one. */
function problemOf(data: unknown): string {
  const schema = isRecord(data) && 'ids' in data ? payloadSchema : earlierPayloadSchema;
  const result = schema.safeParse(data);
  const issue = result.success ? undefined : result.error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unreadable';
}

/**
 * Reads a `deliver` payload of either shape into queued events. The checks
 * are deliverPayloadSchema's, written out by hand for the hot path: running
 * the zod schema over 500 events per job took about 9 % of the worker's CPU
 * (bench/RESULTS.md). zod still words the problem when the payload is bad.
 */
export function readDeliverPayload(data: unknown): { ok: true; events: QueuedEvent[] } | { ok: false; problem: string } {
  if (isRecord(data) && Array.isArray(data.events)) {
    const envelopes = data.events;
    if ('ids' in data) {
      const head = readHead(data);
      if (head && envelopes.length === head.ids.length && envelopes.every(isEnvelope)) {
        return { ok: true, events: envelopes.map((event, i) => ({ id: head.ids[i]!, receivedAt: head.receivedAt[i]!, event })) };
      }
    } else if (
      envelopes.length > 0 &&
      envelopes.every((q) => isRecord(q) && typeof q.id === 'string' && isUuid(q.id) && isReceivedAt(q.receivedAt) && isEnvelope(q.event))
    ) {
      return { ok: true, events: envelopes as QueuedEvent[] };
    }
  }
  return { ok: false, problem: problemOf(data) };
}

const HEAD_START = '{"ids":[';
const EVENTS_KEY = ',"events":[';
/** What JSON.stringify writes at the start of each envelope (eventType is its first field). */
const ENVELOPE_START = '{"eventType":';

/**
 * Envelopes in a JSON array text as toDeliverPayload's JSON.stringify wrote
 * it, counted by their first field. A quick check that the text and the ids
 * pair up, not a parse: PostgreSQL parses the text, and its NOT NULL columns
 * refuse a batch whose sides differ in length anyway (insertEncodedSql).
 */
function envelopeCount(text: string): number {
  let count = 0;
  for (let at = text.indexOf(ENVELOPE_START); at !== -1; at = text.indexOf(ENVELOPE_START, at + ENVELOPE_START.length)) count++;
  return count;
}

/**
 * Reads a `deliver` job's data as the JSON text Redis holds, into encoded
 * events, without parsing the envelopes: the text before `"events"` is
 * parsed (three small arrays) and the envelopes' array is cut out of the
 * rest as it is. The cut is safe because a `,"events":[` with a bare quote
 * cannot occur inside a JSON string (quotes there are escaped) and nothing
 * before the key holds an object. Anything else (the earlier shape, keys in
 * another order, a head that does not check out) is parsed whole and read by
 * readDeliverPayload, so the result never depends on the fast path. The
 * envelopes come back as UTF-8 bytes, so the job's text can die young
 * (EncodedEvents says why).
 */
export function readDeliverPayloadText(text: string): { ok: true; events: EncodedEvents } | { ok: false; problem: string; raw: unknown } {
  if (text.startsWith(HEAD_START) && text.endsWith(']}')) {
    const cut = text.indexOf(EVENTS_KEY);
    if (cut > 0) {
      const head = parseJson(`${text.slice(0, cut)}}`);
      const envelopes = text.slice(cut + EVENTS_KEY.length - 1, -1);
      const read = isRecord(head) ? readHead(head) : undefined;
      if (read && envelopeCount(envelopes) === read.ids.length) return { ok: true, events: { ...read, envelopeArrays: [Buffer.from(envelopes, 'utf8')] } };
    }
  }
  const data = parseJson(text);
  if (data === undefined) return { ok: false, problem: 'not JSON', raw: text };
  const read = readDeliverPayload(data);
  return read.ok ? { ok: true, events: encodeEvents(read.events) } : { ok: false, problem: read.problem, raw: data };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
