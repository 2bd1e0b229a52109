import { z } from 'zod';
import { tenantResponse } from './tenant-schemas';

/** Tenants a page holds when `limit` is not given, and the most it may ask for. */
export const DEFAULT_TENANT_PAGE = 100;
export const MAX_TENANT_PAGE = 1000;

/** `GET /admin/v1/tenants`. One value per parameter: a repeated one arrives as an array and is refused. */
export const tenantListQuery = z
  .object({
    limit: z
      .string()
      .regex(/^\d{1,5}$/, { message: `must be a whole number from 1 to ${MAX_TENANT_PAGE}` })
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_TENANT_PAGE))
      .default(DEFAULT_TENANT_PAGE)
      .describe(`Tenants per page, 1 to ${MAX_TENANT_PAGE} (default ${DEFAULT_TENANT_PAGE})`),
    cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

export const tenantListResponse = z.object({
  items: z.array(tenantResponse).describe('Tenants in the order they were created'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});
export type TenantListResponse = z.output<typeof tenantListResponse>;

/** A write key as listings show it: never the key, never its hash. */
export const writeKeySummaryResponse = z.object({
  id: z.uuid().describe("The key's id, for `DELETE /admin/v1/write-keys/{id}`"),
  prefix: z.string().describe('The start of the key, to recognise it'),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable().describe('When it last authenticated a request, to the minute; null if never'),
  revokedAt: z.iso.datetime().nullable().describe('When it was revoked; null while it works'),
});

export const writeKeyListResponse = z.object({ items: z.array(writeKeySummaryResponse).describe('Oldest first, revoked ones included') });
export type WriteKeyListResponse = z.output<typeof writeKeyListResponse>;

/** `DELETE /admin/v1/tenants/:id`. */
export const deleteTenantQuery = z
  .object({
    force: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .optional()
      .describe("`true` drops the events still queued for the tenant's destinations; without it such a delete is a 409"),
  })
  .strict();
