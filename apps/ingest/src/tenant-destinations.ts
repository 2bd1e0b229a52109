import type { ControlDb, DestinationRoute } from '@pushrail/control-db';
import { matchesEventTypes } from '@pushrail/destination-core';
import { LRUCache } from 'lru-cache';

/** How long a tenant's destination list is trusted, in milliseconds: a new destination gets events within this. */
const TENANT_DESTINATIONS_TTL_MS = 1_000;

/** The destinations each tenant's events go to, with their event type filters, cached briefly. */
export class TenantDestinations {
  private readonly cache: LRUCache<string, DestinationRoute[]>;

  constructor(db: ControlDb) {
    this.cache = new LRUCache<string, DestinationRoute[]>({
      max: 10_000,
      ttl: TENANT_DESTINATIONS_TTL_MS,
      fetchMethod: (tenantId) => db.tenantDestinationRoutes(tenantId),
    });
  }

  /** Every destination of the tenant, whatever it takes. */
  async of(tenantId: string): Promise<DestinationRoute[]> {
    return (await this.cache.fetch(tenantId)) ?? [];
  }

  /** Drops a tenant's entry after an admin change, so this process sees it at once. */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}

/** The destinations that take an event of `eventType` (docs/design.md, "Routing by event type"). */
export function routesFor(routes: readonly DestinationRoute[], eventType: string): string[] {
  const ids: string[] = [];
  for (const route of routes) if (matchesEventTypes(route.eventTypes, eventType)) ids.push(route.id);
  return ids;
}
