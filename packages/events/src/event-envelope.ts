import { z } from 'zod';

/** Deepest nesting of objects/arrays accepted inside `payload` or `metadata`. */
export const MAX_JSON_DEPTH = 32;

/** Largest single event, in bytes of its JSON text (DESIGN.md: "an event up to 1 MB"). */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** Most events in one `POST /v1/batch`. */
export const MAX_BATCH_EVENTS = 1000;

function depthOf(value: unknown, depth = 0): number {
  if (depth > MAX_JSON_DEPTH) return depth;
  if (Array.isArray(value)) {
    let max = depth + 1;
    for (const item of value) max = Math.max(max, depthOf(item, depth + 1));
    return max;
  }
  if (value !== null && typeof value === 'object') {
    let max = depth + 1;
    for (const item of Object.values(value)) max = Math.max(max, depthOf(item, depth + 1));
    return max;
  }
  return depth;
}

const jsonObject = z
  .record(z.string(), z.unknown())
  .refine((value) => depthOf(value) <= MAX_JSON_DEPTH, { message: `nested deeper than ${MAX_JSON_DEPTH} levels` });

/**
 * An ISO-8601 instant with an explicit offset ("Z" or "+02:00"): a timestamp
 * without one is ambiguous, and `occurred_at` is a TIMESTAMPTZ.
 */
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-05-26T14:21:08.493Z' });

/** The canonical event a customer's service sends (DESIGN.md, "The product, from the outside"). */
export const eventEnvelopeSchema = z
  .object({
    eventType: z.string().min(1).max(255),
    occurredAt: instant,
    source: z.string().min(1).max(255),
    customerExternalId: z.string().min(1).max(255).optional(),
    idempotencyKey: z.string().min(1).max(255).optional(),
    correlationId: z.string().min(1).max(255).optional(),
    payload: jsonObject,
    metadata: jsonObject.optional(),
  })
  .strict();

/** A validated event as the client sent it. */
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** The body of `POST /v1/batch`. Events are validated one by one so each bad index is reported. */
export const batchBodySchema = z
  .object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS) })
  .strict();
