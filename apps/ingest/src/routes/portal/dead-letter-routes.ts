import type { ControlDb } from '@pushrail/control-db';
import type { Logger } from '@pushrail/observability';
import type { EventProducer } from '@pushrail/queue';
import type { Response } from 'express';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import { HttpError, zodIssues } from '../../http-errors';
import { sessionTenant } from '../../portal/portal-session';
import { DeadLetterRedrive } from '../../redrive/dead-letter-redrive';
import { parseBody } from '../../validate-body';
import { DEAD_LETTER_ID, deadLetterListQuery, encodeCursor, redriveBody } from '../admin/dead-letter-schemas';
import { deadLetterSummaryView, deadLetterView } from '../admin/dead-letters';

export interface PortalDeadLetterDeps {
  db: ControlDb;
  producer: Pick<EventProducer, 'enqueue'>;
  logger: Logger;
}

/**
 * The session's tenant's dead letters: list (of one of its destinations, or
 * of all of them), open one, redrive by ids or by filter. The queries and the
 * redrive are the admin API's; the tenant check comes first. Another tenant's
 * destination or dead letter is a 404, and its ids in a redrive count as not found.
 */
export function portalDeadLetterRoutes(deps: PortalDeadLetterDeps): DocumentedRoutes {
  const routes = new DocumentedRoutes('/portal/api');
  const redrive = new DeadLetterRedrive(deps);

  const requireOwnDestination = async (res: Response, destinationId: string | undefined): Promise<string> => {
    if (destinationId === undefined) {
      throw new HttpError('invalid_request', 'invalid query', { issues: [{ path: 'destinationId', message: 'is required: the destination whose dead letters to redrive' }] });
    }
    const record = await deps.db.getDestination(destinationId);
    if (!record || record.tenantId !== sessionTenant(res)) throw new HttpError('not_found', 'no such destination');
    return record.id;
  };

  /** The filter's destinations: the one named (the session's own, else a 404), or every one of the session's tenant. */
  const ownDestinations = async (res: Response, destinationId: string | undefined): Promise<{ destinationIds: string[] }> => ({
    destinationIds:
      destinationId !== undefined ? [await requireOwnDestination(res, destinationId)] : (await deps.db.listDestinations(sessionTenant(res))).map((d) => d.id),
  });

  const parseListQuery = (query: unknown) => {
    const parsed = deadLetterListQuery.safeParse(query);
    if (!parsed.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(parsed.error.issues) });
    return parsed.data;
  };

  routes.serve('portalListDeadLetters', async (req, res) => {
    const { limit, cursor, destinationId, ...filter } = parseListQuery(req.query);
    const rows = await deps.db.listDeadLetterSummaries({ ...filter, ...(await ownDestinations(res, destinationId)) }, { limit: limit + 1, ...(cursor !== undefined ? { afterId: cursor } : {}) });
    const items = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1]!.id) : null;
    res.json({ items: items.map(deadLetterSummaryView), nextCursor });
  });

  routes.serve('portalDeadLetterScope', async (req, res) => {
    const { limit: _limit, cursor: _cursor, status: _status, destinationId, ...filter } = parseListQuery(req.query);
    res.json(await deps.db.deadLetterRedriveScope({ ...filter, ...(await ownDestinations(res, destinationId)) }));
  });

  routes.serve('portalRedriveDeadLetters', async (req, res) => {
    const body = parseBody(redriveBody, req.body);
    if (body.ids !== undefined) {
      const own = new Set((await deps.db.listDestinations(sessionTenant(res))).map((d) => d.id));
      const candidates = await deps.db.deadLettersByIds(body.ids);
      const ownIds = candidates.filter((c) => own.has(c.destinationId)).map((c) => c.id);
      const outcome = await redrive.byIds(ownIds);
      // Ids of other tenants' dead letters read exactly like ids of none.
      res.status(202).json({ ...outcome, notFound: outcome.notFound + new Set(body.ids).size - new Set(ownIds).size });
      return;
    }
    const { ids: _ids, ...filter } = body;
    await requireOwnDestination(res, filter.destinationId);
    res.status(202).json(await redrive.byFilter(filter));
  });

  routes.serve('portalGetDeadLetter', async (req, res) => {
    const deadLetter = DEAD_LETTER_ID.test(req.params.id) ? await deps.db.getDeadLetter(req.params.id) : undefined;
    const owner = deadLetter ? await deps.db.getDestination(deadLetter.destinationId) : undefined;
    if (!deadLetter || owner?.tenantId !== sessionTenant(res)) throw new HttpError('not_found', 'no such dead letter');
    res.json(deadLetterView(deadLetter));
  });

  return routes;
}
