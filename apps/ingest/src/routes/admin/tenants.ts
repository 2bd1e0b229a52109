import type { ControlDb, Tenant } from '@pushrail/control-db';
import { DocumentedRoutes } from '../../openapi/documented-routes';
import { HttpError } from '../../http-errors';
import { parseBody } from '../../validate-body';
import type { WriteKeyAuthenticator } from '../../write-key-auth';
import { issueWriteKey } from '../../write-keys';
import { createTenantBody, patchTenantBody, type TenantResponse } from './tenant-schemas';

/** A tenant as every answer shows it (the list in tenant-operations.ts too). */
export function tenantView(t: Tenant): TenantResponse {
  return { id: t.id, name: t.name, rateLimitPerSec: t.rateLimitPerSec, createdAt: t.createdAt.toISOString() };
}

/** Tenants and their write keys. */
export function tenantRoutes(deps: { db: ControlDb; auth: WriteKeyAuthenticator }): DocumentedRoutes {
  const routes = new DocumentedRoutes('/admin/v1');

  routes.serve('createTenant', async (req, res) => {
    const body = parseBody(createTenantBody, req.body);
    res.status(201).json(tenantView(await deps.db.createTenant(body.name)));
  });

  routes.serve('getTenant', async (req, res) => {
    const tenant = await deps.db.getTenant(req.params.id);
    if (!tenant) throw new HttpError('not_found', 'no such tenant');
    res.json(tenantView(tenant));
  });

  routes.serve('patchTenant', async (req, res) => {
    const body = parseBody(patchTenantBody, req.body);
    const tenant = await deps.db.updateTenant(req.params.id, body);
    if (!tenant) throw new HttpError('not_found', 'no such tenant');
    res.json(tenantView(tenant));
  });

  routes.serve('createWriteKey', async (req, res) => {
    const tenant = await deps.db.getTenant(req.params.id);
    if (!tenant) throw new HttpError('not_found', 'no such tenant');
    res.status(201).json(await issueWriteKey(deps.db, tenant.id));
  });

  routes.serve('revokeWriteKey', async (req, res) => {
    if (!(await deps.db.revokeWriteKey(req.params.id))) throw new HttpError('not_found', 'no such write key');
    deps.auth.forgetKey(req.params.id);
    res.status(204).end();
  });

  return routes;
}
