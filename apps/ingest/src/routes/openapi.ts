import { Router } from 'express';
import { openApiJson } from '../openapi/openapi-document';

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of this API, without auth (it
 * describes the API and holds no secret). Built once, when the app is.
 */
export function openApiRoutes(): Router {
  const router = Router();
  const json = openApiJson();
  router.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(json);
  });
  return router;
}
