import { defaultPortalConfig, type PortalConfig } from '@pushrail/config';
import { PortalAccess, type ControlDb, type DestinationStore } from '@pushrail/control-db';
import type { Logger, PushrailMetrics } from '@pushrail/observability';
import type { EventProducer, ReplicaAcknowledger } from '@pushrail/queue';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import { requireAdmin } from './admin-auth';
import { bullBoardRouter } from './bull-board';
import { registerFleetGauges } from './fleet-metrics';
import { EventIntake } from './event-intake';
import { errorHandler, MAX_BODY_BYTES, notFoundHandler, refuseDeclaredTooLarge, requireJsonIfBody } from './http-errors';
import { refuseUnstorableText } from './unstorable-admin-text';
import { assertServesExactlyTheCatalogue, DocumentedRoutes } from './openapi/documented-routes';
import { portalRouter } from './portal/portal-app';
import { deadLetterDiscardRoutes } from './routes/admin/dead-letter-discard';
import { deadLetterRoutes } from './routes/admin/dead-letters';
import { destinationStatusRoutes } from './routes/admin/destination-status';
import { destinationRoutes } from './routes/admin/destinations';
import { portalLinkRoutes } from './routes/admin/portal-links';
import { tenantOperationsRoutes } from './routes/admin/tenant-operations';
import { tenantRoutes } from './routes/admin/tenants';
import { EventHandlers } from './routes/event-handlers';
import { eventFastPath, FAST_PATH_OPERATION_IDS } from './event-fast-path';
import { mountBeforeExpress } from './express-app-handle';
import { healthRoutes } from './routes/health';
import { SegmentHandlers } from './segment/segment-handlers';
import { SEGMENT_PREFIX, segmentRoutes } from './segment/segment-routes';
import { openApiRoutes } from './routes/openapi';
import { observeRequests } from './request-observer';
import { TenantDestinations } from './tenant-destinations';
import { TenantRateLimiter } from './tenant-rate-limit';
import { WriteKeyAuthenticator } from './write-key-auth';

export interface IngestDeps {
  db: ControlDb;
  store: DestinationStore;
  producer: EventProducer;
  /** The producer's Redis connection (readiness). */
  redis: Redis;
  metrics: PushrailMetrics;
  logger: Logger;
  adminToken: string;
  allowPrivateHosts: boolean;
  /** The `/metrics` text; default this process's registry (a cluster's processes aggregate through the primary). */
  metricsText?: () => Promise<string>;
  /** The customer portal's settings; the schema's defaults when left out. */
  portal?: PortalConfig;
  /** PUSHRAIL_REDIS_MIN_REPLICAS above 0: writes are confirmed on replicas before a 202. */
  replicaAck?: ReplicaAcknowledger;
}

export interface Ingest {
  app: Express;
  intake: EventIntake;
}

/** The ingest HTTP application, built from its dependencies (no globals, no env). */
export function createApp(deps: IngestDeps): Ingest {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  const tenantDestinations = new TenantDestinations(deps.db);
  const intake = new EventIntake(deps.producer, tenantDestinations, deps.metrics, () => deps.redis.status === 'ready', deps.logger, deps.replicaAck);
  const auth = new WriteKeyAuthenticator(deps.db);
  const rateLimiter = new TenantRateLimiter(deps.redis, deps.producer.prefix);
  const portal = deps.portal ?? defaultPortalConfig();
  const access = new PortalAccess(deps.db);
  registerFleetGauges(deps.metrics, { db: deps.db, redis: deps.redis, prefix: deps.producer.prefix });

  app.set('etag', false);
  mountBeforeExpress(app, eventFastPath(new EventHandlers({ auth, intake, rateLimiter }), deps.logger));
  observeRequests(app, deps);
  const routes = new DocumentedRoutes('');
  routes.use('/', healthRoutes(deps), openApiRoutes());
  // Before the JSON parser: the Segment routes read their own bodies (gzip, any Content-Type).
  routes.use(SEGMENT_PREFIX, segmentRoutes(new SegmentHandlers({ auth, intake, rateLimiter })));
  // Everything under /admin (the API, Bull Board, unknown paths) is behind the token, checked before the body is read.
  routes.use('/admin', requireAdmin(deps.adminToken), refuseDeclaredTooLarge(MAX_BODY_BYTES), requireJsonIfBody);
  routes.mount('bullBoard', bullBoardRouter(deps));
  routes.use('/', express.json({ limit: MAX_BODY_BYTES, type: 'application/json', strict: false }));
  routes.use(
    '/admin/v1',
    requireAdmin(deps.adminToken),
    refuseUnstorableText,
    tenantRoutes({ db: deps.db, auth }),
    tenantOperationsRoutes({ ...deps, auth, tenantDestinations }),
    destinationStatusRoutes({ db: deps.db, redis: deps.redis, prefix: deps.producer.prefix }),
    destinationRoutes({ ...deps, tenantDestinations }),
    deadLetterRoutes(deps),
    portalLinkRoutes({ db: deps.db, access, portal }),
    deadLetterDiscardRoutes(deps),
  );
  routes.use('/portal', portalRouter({ ...deps, access, intake, tenantDestinations, auth, portal }));
  assertServesExactlyTheCatalogue([...FAST_PATH_OPERATION_IDS, ...routes.operationIds]);
  app.use(routes.router);
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return { app, intake };
}
