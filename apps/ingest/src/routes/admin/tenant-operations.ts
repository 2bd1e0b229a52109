import { deleteTenant, isUuid, listTenants, listWriteKeys, type ControlDb, type TenantPageEnd } from '@pushrail/control-db';
import type { EventProducer } from '@pushrail/queue';
import { readQueueStats } from '@pushrail/queue';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import type { Redis } from 'ioredis';
import { HttpError, zodIssues } from '../../http-errors';
import type { TenantDestinations } from '../../tenant-destinations';
import type { WriteKeyAuthenticator } from '../../write-key-auth';
import { tenantView } from './tenants';
import { deleteTenantQuery, tenantListQuery, type TenantListResponse, type WriteKeyListResponse } from './tenant-operations-schemas';

export interface TenantOperationsDeps {
  db: ControlDb;
  auth: WriteKeyAuthenticator;
  producer: EventProducer;
  /** The producer's Redis connection: a delete drops the destinations' queues too. */
  redis: Redis;
  tenantDestinations: TenantDestinations;
}

/** The cursor is opaque to callers: base64url of the last tenant's creation time (microseconds) and id. */
function encodeTenantCursor(end: TenantPageEnd): string {
  return Buffer.from(JSON.stringify([end.createdAtMicros, end.id]), 'utf8').toString('base64url');
}

function decodeTenantCursor(cursor: string): TenantPageEnd | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [createdAtMicros, id] = decoded as unknown[];
    if (typeof createdAtMicros !== 'string' || !/^\d{1,17}$/.test(createdAtMicros)) return undefined;
    if (typeof id !== 'string' || !isUuid(id)) return undefined;
    const end = { createdAtMicros, id };
    // Re-encoding must give the same text: Buffer's decoder skips characters it does not know.
    return encodeTenantCursor(end) === cursor ? end : undefined;
  } catch {
    return undefined;
  }
}

/** Tenants as an operator lives with them: the list, a tenant's keys, and deleting a tenant. */
export function tenantOperationsRoutes(deps: TenantOperationsDeps): DocumentedRoutes {
  const routes = new DocumentedRoutes('/admin/v1');

  routes.serve('listTenants', async (req, res) => {
    const query = tenantListQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const after = query.data.cursor === undefined ? undefined : decodeTenantCursor(query.data.cursor);
    if (query.data.cursor !== undefined && !after) {
      throw new HttpError('invalid_request', 'invalid query', {
        issues: [{ path: 'cursor', message: 'is not a cursor from this API (use nextCursor as given)' }],
      });
    }
    // One row more than asked tells whether another page follows, so the last page says nextCursor: null.
    const page = await listTenants(deps.db, { limit: query.data.limit + 1, ...(after ? { after } : {}) });
    const shown = page.slice(0, query.data.limit);
    const nextCursor = page.length > query.data.limit ? encodeTenantCursor(shown[shown.length - 1]!.end) : null;
    res.json({ items: shown.map((row) => tenantView(row.tenant)), nextCursor } satisfies TenantListResponse);
  });

  routes.serve('listWriteKeys', async (req, res) => {
    if (!(await deps.db.getTenant(req.params.id))) throw new HttpError('not_found', 'no such tenant');
    const keys = await listWriteKeys(deps.db, req.params.id);
    res.json({
      items: keys.map((k) => ({
        id: k.id,
        prefix: k.keyPrefix,
        createdAt: k.createdAt.toISOString(),
        lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null,
      })),
    } satisfies WriteKeyListResponse);
  });

  routes.serve('deleteTenant', async (req, res) => {
    const query = deleteTenantQuery.safeParse(req.query);
    if (!query.success) throw new HttpError('invalid_request', 'invalid query', { issues: zodIssues(query.error.issues) });
    const tenant = await deps.db.getTenant(req.params.id);
    if (!tenant) throw new HttpError('not_found', 'no such tenant');
    // The queues are read and dropped in Redis: with Redis away nothing is deleted, so the two never disagree.
    if (deps.redis.status !== 'ready') {
      throw new HttpError('unavailable', 'the event queue is unavailable; nothing was deleted, retry later', {}, { 'Retry-After': '1' });
    }
    const destinations = await deps.db.listDestinations(tenant.id);
    const stats = await readQueueStats(deps.redis, deps.producer.prefix, destinations.map((d) => d.id));
    const queued = destinations
      .map((d) => {
        const s = stats.get(d.id)!;
        return { destinationId: d.id, name: d.name, queuedJobs: s.waiting + s.active + s.delayed };
      })
      .filter((d) => d.queuedJobs > 0);
    if (queued.length > 0 && query.data.force !== 'true') {
      const jobs = queued.reduce((n, d) => n + d.queuedJobs, 0);
      throw new HttpError(
        'conflict',
        `tenant ${tenant.id} has ${jobs} queued job(s) of events not yet delivered in ${queued.length} destination(s); nothing was deleted. ` +
          'Delete with ?force=true to drop them, or wait for them to be delivered',
        { queued },
      );
    }
    const deleted = await deleteTenant(deps.db, tenant.id);
    if (!deleted) throw new HttpError('not_found', 'no such tenant');
    // Its keys stop at once here; other ingest processes stop trusting them within WRITE_KEY_CACHE_TTL_MS.
    for (const keyId of deleted.keyIds) deps.auth.forgetKey(keyId);
    deps.tenantDestinations.invalidate(tenant.id);
    // Its queued events have nowhere to go any more (as a destination's delete does).
    for (const destinationId of deleted.destinationIds) {
      await deps.producer.queueFor(destinationId).obliterate({ force: true });
      await deps.producer.removeFromWorkIndex(destinationId);
      await deps.producer.forget(destinationId);
    }
    res.status(204).end();
  });

  return routes;
}
