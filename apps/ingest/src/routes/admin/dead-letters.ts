import type { ControlDb, DeadLetterRecord, DeadLetterSummary } from '@pushrail/control-db';
import type { Logger } from '@pushrail/observability';
import type { EventProducer } from '@pushrail/queue';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import { HttpError, zodIssues } from '../../http-errors';
import { DeadLetterRedrive } from '../../redrive/dead-letter-redrive';
import { parseBody } from '../../validate-body';
import {
  DEAD_LETTER_ID,
  deadLetterListQuery,
  encodeCursor,
  redriveBody,
  type DeadLetterResponse,
  type DeadLetterSummaryResponse,
} from './dead-letter-schemas';

export interface DeadLetterRouteDeps {
  db: ControlDb;
  producer: Pick<EventProducer, 'enqueue'>;
  logger: Logger;
}

function timeOrNull(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** A dead letter as the API shows it in a listing: never its event. */
export function deadLetterSummaryView(d: DeadLetterSummary): DeadLetterSummaryResponse {
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
    discardedAt: timeOrNull(d.discardedAt),
  };
}

/**
 * One dead letter with its event: the queued event parsed when its text is
 * JSON, else the text itself as `eventJson`. A `\u0000` survives either way:
 * the text keeps the escape, and JSON.stringify writes the parsed one back as
 * `\u0000`.
 */
export function deadLetterView(d: DeadLetterRecord): DeadLetterResponse {
  let event: { event: unknown } | { eventJson: string };
  try {
    event = { event: JSON.parse(d.eventJson) as unknown };
  } catch {
    event = { eventJson: d.eventJson };
  }
  return { ...deadLetterSummaryView(d), jobId: d.jobId, ...event };
}

/** Dead letters: list, inspect, redrive. */
export function deadLetterRoutes(deps: DeadLetterRouteDeps): DocumentedRoutes {
  const routes = new DocumentedRoutes('/admin/v1');
  const redrive = new DeadLetterRedrive(deps);

  routes.serve('listDeadLetters', async (req, res) => {
    const query = deadLetterListQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const { limit, cursor, ...filter } = query.data;
    // One row more than asked tells whether another page follows, so the last page says nextCursor: null.
    const rows = await deps.db.listDeadLetterSummaries(filter, { limit: limit + 1, ...(cursor !== undefined ? { afterId: cursor } : {}) });
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null;
    res.json({ items: items.map(deadLetterSummaryView), nextCursor });
  });

  routes.serve('redriveDeadLetters', async (req, res) => {
    const body = parseBody(redriveBody, req.body);
    if (body.ids !== undefined) {
      res.status(202).json(await redrive.byIds(body.ids));
      return;
    }
    const { ids: _ids, ...filter } = body;
    res.status(202).json(await redrive.byFilter(filter));
  });

  routes.serve('getDeadLetter', async (req, res) => {
    const deadLetter = DEAD_LETTER_ID.test(req.params.id) ? await deps.db.getDeadLetter(req.params.id) : undefined;
    if (!deadLetter) throw new HttpError('not_found', 'no such dead letter');
    res.json(deadLetterView(deadLetter));
  });

  return routes;
}
