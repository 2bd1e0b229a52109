import { z } from 'zod';
import { instantRangeProblem, instantShape } from './instant';
import { unstorableTextProblem } from './unstorable-text';

/** Deepest nesting of objects/arrays accepted inside `payload` or `metadata`. */
export const MAX_JSON_DEPTH = 32;

/** Largest single event, in bytes of its JSON text (docs/design.md: "an event is at most 1 MB of JSON"). */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** Most events in one `POST /v1/batch`. */
export const MAX_BATCH_EVENTS = 1000;

/**
 * True when `value` holds objects or arrays more than `levels` deep (the
 * value itself is the first level). It stops at the first branch too deep,
 * so it recurses at most `levels + 1` frames whatever the input.
 */
function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestedDeeperThan(value[i], levels - 1)) return true;
    return false;
  }
  for (const key in value) if (nestedDeeperThan((value as Record<string, unknown>)[key], levels - 1)) return true;
  return false;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `payload` and `metadata`: a JSON object, at most MAX_JSON_DEPTH levels
 * deep. A check of the parsed value, not `z.record`: the record schema copies
 * every key of the object into a new one, a large part of ingest's
 * validation time per event (bench/RESULTS.md).
 * JSON Schema cannot be derived from a check, so the OpenAPI document writes
 * {@link JSON_OBJECT_JSON_SCHEMA} in its place.
 */
export const jsonObjectSchema = z.custom<Record<string, unknown>>(
  (value) => isJsonObject(value) && !nestedDeeperThan(value, MAX_JSON_DEPTH),
  { error: (issue) => (isJsonObject(issue.input) ? `nested deeper than ${MAX_JSON_DEPTH} levels` : 'must be a JSON object') },
);

/** {@link jsonObjectSchema} as JSON Schema 2020-12, for the OpenAPI document. */
export const JSON_OBJECT_JSON_SCHEMA = Object.freeze({
  type: 'object',
  additionalProperties: {},
  description: `A JSON object, nested at most ${MAX_JSON_DEPTH} levels deep`,
});

/** A text field of the envelope: 1 to 255 characters (what a TEXT column can hold is checked on the whole envelope). */
const envelopeText = () => z.string().min(1).max(255);

/** The envelope's fields that become text columns. */
const TEXT_FIELDS = ['eventType', 'source', 'customerExternalId', 'idempotencyKey', 'correlationId'] as const;

/**
 * What no destination stores, checked once per envelope: U+0000 or an
 * unpaired surrogate in a text field, an `occurredAt` outside years 1–9999
 * or with an offset beyond ±15:59. One check over the object instead of one
 * per field: zod's per-check bookkeeping cost more than the scans themselves
 * (about 3 µs per event in the five-field form, measured).
 */
function checkStorable(envelope: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const field of TEXT_FIELDS) {
    const value = envelope[field];
    if (typeof value !== 'string') continue;
    const problem = unstorableTextProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem, input: value });
  }
  const at = envelope.occurredAt;
  // Only an occurredAt of the right shape: any other has its issue already.
  if (typeof at === 'string' && !ctx.issues.some((issue) => issue.path?.[0] === 'occurredAt')) {
    const problem = instantRangeProblem(at);
    if (problem) ctx.addIssue({ code: 'custom', path: ['occurredAt'], message: problem, input: at });
  }
}

/** The canonical event a customer's service sends (docs/design.md, "The canonical event and destination"). */
export const eventEnvelopeSchema = z
  .object({
    eventType: envelopeText(),
    occurredAt: instantShape,
    source: envelopeText(),
    customerExternalId: envelopeText().optional(),
    idempotencyKey: envelopeText().optional(),
    correlationId: envelopeText().optional(),
    payload: jsonObjectSchema,
    metadata: jsonObjectSchema.optional(),
  })
  .strict()
  .superRefine(checkStorable);

/** A validated event as the client sent it. */
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** The body of `POST /v1/batch`. Events are validated one by one so each bad index is reported. */
export const batchBodySchema = z
  .object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS) })
  .strict();
