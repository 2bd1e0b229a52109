import { z } from 'zod';

/** `POST /admin/v1/tenants`. */
export const createTenantBody = z.object({ name: z.string().trim().min(1).max(200) }).strict();

/** `PATCH /admin/v1/tenants/:id`. */
export const patchTenantBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    rateLimitPerSec: z.number().int().min(1).max(1_000_000).nullable().optional().describe('Events per second (token bucket, burst of one second\'s worth); null removes the limit'),
  })
  .strict();

/** A tenant as every answer shows it. */
export const tenantResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  rateLimitPerSec: z.number().int().min(1).nullable().describe('Events per second; null means no limit'),
  createdAt: z.iso.datetime(),
});
export type TenantResponse = z.output<typeof tenantResponse>;

/** `POST /admin/v1/tenants/:id/write-keys`: the only answer that ever shows the key. */
export const writeKeyCreatedResponse = z.object({
  id: z.uuid().describe('The key\'s id, for `DELETE /admin/v1/write-keys/{id}`'),
  key: z.string().describe('The write key; shown this once, stored hashed'),
  prefix: z.string().describe('The start of the key, to recognise it later'),
  tenantId: z.uuid(),
  createdAt: z.iso.datetime(),
});
export type WriteKeyCreatedResponse = z.output<typeof writeKeyCreatedResponse>;
