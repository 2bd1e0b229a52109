import { isUuid, type ControlDb, type DestinationStore } from '@pushrail/control-db';
import type { EventProducer } from '@pushrail/queue';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import type { Redis } from 'ioredis';
import { pauseDestination, requireQueue, resumeDestination, setupGuideFor, testDestinationConfig, validNewConfig, validPatchedConfig } from '../../destination-actions';
import { HttpError, zodIssues } from '../../http-errors';
import type { TenantDestinations } from '../../tenant-destinations';
import { parseBody } from '../../validate-body';
import { destinationListQuery, eventTypeQuery } from './destination-schemas';

export interface DestinationRouteDeps {
  db: ControlDb;
  store: DestinationStore;
  producer: EventProducer;
  /** The producer's Redis connection: pause, resume and delete change the destination's queue too. */
  redis: Redis;
  tenantDestinations: TenantDestinations;
  allowPrivateHosts: boolean;
}

/** Destinations: CRUD with secrets redacted, test, pause/resume, DDL. */
export function destinationRoutes(deps: DestinationRouteDeps): DocumentedRoutes {
  const routes = new DocumentedRoutes('/admin/v1');
  const { db, store, producer } = deps;

  const mustLoad = async (id: string) => {
    const loaded = await store.load(id);
    if (!loaded) throw new HttpError('not_found', 'no such destination');
    return loaded;
  };

  const mustExist = async (id: string) => {
    if (!(await db.getDestination(id))) throw new HttpError('not_found', 'no such destination');
  };

  routes.serve('createDestination', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { tenantId, ...rest } = body;
    if (typeof tenantId !== 'string' || !isUuid(tenantId)) {
      throw new HttpError('invalid_request', 'the request body is invalid', { issues: [{ path: 'tenantId', message: 'must be a tenant id (UUID)' }] });
    }
    if (!(await db.getTenant(tenantId))) throw new HttpError('not_found', 'no such tenant');
    const config = await validNewConfig(store, rest, deps.allowPrivateHosts);
    const record = await store.create(tenantId, config);
    deps.tenantDestinations.invalidate(tenantId);
    res.status(201).json(store.view(record));
  });

  routes.serve('listDestinations', async (req, res) => {
    const query = destinationListQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const records = await db.listDestinations(query.data.tenantId);
    res.json({ items: records.map((r) => store.view(r)) });
  });

  routes.serve('getDestination', async (req, res) => {
    const record = await db.getDestination(req.params.id);
    if (!record) throw new HttpError('not_found', 'no such destination');
    res.json(store.view(record));
  });

  routes.serve('patchDestination', async (req, res) => {
    const current = await mustLoad(req.params.id);
    const config = await validPatchedConfig(store, current.config, req.body, deps.allowPrivateHosts);
    const record = await store.update(current.record.id, config);
    if (!record) throw new HttpError('not_found', 'no such destination');
    // Its event type filter may have changed: this process routes by the new one at once, others within the cache's TTL.
    deps.tenantDestinations.invalidate(record.tenantId);
    res.json(store.view(record));
  });

  routes.serve('deleteDestination', async (req, res) => {
    const record = await db.getDestination(req.params.id);
    if (!record) throw new HttpError('not_found', 'no such destination');
    requireQueue(deps.redis);
    if (!(await db.deleteDestination(record.id))) throw new HttpError('not_found', 'no such destination');
    deps.tenantDestinations.invalidate(record.tenantId);
    // Its queued events have nowhere to go any more.
    await producer.queueFor(record.id).obliterate({ force: true });
    await producer.removeFromWorkIndex(record.id);
    await producer.forget(record.id);
    res.status(204).end();
  });

  routes.serve('pauseDestination', async (req, res) => {
    await mustExist(req.params.id);
    const record = await pauseDestination(deps, req.params.id, 'paused by an operator');
    if (!record) throw new HttpError('not_found', 'no such destination');
    res.json(store.view(record));
  });

  routes.serve('resumeDestination', async (req, res) => {
    await mustExist(req.params.id);
    const record = await resumeDestination(deps, req.params.id);
    if (!record) throw new HttpError('not_found', 'no such destination');
    res.json(store.view(record));
  });

  routes.serve('testDestination', async (req, res) => {
    const query = eventTypeQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const { config } = await mustLoad(req.params.id);
    res.json(await testDestinationConfig(config, { allowPrivateHosts: deps.allowPrivateHosts, eventType: query.data.eventType }));
  });

  routes.serve('getDestinationDdl', async (req, res) => {
    const query = eventTypeQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const { config } = await mustLoad(req.params.id);
    res.type('text/plain').send(setupGuideFor(config, query.data.eventType).sql);
  });

  return routes;
}
