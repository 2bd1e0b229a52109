import type { ControlDb, PortalAccess } from '@pushrail/control-db';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import { HttpError } from '../../http-errors';
import { sessionTenant } from '../../portal/portal-session';
import type { WriteKeyAuthenticator } from '../../write-key-auth';
import { issueWriteKey } from '../../write-keys';

/** The session's tenant's write keys: list (prefix and dates, never the key), create (shown once), revoke. */
export function portalWriteKeyRoutes(deps: { db: ControlDb; access: PortalAccess; auth: WriteKeyAuthenticator }): DocumentedRoutes {
  const routes = new DocumentedRoutes('/portal/api');

  routes.serve('portalListWriteKeys', async (_req, res) => {
    const keys = await deps.access.listWriteKeys(sessionTenant(res));
    res.json({
      items: keys.map((k) => ({ id: k.id, prefix: k.keyPrefix, createdAt: k.createdAt.toISOString(), revokedAt: k.revokedAt?.toISOString() ?? null })),
    });
  });

  routes.serve('portalCreateWriteKey', async (_req, res) => {
    res.status(201).json(await issueWriteKey(deps.db, sessionTenant(res)));
  });

  routes.serve('portalRevokeWriteKey', async (req, res) => {
    if (!(await deps.access.revokeWriteKey(sessionTenant(res), req.params.id))) throw new HttpError('not_found', 'no such write key');
    deps.auth.forgetKey(req.params.id);
    res.status(204).end();
  });

  return routes;
}
