import type { ControlDb } from '@pushrail/control-db';
import { LRUCache } from 'lru-cache';

/** How long a tenant's destination list is trusted, in milliseconds: a new destination gets events within this. */
export const TENANT_DESTINATIONS_TTL_MS = 1_000;

/** The destinations each tenant's events go to, cached briefly. */
export class TenantDestinations {
  private readonly cache: LRUCache<string, string[]>;

  constructor(db: ControlDb) {
    this.cache = new LRUCache<string, string[]>({
      max: 10_000,
      ttl: TENANT_DESTINATIONS_TTL_MS,
      fetchMethod: (tenantId) => db.tenantDestinationIds(tenantId),
    });
  }

  async of(tenantId: string): Promise<string[]> {
    return (await this.cache.fetch(tenantId)) ?? [];
  }

  /** Drops a tenant's entry after an admin change, so this process sees it at once. */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
