import { DEAD_LETTER_STATUSES, type DeadLetterStatus } from '@pushrail/control-db';
import { DELIVERY_ERROR_KINDS } from '@pushrail/destination-core';
import { instantSchema } from '@pushrail/events';
import { z } from 'zod';
import type { Expect, Same } from '../../openapi/type-equality';
import type { RedriveByIdsOutcome, RedriveOutcome } from '../../redrive/dead-letter-redrive';

/** Rows a listing returns when `limit` is not given, and the most it may ask for. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** Ids a redrive by ids may name (one page of a redrive by filter). */
export const MAX_REDRIVE_IDS = 1000;

/** A dead letter's id: the bigserial as a decimal string, within bigint. */
export const DEAD_LETTER_ID = /^[1-9]\d{0,17}$/;

/** The cursor is opaque to callers: base64url of the last id of the page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The last id a cursor stands for, or undefined when it is not one this API gave out. */
export function decodeCursor(cursor: string): string | undefined {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  // Re-encoding must give the same text: Buffer's decoder skips characters it does not know.
  return DEAD_LETTER_ID.test(id) && encodeCursor(id) === cursor ? id : undefined;
}

/**
 * An instant with its offset (`2026-05-26T14:21:08Z`, `…+02:00`): a time
 * without a zone would mean the server's. Years 1–9999 and offsets within
 * ±15:59 (the envelope's rule), so PostgreSQL takes every value that passes.
 */
const instant = instantSchema.transform((text) => clampToFilterRange(new Date(text)));

/**
 * Earliest and latest bound a filter passes on, in ms since the epoch. A
 * bound within a day of year 1 or 9999 can fall outside them in UTC, or in
 * the local time the pg driver writes a Date in, which PostgreSQL then
 * refuses (22008); no dead letter is that old or that young, so the nearest
 * bound inside selects the same rows.
 */
const FILTER_MIN_MS = new Date('0002-01-01T00:00:00Z').getTime();
const FILTER_MAX_MS = new Date('9998-12-31T00:00:00Z').getTime();

function clampToFilterRange(date: Date): Date {
  return new Date(Math.min(Math.max(date.getTime(), FILTER_MIN_MS), FILTER_MAX_MS));
}

const errorKind = z.enum(DELIVERY_ERROR_KINDS);

/** since < until, when both are given; the issue sits on `until`. */
function checkRange(range: { since?: unknown; until?: unknown }, ctx: z.RefinementCtx): void {
  // Runs even when a field failed its own check: then it is not a Date, and that field has its issue already.
  if (range.since instanceof Date && range.until instanceof Date && range.since.getTime() >= range.until.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than since' });
  }
}

/** `GET /admin/v1/dead-letters`. One value per query parameter: a repeated one arrives as an array and is refused. */
export const deadLetterListQuery = z
  .object({
    destinationId: z.uuid({ message: 'must be a destination id (UUID)' }).optional(),
    errorKind: errorKind.optional(),
    since: instant.optional().describe('Dead-lettered at or after this time'),
    until: instant.optional().describe('Dead-lettered before this time'),
    status: z.enum(DEAD_LETTER_STATUSES as [DeadLetterStatus, ...DeadLetterStatus[]]).default('all'),
    limit: z
      .string()
      .regex(/^\d{1,5}$/, { message: `must be a whole number from 1 to ${MAX_LIST_LIMIT}` })
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_LIST_LIMIT))
      .default(DEFAULT_LIST_LIMIT)
      .describe(`Dead letters per page, 1 to ${MAX_LIST_LIMIT} (default ${DEFAULT_LIST_LIMIT})`),
    cursor: z
      .string()
      .transform((cursor, ctx) => {
        const id = decodeCursor(cursor);
        if (id === undefined) {
          ctx.addIssue({ code: 'custom', message: 'is not a cursor from this API (use nextCursor as given)' });
          return z.NEVER;
        }
        return id;
      })
      .optional()
      .describe('`nextCursor` of the previous page'),
  })
  .strict()
  .superRefine(checkRange);

const deadLetterId = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const id = String(value);
  if (!DEAD_LETTER_ID.test(id)) {
    ctx.addIssue({ code: 'custom', message: 'must be a dead letter id (a positive whole number)' });
    return z.NEVER;
  }
  return id;
});

/** `POST /admin/v1/dead-letters/redrive`: either ids, or a destination with optional filters; never both, never neither. */
export const redriveBody = z
  .object({
    ids: z.array(deadLetterId).min(1).max(MAX_REDRIVE_IDS).optional(),
    destinationId: z.uuid({ message: 'must be a destination id (UUID)' }).optional(),
    errorKind: errorKind.optional(),
    since: instant.optional(),
    until: instant.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.ids === undefined && body.destinationId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ids'], message: 'give either ids or destinationId (with errorKind, since, until)' });
    }
    if (body.ids !== undefined && body.destinationId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['destinationId'], message: 'give either ids or destinationId, not both' });
    }
    if (body.ids !== undefined) {
      for (const field of ['errorKind', 'since', 'until'] as const) {
        if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'filters apply only with destinationId' });
      }
    }
    checkRange(body, ctx);
  })
  .describe('Either `ids`, or `destinationId` with optional `errorKind`, `since`, `until` (on the time of dead-lettering); never both');

const isoTime = z.iso.datetime();

/** A dead letter as a listing shows it: never its event. */
export const deadLetterSummaryResponse = z.object({
  id: z.string().regex(DEAD_LETTER_ID).describe('A positive whole number, as a string (it can outgrow a JSON number)'),
  destinationId: z.uuid(),
  // Any UUID PostgreSQL stores: an event enqueued by hand need not carry one of ours.
  eventId: z.guid(),
  errorKind,
  errorCode: z.string().nullable().describe('SQLSTATE or Node error code, when there was one'),
  errorMessage: z.string(),
  attempts: z.number().int().min(0),
  firstFailedAt: isoTime,
  lastFailedAt: isoTime,
  deadLetteredAt: isoTime,
  redrivenAt: isoTime.nullable(),
  discardedAt: isoTime.nullable().describe('When an operator discarded it (`DELETE /admin/v1/dead-letters`); it is never redriven after'),
});
export type DeadLetterSummaryResponse = z.output<typeof deadLetterSummaryResponse>;

export const deadLetterListResponse = z.object({
  items: z.array(deadLetterSummaryResponse),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

/**
 * One dead letter with its event: the queued event (`{id, receivedAt,
 * event}`) parsed when its stored text is JSON, else that text as `eventJson`.
 */
export const deadLetterResponse = z.union([
  deadLetterSummaryResponse.extend({ jobId: z.string(), event: z.unknown().describe('The queued event as it was dead-lettered') }),
  deadLetterSummaryResponse.extend({ jobId: z.string(), eventJson: z.string().describe('The stored text, when it is not JSON') }),
]);
export type DeadLetterResponse = z.output<typeof deadLetterResponse>;

const skippedReasons = z.object({
  destination_deleted: z.number().int().min(0),
  unreadable_event: z.number().int().min(0),
});

/** What a redrive by filter did. */
export const redriveOutcomeResponse = z.object({
  redriven: z.number().int().min(0).describe('Dead letters enqueued again and marked redriven'),
  skipped: z.number().int().min(0).describe('Left pending: their destination was deleted, or their event is unreadable'),
  skippedReasons,
});

/** What a redrive by ids did. */
export const redriveByIdsOutcomeResponse = redriveOutcomeResponse.extend({
  notFound: z.number().int().min(0).describe('Ids that name no dead letter'),
  alreadyRedriven: z.number().int().min(0).describe('Ids of dead letters redriven or discarded before: not sent again'),
});

export const redriveResponse = z.union([redriveByIdsOutcomeResponse, redriveOutcomeResponse]);

export type RedriveOutcomeMatches = Expect<Same<RedriveOutcome, z.output<typeof redriveOutcomeResponse>>>;
export type RedriveByIdsOutcomeMatches = Expect<Same<RedriveByIdsOutcome, z.output<typeof redriveByIdsOutcomeResponse>>>;
