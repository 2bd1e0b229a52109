import { discardDeadLettersByFilter, discardDeadLettersByIds, type ControlDb } from '@pushrail/control-db';
import type { Logger } from '@pushrail/observability';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import { parseBody } from '../../validate-body';
import { discardBody, type DiscardResponse } from './dead-letter-discard-schemas';

/**
 * `DELETE /admin/v1/dead-letters`: discard dead letters by ids, or by
 * destination with optional error kind and time range (the redrive's body).
 * A discarded dead letter is never redriven, and is deleted with the redriven
 * ones once PUSHRAIL_DEAD_LETTER_RETENTION_DAYS have passed (docs/operations.md).
 */
export function deadLetterDiscardRoutes(deps: { db: ControlDb; logger: Logger }): DocumentedRoutes {
  const routes = new DocumentedRoutes('/admin/v1');

  routes.serve('discardDeadLetters', async (req, res) => {
    const body = parseBody(discardBody, req.body);
    if (body.ids !== undefined) {
      const outcome = await discardDeadLettersByIds(deps.db, body.ids);
      deps.logger.info({ requested: body.ids.length, ...outcome }, 'dead letters discarded by ids');
      res.json(outcome satisfies DiscardResponse);
      return;
    }
    const { ids: _ids, ...filter } = body;
    const discarded = await discardDeadLettersByFilter(deps.db, filter);
    deps.logger.info({ filter: { ...filter, since: filter.since?.toISOString(), until: filter.until?.toISOString() }, discarded }, 'dead letters discarded by filter');
    res.json({ discarded } satisfies DiscardResponse);
  });

  return routes;
}
