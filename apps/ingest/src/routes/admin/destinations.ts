import { InvalidDestinationConfigError, isUuid, type ControlDb, type DestinationStore } from '@pushrail/control-db';
import { DestinationHostLookupError, ForbiddenDestinationHostError, resolveDestinationHost } from '@pushrail/destination-core';
import { providerOf, type DestinationConfig } from '@pushrail/destinations';
import type { EventProducer } from '@pushrail/queue';
import { Router } from 'express';
import type { Redis } from 'ioredis';
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

/**
 * Pause, resume and delete change the control database and the queue; with
 * Redis away they answer 503 before touching either, so the two never
 * disagree (a destination deleted in the database but with its queue left
 * behind, or paused in one and running in the other).
 */
function requireQueue(redis: Redis): void {
  if (redis.status !== 'ready') {
    throw new HttpError('unavailable', 'the event queue is unavailable; nothing was changed, retry later', {}, { 'Retry-After': '1' });
  }
}

function parseConfig(store: DestinationStore, build: () => DestinationConfig): DestinationConfig {
  try {
    return build();
  } catch (error) {
    if (error instanceof InvalidDestinationConfigError) {
      throw new HttpError('invalid_request', 'the destination config is invalid', { issues: zodIssues(error.issues) });
    }
    throw error;
  }
}

/** The SSRF guard at create and update: every host must resolve to public addresses only (unless allowed). */
async function checkHost(config: DestinationConfig, allowPrivateHosts: boolean): Promise<void> {
  try {
    for (const host of providerOf(config).hostsOf(config)) await resolveDestinationHost(host, { allowPrivateHosts });
  } catch (error) {
    if (error instanceof ForbiddenDestinationHostError || error instanceof DestinationHostLookupError) {
      throw new HttpError('invalid_request', 'the destination host is not allowed', {
        issues: [{ path: 'host', message: error.message }],
      });
    }
    throw error;
  }
}

/** Destinations: CRUD with secrets redacted, test, pause/resume, DDL. */
export function destinationRoutes(deps: DestinationRouteDeps): Router {
  const router = Router();
  const { db, store, producer } = deps;

  const mustLoad = async (id: string) => {
    const loaded = await store.load(id);
    if (!loaded) throw new HttpError('not_found', 'no such destination');
    return loaded;
  };

  const mustExist = async (id: string) => {
    if (!(await db.getDestination(id))) throw new HttpError('not_found', 'no such destination');
  };

  router.post('/destinations', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { tenantId, ...rest } = body;
    if (typeof tenantId !== 'string' || !isUuid(tenantId)) {
      throw new HttpError('invalid_request', 'the request body is invalid', { issues: [{ path: 'tenantId', message: 'must be a tenant id (UUID)' }] });
    }
    if (!(await db.getTenant(tenantId))) throw new HttpError('not_found', 'no such tenant');
    const config = parseConfig(store, () => store.parse(rest));
    await checkHost(config, deps.allowPrivateHosts);
    const record = await store.create(tenantId, config);
    deps.tenantDestinations.invalidate(tenantId);
    res.status(201).json(store.view(record));
  });

  router.get('/destinations', async (req, res) => {
    const query = destinationListQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const records = await db.listDestinations(query.data.tenantId);
    res.json({ items: records.map((r) => store.view(r)) });
  });

  router.get('/destinations/:id', async (req, res) => {
    const record = await db.getDestination(req.params.id);
    if (!record) throw new HttpError('not_found', 'no such destination');
    res.json(store.view(record));
  });

  router.patch('/destinations/:id', async (req, res) => {
    const current = await mustLoad(req.params.id);
    const patch = req.body;
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      throw new HttpError('invalid_request', 'the body must be a JSON object');
    }
    if ('tenantId' in patch || 'type' in patch) {
      throw new HttpError('invalid_request', 'the request body is invalid', {
        issues: [{ path: 'tenantId' in patch ? 'tenantId' : 'type', message: 'cannot be changed' }],
      });
    }
    const config = parseConfig(store, () => store.merge(current.config, patch as Record<string, unknown>));
    await checkHost(config, deps.allowPrivateHosts);
    const record = await store.update(current.record.id, config);
    if (!record) throw new HttpError('not_found', 'no such destination');
    // Its event type filter may have changed: this process routes by the new one at once, others within the cache's TTL.
    deps.tenantDestinations.invalidate(record.tenantId);
    res.json(store.view(record));
  });

  router.delete('/destinations/:id', async (req, res) => {
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

  router.post('/destinations/:id/pause', async (req, res) => {
    await mustExist(req.params.id);
    requireQueue(deps.redis);
    const record = await db.setDestinationPaused(req.params.id, { reason: 'operator', message: 'paused by an operator' });
    if (!record) throw new HttpError('not_found', 'no such destination');
    await producer.queueFor(record.id).pause();
    res.json(store.view(record));
  });

  router.post('/destinations/:id/resume', async (req, res) => {
    await mustExist(req.params.id);
    requireQueue(deps.redis);
    const record = await db.setDestinationPaused(req.params.id, null);
    if (!record) throw new HttpError('not_found', 'no such destination');
    await producer.queueFor(record.id).resume();
    await producer.signalWork(record.id);
    res.json(store.view(record));
  });

  router.post('/destinations/:id/test', async (req, res) => {
    const query = eventTypeQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const { config } = await mustLoad(req.params.id);
    const destination = providerOf(config).createWriter(config, { allowPrivateHosts: deps.allowPrivateHosts, maxConnections: 1 });
    try {
      res.json(await destination.test(query.data));
    } finally {
      await destination.close();
    }
  });

  router.get('/destinations/:id/ddl', async (req, res) => {
    const query = eventTypeQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const { config } = await mustLoad(req.params.id);
    const provider = providerOf(config);
    const table = query.data.eventType ? provider.tableFor(config, query.data.eventType) : config.table;
    res.type('text/plain').send(provider.setupGuide(config, [table]));
  });

  return router;
}
