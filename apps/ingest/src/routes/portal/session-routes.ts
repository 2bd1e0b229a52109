import type { PortalConfig } from '@pushrail/config';
import type { PortalAccess } from '@pushrail/control-db';
import { PROVIDERS } from '@pushrail/destinations';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import { z } from 'zod';
import { clearedSessionCookie } from '../../portal/portal-cookie';
import { portalContext } from '../../portal/portal-session';
import { csrfTokenOf, portalTokenHash } from '../../portal/portal-tokens';
import type { DestinationTypesResponse, PortalSessionResponse } from './portal-schemas';

/**
 * Every provider's config schema as JSON Schema, built once: the portal's form
 * renders from it, so a new provider appears there with no portal code.
 */
function destinationTypes(): DestinationTypesResponse {
  return {
    items: PROVIDERS.map((p) => ({
      type: p.type,
      label: p.label,
      configSchema: z.toJSONSchema(p.configSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>,
      secretPaths: p.secretPaths.map((path) => path.join('.')),
    })),
  };
}

/** The session itself, and what the add form is built from. */
export function sessionRoutes(deps: { access: PortalAccess; portal: PortalConfig }): DocumentedRoutes {
  const routes = new DocumentedRoutes('/portal/api');
  let types: DestinationTypesResponse | undefined;

  routes.serve('portalSession', (_req, res) => {
    const { session, token } = portalContext(res);
    res.json({
      tenant: { id: session.tenantId, name: session.tenantName },
      readOnly: session.readOnly,
      expiresAt: session.expiresAt.toISOString(),
      csrfToken: csrfTokenOf(token),
    } satisfies PortalSessionResponse);
  });

  routes.serve('portalLogout', async (req, res) => {
    await deps.access.deleteSession(portalTokenHash(portalContext(res).token));
    res.set('Set-Cookie', clearedSessionCookie(deps.portal, req)).status(204).end();
  });

  routes.serve('portalDestinationTypes', (_req, res) => {
    types ??= destinationTypes();
    res.json(types);
  });

  return routes;
}
