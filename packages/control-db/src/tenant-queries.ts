import { isUuid } from '@pushrail/events';
import type { ControlDb } from './control-db';
import type { Tenant } from './records';
import { toTenant } from './tenant-rows';

/**
 * Operator queries over tenants and their write keys (docs/operations.md):
 * a page of tenants, a tenant's keys with when each was last used, and
 * deleting a tenant with everything it owns.
 */

/** A page of tenants in creation order, after the (createdAt, id) of the previous page's last. */
export const SELECT_TENANT_PAGE = `
  SELECT id, name, rate_limit_per_sec, created_at, updated_at,
         (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_at_us FROM tenants
   WHERE $1::bigint IS NULL OR (created_at, id) > ('epoch'::timestamptz + $1::bigint * interval '1 microsecond', $2::uuid)
   ORDER BY created_at, id
   LIMIT $3`;

export const SELECT_TENANT_WRITE_KEYS = `
  SELECT id, key_prefix, created_at, last_used_at, revoked_at FROM write_keys
   WHERE tenant_id = $1
   ORDER BY created_at, id`;

/**
 * Deletes a tenant; its write keys, destinations and their dead letters go
 * with it (ON DELETE CASCADE). Returns what the caller must also clear
 * outside the database: the keys to forget and the live destinations whose
 * queues to drop. The CTEs read the rows as they were before the DELETE.
 */
export const DELETE_TENANT = `
  WITH keys AS (SELECT id FROM write_keys WHERE tenant_id = $1),
       destinations AS (SELECT id FROM destinations WHERE tenant_id = $1 AND deleted_at IS NULL),
       gone AS (DELETE FROM tenants WHERE id = $1 RETURNING id)
  SELECT (SELECT count(*) FROM gone)::int AS deleted,
         COALESCE((SELECT array_agg(id::text) FROM keys), '{}') AS key_ids,
         COALESCE((SELECT array_agg(id::text) FROM destinations), '{}') AS destination_ids`;

/**
 * Where a page of tenants ends: the next page starts after it. The creation
 * time is in whole microseconds since the epoch, as decimal text: a Date
 * keeps milliseconds only, and a page would start again at its own last tenant.
 */
export interface TenantPageEnd {
  createdAtMicros: string;
  id: string;
}

/** A write key as listings show it: never the key, never its hash. */
export interface WriteKeySummary {
  id: string;
  keyPrefix: string;
  createdAt: Date;
  /** When it last authenticated a request, to the minute (null: never since last_used_at was added). */
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}


/** Up to `limit` tenants after `after`, each with where a page ending at it ends. */
export async function listTenants(db: ControlDb, page: { limit: number; after?: TenantPageEnd }): Promise<Array<{ tenant: Tenant; end: TenantPageEnd }>> {
  const result = await db.pool.query(SELECT_TENANT_PAGE, [page.after?.createdAtMicros ?? null, page.after?.id ?? null, page.limit]);
  return result.rows.map((r) => ({ tenant: toTenant(r), end: { createdAtMicros: r.created_at_us, id: r.id } }));
}

export async function listWriteKeys(db: ControlDb, tenantId: string): Promise<WriteKeySummary[]> {
  if (!isUuid(tenantId)) return [];
  const result = await db.pool.query(SELECT_TENANT_WRITE_KEYS, [tenantId]);
  return result.rows.map((r) => ({
    id: r.id,
    keyPrefix: r.key_prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/** What deleting a tenant removed; undefined when there was no such tenant. */
export interface DeletedTenant {
  keyIds: string[];
  destinationIds: string[];
}

export async function deleteTenant(db: ControlDb, tenantId: string): Promise<DeletedTenant | undefined> {
  if (!isUuid(tenantId)) return undefined;
  const row = (await db.pool.query(DELETE_TENANT, [tenantId])).rows[0];
  return row.deleted === 1 ? { keyIds: row.key_ids, destinationIds: row.destination_ids } : undefined;
}
