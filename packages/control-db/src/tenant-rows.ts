import type { Tenant } from './records';

/** A `tenants` row as the API's Tenant. */
/* eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's rows are untyped; read here only */
export const toTenant = (r: any): Tenant => ({
  id: r.id,
  name: r.name,
  rateLimitPerSec: r.rate_limit_per_sec,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
