import { z } from 'zod';

/** `POST /admin/v1/tenants/:id/portal-links`. */
export const portalLinkBody = z
  .object({ readOnly: z.boolean().default(false).describe('A read-only session may look but change nothing') })
  .strict();

export const portalLinkResponse = z.object({
  url: z.string().describe('Opens a portal session for the tenant, once; give it to the customer'),
  expiresAt: z.iso.datetime().describe('The link must be opened before then (PUSHRAIL_PORTAL_LINK_TTL_SEC after it was made)'),
});
