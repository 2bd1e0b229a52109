import { JSON_OBJECT_JSON_SCHEMA, jsonObjectSchema } from '@pushrail/events';
import { z } from 'zod';
import { CSRF_HEADER, PORTAL_COOKIE } from '../portal/portal-paths';
import {
  COMPONENT_DESCRIPTIONS,
  DOCUMENT_AS,
  HEADERS,
  REQUEST_SCHEMAS,
  RESPONSE_SCHEMAS,
  ALL_ROUTES,
  TAGS,
  type ResponseSpec,
  type RouteSpec,
} from './route-catalogue';

/**
 * The OpenAPI 3.1 document of the ingest API, built from the route catalogue
 * with zod 4's own JSON Schema converter. OpenAPI 3.1's schemas are JSON
 * Schema 2020-12, which `z.toJSONSchema` writes directly, so the document is
 * the catalogue plus a few lines of assembly; zod-openapi (whose zod-4
 * release needs Node 22) and zod-to-openapi (which patches zod) would add a
 * dependency for little more.
 */

type JsonSchema = Record<string, unknown>;
type JsonObject = Record<string, unknown>;

/** Version of the document: the `/v1` API. Bump the minor on an addition, the major with `/v2`. */
export const API_VERSION = '1.0.0';

const COMPONENT_REF = (name: string) => `#/components/schemas/${name}`;

const TARGET = 'draft-2020-12';

/** Keys zod writes that belong to a standalone JSON Schema document, not to a schema inside OpenAPI. */
function embedded(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * Schemas zod cannot convert (checks written as code) and what the document
 * shows for them; anything else unconvertible still fails the build of the
 * document.
 */
const unconvertible: z.core.UnrepresentableHandler = ({ zodSchema }) =>
  zodSchema === jsonObjectSchema ? { ...JSON_OBJECT_JSON_SCHEMA } : 'throw';

/**
 * Converts named zod schemas into components. Each is registered under its
 * name, so wherever one is used inside another it becomes a `$ref`.
 */
function components(schemas: Record<string, z.ZodType>, io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const converted = z.toJSONSchema(registry, {
    target: TARGET,
    io,
    uri: COMPONENT_REF,
    unrepresentable: unconvertible,
    override: ({ zodSchema, jsonSchema }) => {
      const shownAs = DOCUMENT_AS.get(zodSchema);
      if (shownAs) {
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as JsonObject)[key];
        jsonSchema.$ref = COMPONENT_REF(shownAs);
      }
    },
  }).schemas as Record<string, JsonSchema>;
  return Object.fromEntries(
    Object.entries(converted).map(([name, schema]) => {
      const description = COMPONENT_DESCRIPTIONS[name as keyof typeof COMPONENT_DESCRIPTIONS];
      return [name, embedded(description && schema.description === undefined ? { ...schema, description } : schema)];
    }),
  );
}

/** One parameter per property of a converted object schema; a property's description moves up to the parameter. */
function parameters(where: 'path' | 'query', object: JsonSchema): JsonObject[] {
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...schema }]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(description !== undefined ? { description } : {}),
    schema,
  }));
}

function routeParameters(route: RouteSpec): JsonObject[] {
  const out: JsonObject[] = [];
  const templated = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const declared = Object.keys(route.pathParams ?? {});
  if (templated.join() !== declared.join()) {
    throw new Error(`route catalogue: ${route.method.toUpperCase()} ${route.path} declares path parameters [${declared}], its path has [${templated}]`);
  }
  if (route.pathParams) {
    out.push(...parameters('path', z.toJSONSchema(z.object(route.pathParams), { target: TARGET, io: 'input' }) as JsonSchema));
  }
  if (route.query) out.push(...parameters('query', z.toJSONSchema(route.query, { target: TARGET, io: 'input' }) as JsonSchema));
  return out;
}

function response(spec: ResponseSpec): JsonObject {
  const out: JsonObject = { description: spec.description };
  if ('json' in spec) {
    if (spec.headers) {
      out.headers = Object.fromEntries(spec.headers.map((h) => [HEADERS[h].name, { $ref: `#/components/headers/${h}` }]));
    }
    out.content = { 'application/json': { schema: { $ref: COMPONENT_REF(spec.json) } } };
  } else if ('media' in spec) {
    out.content = { [spec.media]: { schema: { type: 'string' } } };
  }
  return out;
}

/** Who may call a route; a portal change needs the session's CSRF token as well as its cookie. */
function securityOf(route: RouteSpec): JsonObject[] {
  if (route.auth === 'none') return [];
  if (route.auth === 'portalSession' && route.method !== 'get') return [{ portalSession: [], portalCsrf: [] }];
  return [{ [route.auth]: [] }];
}

function operation(route: RouteSpec): JsonObject {
  const params = routeParameters(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: securityOf(route),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: COMPONENT_REF(route.body) } } } } }
      : {}),
    responses: Object.fromEntries(Object.entries(route.responses).map(([status, spec]) => [status, response(spec)])),
  };
}

/** Builds the document. Throws when the catalogue contradicts itself (a name used twice, a path parameter left out). */
export function buildOpenApiDocument(): JsonObject {
  const requests = components(REQUEST_SCHEMAS, 'input');
  const responses = components(RESPONSE_SCHEMAS, 'output');
  const clash = Object.keys(requests).filter((name) => name in responses);
  if (clash.length > 0) throw new Error(`route catalogue: ${clash.join(', ')} named both as a request and as a response`);

  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of ALL_ROUTES) {
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`route catalogue: ${route.method.toUpperCase()} ${route.path} is listed twice`);
    item[route.method] = operation(route);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Pushrail ingest API',
      version: API_VERSION,
      description: [
        'Events in over HTTP, delivered row by row into the customer\'s PostgreSQL; the admin API for tenants, write keys, destinations and dead letters.',
        '',
        'Errors are always `{"error":{"code","message", …}}` (the `Error` schema). Limits: a body up to 5 MB, an event up to 1 MB, a batch up to 1,000 events.',
      ].join('\n'),
    },
    // Relative: the ingest process that serves this document at /openapi.json.
    servers: [{ url: '/', description: 'The ingest process serving this document' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { ...requests, ...responses },
      headers: Object.fromEntries(Object.entries(HEADERS).map(([id, { name: _name, ...header }]) => [id, header])),
      securitySchemes: {
        writeKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A tenant\'s write key (`POST /admin/v1/tenants/{id}/write-keys`), as `Authorization: Bearer <write key>`',
        },
        segmentWriteKey: {
          type: 'http',
          scheme: 'basic',
          description: 'A tenant\'s write key as the user name of HTTP Basic, password empty: how the Segment and RudderStack SDKs send their write key',
        },
        portalSession: {
          type: 'apiKey',
          in: 'cookie',
          name: PORTAL_COOKIE,
          description: 'The customer portal session, set when a link from `POST /admin/v1/tenants/{id}/portal-links` is opened',
        },
        portalCsrf: {
          type: 'apiKey',
          in: 'header',
          name: CSRF_HEADER,
          description: 'The session\'s CSRF token (`csrfToken` of `GET /portal/api/session`), on every portal change',
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'PUSHRAIL_ADMIN_TOKEN, as `Authorization: Bearer <token>`; a browser may send it as the password of HTTP Basic instead (any user name)',
        },
      },
    },
  };
}

let documentJson: string | undefined;

/** The document as JSON text, built on first use and kept: it is the same for the life of the process. */
export function openApiJson(): string {
  documentJson ??= JSON.stringify(buildOpenApiDocument());
  return documentJson;
}
