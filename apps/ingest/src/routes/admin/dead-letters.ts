import {
  DEAD_LETTER_ERROR_KINDS,
  DEAD_LETTER_STATUSES,
  type ControlDb,
  type DeadLetterErrorKind,
  type DeadLetterRecord,
  type DeadLetterStatus,
  type DeadLetterSummary,
} from '@pushrail/control-db';
import type { Logger } from '@pushrail/observability';
import type { EventProducer } from '@pushrail/queue';
import { Router } from 'express';
import { z } from 'zod';
import { HttpError, zodIssues } from '../../http-errors';
import { DeadLetterRedrive } from '../../redrive/dead-letter-redrive';
import { parseBody } from '../../validate-body';

export interface DeadLetterRouteDeps {
  db: ControlDb;
  producer: Pick<EventProducer, 'enqueue'>;
  logger: Logger;
}

/** Rows a listing returns when `limit` is not given, and the most it may ask for. */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** Ids a redrive by ids may name (one page of a redrive by filter). */
export const MAX_REDRIVE_IDS = 1000;

/** A dead letter's id: the bigserial as a decimal string, within bigint. */
const DEAD_LETTER_ID = /^[1-9]\d{0,17}$/;

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

/** An instant with its offset (`2026-05-26T14:21:08Z`, `…+02:00`): a time without a zone would mean the server's. */
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time with a zone, e.g. 2026-05-26T14:21:08Z' })
  .transform((text) => new Date(text));

const errorKind = z.enum(DEAD_LETTER_ERROR_KINDS as [DeadLetterErrorKind, ...DeadLetterErrorKind[]]);

/** since < until, when both are given; the issue sits on `until`. */
function checkRange(range: { since?: Date | undefined; until?: Date | undefined }, ctx: z.RefinementCtx): void {
  if (range.since && range.until && range.since.getTime() >= range.until.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than since' });
  }
}

/** One value per query parameter: a repeated one arrives as an array and is refused. */
const listQuery = z
  .object({
    destinationId: z.uuid({ message: 'must be a destination id (UUID)' }).optional(),
    errorKind: errorKind.optional(),
    since: instant.optional(),
    until: instant.optional(),
    status: z.enum(DEAD_LETTER_STATUSES as [DeadLetterStatus, ...DeadLetterStatus[]]).default('all'),
    limit: z
      .string()
      .regex(/^\d{1,5}$/, { message: `must be a whole number from 1 to ${MAX_LIST_LIMIT}` })
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_LIST_LIMIT))
      .default(DEFAULT_LIST_LIMIT),
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
      .optional(),
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

/** Either ids, or a destination with optional filters; never both, never neither. */
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
  });

function timeOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** A dead letter as the API shows it in a listing: never its event. */
export function deadLetterSummaryView(d: DeadLetterSummary) {
  return {
    id: d.id,
    destinationId: d.destinationId,
    eventId: d.eventId,
    errorKind: d.errorKind,
    errorCode: d.errorCode,
    errorMessage: d.errorMessage,
    attempts: d.attempts,
    firstFailedAt: d.firstFailedAt.toISOString(),
    lastFailedAt: d.lastFailedAt.toISOString(),
    deadLetteredAt: d.deadLetteredAt.toISOString(),
    redrivenAt: timeOrNull(d.redrivenAt),
  };
}

/**
 * One dead letter with its event: the queued event parsed when its text is
 * JSON, else the text itself as `eventJson`. A `\u0000` survives either way:
 * the text keeps the escape, and JSON.stringify writes the parsed one back as
 * `\u0000`.
 */
export function deadLetterView(d: DeadLetterRecord) {
  let event: { event: unknown } | { eventJson: string };
  try {
    event = { event: JSON.parse(d.eventJson) as unknown };
  } catch {
    event = { eventJson: d.eventJson };
  }
  return { ...deadLetterSummaryView(d), jobId: d.jobId, ...event };
}

/** Dead letters: list, inspect, redrive. */
export function deadLetterRoutes(deps: DeadLetterRouteDeps): Router {
  const router = Router();
  const redrive = new DeadLetterRedrive(deps);

  router.get('/dead-letters', async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const { limit, cursor, ...filter } = query.data;
    // One row more than asked tells whether another page follows, so the last page says nextCursor: null.
    const rows = await deps.db.listDeadLetterSummaries(filter, { limit: limit + 1, ...(cursor !== undefined ? { afterId: cursor } : {}) });
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null;
    res.json({ items: items.map(deadLetterSummaryView), nextCursor });
  });

  router.post('/dead-letters/redrive', async (req, res) => {
    const body = parseBody(redriveBody, req.body);
    if (body.ids !== undefined) {
      res.status(202).json(await redrive.byIds(body.ids));
      return;
    }
    const { ids: _ids, ...filter } = body;
    res.status(202).json(await redrive.byFilter(filter));
  });

  router.get('/dead-letters/:id', async (req, res) => {
    const deadLetter = DEAD_LETTER_ID.test(req.params.id) ? await deps.db.getDeadLetter(req.params.id) : undefined;
    if (!deadLetter) throw new HttpError('not_found', 'no such dead letter');
    res.json(deadLetterView(deadLetter));
  });

  return router;
}
