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

/** One issue of the storable checks, as zod's own issues read. */
interface StorableIssue {
  code: 'custom';
  path: string[];
  message: string;
  input: string;
}

/**
 * What no destination stores: U+0000 or an unpaired surrogate in a text
 * field, an `occurredAt` outside years 1–9999 or with an offset beyond
 * ±15:59. `occurredAtShapeBad`: its shape has an issue already, so its range
 * is not checked.
 */
function storableIssues(envelope: Record<string, unknown>, occurredAtShapeBad: boolean): StorableIssue[] {
  const issues: StorableIssue[] = [];
  for (const field of TEXT_FIELDS) {
    const value = envelope[field];
    if (typeof value !== 'string') continue;
    const problem = unstorableTextProblem(value);
    if (problem) issues.push({ code: 'custom', path: [field], message: problem, input: value });
  }
  const at = envelope.occurredAt;
  if (typeof at === 'string' && !occurredAtShapeBad) {
    const problem = instantRangeProblem(at);
    if (problem) issues.push({ code: 'custom', path: ['occurredAt'], message: problem, input: at });
  }
  return issues;
}

/** The envelope's fields and their shapes, without the storable checks (see safeParseEventEnvelope). */
const envelopeShapeSchema = z
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
  .strict();

/**
 * The canonical event a customer's service sends (docs/design.md, "The
 * canonical event and destination"): its fields, then the storable checks
 * once over the object (one check instead of one per field: zod's per-check
 * bookkeeping cost more than the scans themselves).
 */
export const eventEnvelopeSchema = envelopeShapeSchema.superRefine((envelope, ctx) => {
  const occurredAtShapeBad = ctx.issues.some((issue) => issue.path?.[0] === 'occurredAt');
  for (const issue of storableIssues(envelope, occurredAtShapeBad)) ctx.addIssue({ ...issue });
});

/**
 * `eventEnvelopeSchema.safeParse`, the same answer, for ingest's path of
 * every event: zod parses an object without checks on a fast path, and any
 * check on it, even an empty one, costs about 1 µs more per event and
 * allocates 2.7 times as much (bench/RESULTS.md, change T). So the shapes go
 * through zod and the storable checks run after it as a plain function; an
 * event with a shape issue, which is rare, goes through the whole schema so
 * its issues are exactly the schema's.
 */
export function safeParseEventEnvelope(input: unknown): z.ZodSafeParseResult<EventEnvelope> {
  const shaped = envelopeShapeSchema.safeParse(input);
  if (!shaped.success) return eventEnvelopeSchema.safeParse(input);
  const issues = storableIssues(shaped.data, false);
  return issues.length === 0 ? shaped : { success: false, error: new z.ZodError(issues) as z.ZodError<EventEnvelope> };
}

/** A validated event as the client sent it. */
export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** The body of `POST /v1/batch`. Events are validated one by one so each bad index is reported. */
export const batchBodySchema = z
  .object({ events: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS) })
  .strict();
