import { z } from 'zod';

/** `GET /openapi.json`: an OpenAPI 3.1 document (its own schema is OpenAPI's, not repeated here). */
export const openApiDocumentResponse = z.looseObject({
  openapi: z.string().describe('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
