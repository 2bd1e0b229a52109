import type { PortalConfig } from '@pushrail/config';
import type { ControlDb, DestinationStore, PortalAccess } from '@pushrail/control-db';
import type { Logger } from '@pushrail/observability';
import type { EventProducer } from '@pushrail/queue';
import type { Redis } from 'ioredis';
import type { EventIntake } from '../event-intake';
import { requireJsonIfBody } from '../http-errors';
import { DocumentedRoutes } from '../openapi/documented-routes';
import { portalDeadLetterRoutes } from '../routes/portal/dead-letter-routes';
import { portalDestinationRoutes } from '../routes/portal/destination-routes';
import { sessionRoutes } from '../routes/portal/session-routes';
import { portalWriteKeyRoutes } from '../routes/portal/write-key-routes';
import type { TenantDestinations } from '../tenant-destinations';
import type { WriteKeyAuthenticator } from '../write-key-auth';
import { portalHeaders } from './portal-headers';
import { requirePortalSession, showPortalLink, usePortalLink } from './portal-session';
import { portalAssetsDir, portalStatic } from './portal-static';

export interface PortalDeps {
  db: ControlDb;
  store: DestinationStore;
  access: PortalAccess;
  producer: EventProducer;
  redis: Redis;
  intake: EventIntake;
  tenantDestinations: TenantDestinations;
  auth: WriteKeyAuthenticator;
  logger: Logger;
  portal: PortalConfig;
  allowPrivateHosts: boolean;
}

/**
 * Everything under /portal (docs/portal.md): the link that opens a session,
 * the tenant-scoped API behind the session cookie, and the built page. Mounted
 * after the JSON body parser.
 */
export function portalRouter(deps: PortalDeps): DocumentedRoutes {
  const routes = new DocumentedRoutes('/portal');
  routes.use('/', portalHeaders(deps.portal));
  routes.serve('openPortalLink', showPortalLink(deps.access));
  routes.serve('usePortalLink', usePortalLink(deps.access, deps.portal));
  routes.use(
    '/api',
    (_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    },
    requireJsonIfBody,
    requirePortalSession(deps.access),
    sessionRoutes(deps),
    portalDestinationRoutes(deps),
    portalDeadLetterRoutes(deps),
    portalWriteKeyRoutes(deps),
  );
  const assets = portalAssetsDir();
  if (assets) routes.mount('portalPage', portalStatic(assets));
  else {
    deps.logger.warn('the portal front end is not built (apps/portal/dist): /portal/ answers 404; run pnpm build');
    routes.mount('portalPage', (_req, _res, next) => next());
  }
  return routes;
}
