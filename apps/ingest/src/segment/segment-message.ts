import { jsonObjectSchema, MAX_BATCH_EVENTS } from '@pushrail/events';
import { z } from 'zod';

/**
 * The Segment HTTP tracking API as Pushrail accepts it (docs/design.md, "HTTP (ingest)"):
 * the messages unmodified Segment and RudderStack SDKs send.
 */

/** The call types, each with its own route (`/segment/v1/<type>`) and allowed in a batch. */
export const SEGMENT_CALL_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentCallType = (typeof SEGMENT_CALL_TYPES)[number];

/** Largest message, in bytes of its JSON text: Segment's limit of 32 KB a call (its SDKs check the same). */
export const MAX_SEGMENT_MESSAGE_BYTES = 32 * 1024;
/** Largest batch request body, in bytes after gunzip: Segment's limit of 500 KB a batch. */
export const MAX_SEGMENT_BATCH_BYTES = 500 * 1024;

/** Fields of a message whose values are limited like the envelope's strings. */
const text = z.string().min(1).max(255);

/**
 * A user id: a string, or a number that older SDKs send and Segment turns
 * into its decimal text. `null` is absent (some SDKs send it for "unknown").
 */
const identifier = z
  .union([text, z.number().transform(String)])
  .nullish()
  .transform((value) => value ?? undefined);

/** An ISO-8601 instant with an offset, the form the envelope's `occurredAt` takes. */
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-05-26T14:21:08.493Z' })
  .nullish()
  .transform((value) => value ?? undefined);

const optionalObject = jsonObjectSchema.nullish().transform((value) => value ?? undefined);

/**
 * One message. Loose: every field the spec or an SDK adds (`integrations`,
 * `channel`, `_metadata`, `name`, `previousId`, `groupId`, …) is kept and
 * goes to the event's metadata.
 */
export const segmentMessageSchema = z
  .looseObject({
    type: z.enum(SEGMENT_CALL_TYPES),
    messageId: text.nullish().transform((value) => value ?? undefined),
    event: text.nullish().transform((value) => value ?? undefined),
    userId: identifier,
    anonymousId: identifier,
    timestamp: instant,
    originalTimestamp: instant,
    properties: optionalObject,
    traits: optionalObject,
    context: optionalObject,
  })
  .superRefine((message, ctx) => {
    if (message.type === 'track' && message.event === undefined) {
      ctx.addIssue({ code: 'custom', path: ['event'], message: 'a track call needs its event name' });
    }
  });
export type SegmentMessage = z.output<typeof segmentMessageSchema>;

/**
 * The body of `POST /segment/v1/batch`. Messages are checked one by one so
 * each bad index is reported; `context` here is merged into each message's
 * own (the message's fields win), as Segment does.
 */
export const segmentBatchSchema = z.looseObject({
  batch: z.array(z.unknown()).min(1).max(MAX_BATCH_EVENTS),
  context: optionalObject,
});
