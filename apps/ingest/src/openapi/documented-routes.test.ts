import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveOnFreePort, type LocalHttpServer } from '@pushrail/testing';
import express from 'express';
import { assertServesExactlyTheCatalogue, DocumentedRoutes } from './documented-routes';
import { ALL_ROUTES } from './route-catalogue';

describe('DocumentedRoutes: routes take their method and path from the OpenAPI route catalogue', () => {
  let server: LocalHttpServer;
  let base: string;

  beforeAll(async () => {
    const tenants = new DocumentedRoutes('/admin/v1')
      .serve('getTenant', (req, res) => void res.json({ op: 'getTenant', id: req.params.id }))
      .serve('revokeWriteKey', (req, res) => void res.json({ op: 'revokeWriteKey', id: req.params.id }));
    const root = new DocumentedRoutes('')
      .use('/admin/v1', tenants)
      .mount('bullBoard', (req, res) => void res.json({ op: 'bullBoard', below: req.url }));
    expect(root.operationIds).toEqual(['getTenant', 'revokeWriteKey', 'bullBoard']);
    const app = express();
    app.use(root.router);
    server = await serveOnFreePort(app);
    base = server.baseUrl;
  });

  afterAll(() => server.close());

  it('serves each operation at its catalogue method and path, with its path parameters, and nothing else', async () => {
    expect(await (await fetch(`${base}/admin/v1/tenants/t-1`)).json()).toEqual({ op: 'getTenant', id: 't-1' });
    expect(await (await fetch(`${base}/admin/v1/write-keys/k-1`, { method: 'DELETE' })).json()).toEqual({ op: 'revokeWriteKey', id: 'k-1' });
    // The catalogue's PATCH /admin/v1/tenants/{id} was not asked for, and the method is part of the route.
    expect((await fetch(`${base}/admin/v1/tenants/t-1`, { method: 'PATCH' })).status).toBe(404);
    expect((await fetch(`${base}/admin/v1/write-keys/k-1`)).status).toBe(404);
  });

  it('mounts a tree-shaped operation at its path and everything below it', async () => {
    expect(await (await fetch(`${base}/admin/queues/api/queues`)).json()).toEqual({ op: 'bullBoard', below: '/api/queues' });
    expect((await fetch(`${base}/admin/queuesx`)).status).toBe(404);
  });

  it('refuses an operation the catalogue lacks, one outside its mount path, and routes mounted at another path than they were made for', () => {
    expect(() => new DocumentedRoutes('/admin/v1').serve('getTenantz', () => undefined)).toThrow('no route "getTenantz" in the OpenAPI route catalogue');
    expect(() => new DocumentedRoutes('/portal/api').serve('getTenant', () => undefined)).toThrow(
      'getTenant is documented at /admin/v1/tenants/{id}, outside /portal/api where its router is mounted',
    );
    expect(() => new DocumentedRoutes('').use('/admin', new DocumentedRoutes('/admin/v1'))).toThrow('routes made for /admin/v1 mounted at /admin');
  });

  it('assertServesExactlyTheCatalogue names what is not served and what is served twice', () => {
    const all = ALL_ROUTES.map((r) => r.operationId);
    expect(() => assertServesExactlyTheCatalogue(all)).not.toThrow();
    expect(() => assertServesExactlyTheCatalogue(all.filter((id) => id !== 'getTenant'))).toThrow('not served: [getTenant], served twice: []');
    expect(() => assertServesExactlyTheCatalogue([...all, 'health'])).toThrow('not served: [], served twice: [health]');
  });

  it('is the only way a route is registered in ingest: no source file calls get/post/patch/put/delete/all with a path', () => {
    const src = path.join(__dirname, '..');
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && path.basename(f) !== 'documented-routes.ts',
    );
    expect(files.length).toBeGreaterThan(30);
    const direct = files.filter((f) => /\.(get|post|patch|put|delete|all)\(\s*['"`]\//.test(readFileSync(path.join(src, f), 'utf8')));
    expect(direct).toEqual([]);
  });
});
