import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/**
 * Root namespace of every tenant namespace. Fixed forever: changing it would
 * give retried events new ids and so duplicate rows.
 */
const PUSHRAIL_NAMESPACE = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

/** The UUIDv5 namespace of one tenant, so equal keys of two tenants never collide. */
export function tenantNamespace(tenantId: string): string {
  return uuidv5(tenantId, PUSHRAIL_NAMESPACE);
}

/**
 * The event's id: deterministic from the idempotency key (UUIDv5 in the
 * tenant's namespace) so a client that retries creates no second row;
 * otherwise a fresh, time-ordered UUIDv7.
 */
export function deriveEventId(tenantId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return uuidv7();
  return uuidv5(idempotencyKey, tenantNamespace(tenantId));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` has the shape of a UUID (event ids, row ids): the one check of it. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
