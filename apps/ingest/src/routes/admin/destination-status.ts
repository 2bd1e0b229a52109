import type { ControlDb } from '@pushrail/control-db';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import { readDestinationStatus, type DestinationStatusDeps } from '../../destination-status';
import { HttpError } from '../../http-errors';

/** `GET /admin/v1/destinations/:id/status`. */
export function destinationStatusRoutes(deps: DestinationStatusDeps & { db: ControlDb }): DocumentedRoutes {
  const routes = new DocumentedRoutes('/admin/v1');

  routes.serve('getDestinationStatus', async (req, res) => {
    const record = await deps.db.getDestination(req.params.id);
    if (!record) throw new HttpError('not_found', 'no such destination');
    if (deps.redis.status !== 'ready') {
      throw new HttpError('unavailable', 'the event queue is unavailable; retry later', {}, { 'Retry-After': '1' });
    }
    res.json(await readDestinationStatus(deps, record));
  });

  return routes;
}
