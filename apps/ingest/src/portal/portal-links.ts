import type { PortalConfig } from '@pushrail/config';
import type { PortalAccess } from '@pushrail/control-db';
import { PORTAL_OPEN_PATH } from './portal-paths';
import { newPortalToken, portalTokenHash } from './portal-tokens';

export interface IssuedPortalLink {
  url: string;
  expiresAt: string;
}

/**
 * A single-use link that opens a portal session for one tenant: on
 * PUSHRAIL_PUBLIC_URL, else on `requestOrigin` (the origin the request for it
 * came to). Only its hash is stored.
 */
export async function issuePortalLink(
  access: PortalAccess,
  config: PortalConfig,
  link: { tenantId: string; readOnly: boolean; requestOrigin: string },
): Promise<IssuedPortalLink> {
  const token = newPortalToken();
  const expiresAt = new Date(Date.now() + config.linkTtlSec * 1000);
  await access.createLink({ tokenHash: portalTokenHash(token), tenantId: link.tenantId, readOnly: link.readOnly, expiresAt });
  const base = config.publicUrl ?? link.requestOrigin;
  return { url: `${base}${PORTAL_OPEN_PATH}/${token}`, expiresAt: expiresAt.toISOString() };
}
