import type { PortalConfig } from '@pushrail/config';
import type { ControlDb, PortalAccess } from '@pushrail/control-db';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import { HttpError } from '../../http-errors';
import { issuePortalLink } from '../../portal/portal-links';
import { parseBody } from '../../validate-body';
import { portalLinkBody } from './portal-link-schemas';

/** `POST /admin/v1/tenants/:id/portal-links`: a single-use link to the customer portal for one tenant. */
export function portalLinkRoutes(deps: { db: ControlDb; access: PortalAccess; portal: PortalConfig }): DocumentedRoutes {
  const routes = new DocumentedRoutes('/admin/v1');

  routes.serve('createPortalLink', async (req, res) => {
    const tenant = await deps.db.getTenant(req.params.id);
    if (!tenant) throw new HttpError('not_found', 'no such tenant');
    const body = parseBody(portalLinkBody, req.body);
    // Expired links and sessions go whenever a new link is made: often enough, and never on a customer's request.
    await deps.access.deleteExpired();
    const requestOrigin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    res.status(201).json(await issuePortalLink(deps.access, deps.portal, { tenantId: tenant.id, readOnly: body.readOnly, requestOrigin }));
  });

  return routes;
}
