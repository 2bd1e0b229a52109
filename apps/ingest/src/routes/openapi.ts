import { DocumentedRoutes } from '../openapi/documented-routes';
import { openApiJson } from '../openapi/openapi-document';

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of this API, without auth (it
 * describes the API and holds no secret). Built once, when the app is.
 */
export function openApiRoutes(): DocumentedRoutes {
  const routes = new DocumentedRoutes('');
  const json = openApiJson();
  routes.serve('openApiDocument', (_req, res) => {
    res.type('application/json').send(json);
  });
  return routes;
}
