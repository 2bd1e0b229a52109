import { buildOpenApiDocument, openApiJson } from './openapi-document';

interface Operation {
  security: Array<Record<string, string[]>>;
  requestBody?: unknown;
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }>;
}

const document = buildOpenApiDocument() as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, path, op })),
);
const documented = new Set(operations.map((o) => o.route));

/** Every route of docs/design.md's "HTTP (ingest)" table, as OpenAPI templates, and this document's own. */
const DESIGN_ROUTES = [
  'POST /v1/events',
  'POST /v1/batch',
  'POST /segment/v1/batch',
  'POST /segment/v1/track',
  'POST /segment/v1/identify',
  'POST /segment/v1/page',
  'POST /segment/v1/screen',
  'POST /segment/v1/group',
  'POST /segment/v1/alias',
  'POST /admin/v1/tenants',
  'GET /admin/v1/tenants',
  'GET /admin/v1/tenants/{id}',
  'GET /admin/v1/tenants/{id}/write-keys',
  'DELETE /admin/v1/tenants/{id}',
  'PATCH /admin/v1/tenants/{id}',
  'POST /admin/v1/tenants/{id}/write-keys',
  'DELETE /admin/v1/write-keys/{id}',
  'POST /admin/v1/destinations',
  'GET /admin/v1/destinations',
  'GET /admin/v1/destinations/{id}',
  'PATCH /admin/v1/destinations/{id}',
  'DELETE /admin/v1/destinations/{id}',
  'POST /admin/v1/destinations/{id}/test',
  'POST /admin/v1/destinations/{id}/pause',
  'POST /admin/v1/destinations/{id}/resume',
  'GET /admin/v1/destinations/{id}/ddl',
  'GET /admin/v1/destinations/{id}/status',
  'GET /admin/v1/dead-letters',
  'GET /admin/v1/dead-letters/{id}',
  'POST /admin/v1/dead-letters/redrive',
  'DELETE /admin/v1/dead-letters',
  'GET /admin/queues',
  'GET /metrics',
  'GET /healthz',
  'GET /readyz',
  'GET /openapi.json',
  'POST /admin/v1/tenants/{id}/portal-links',
  'GET /portal/open/{token}',
  'POST /portal/open/{token}',
  'GET /portal',
];

/** The customer portal's API (its own, tenant-scoped; docs/portal.md). */
const PORTAL_API_ROUTES = [
  'GET /portal/api/session',
  'POST /portal/api/session/logout',
  'GET /portal/api/destination-types',
  'GET /portal/api/destinations',
  'POST /portal/api/destinations',
  'GET /portal/api/destinations/{id}',
  'PATCH /portal/api/destinations/{id}',
  'POST /portal/api/destinations/{id}/pause',
  'POST /portal/api/destinations/{id}/resume',
  'GET /portal/api/destinations/{id}/setup-guide',
  'POST /portal/api/destination-tests',
  'POST /portal/api/destinations/{id}/test-events',
  'GET /portal/api/destinations/{id}/test-events/{eventId}',
  'GET /portal/api/dead-letters',
  'GET /portal/api/dead-letter-scope',
  'GET /portal/api/dead-letters/{id}',
  'POST /portal/api/dead-letters/redrive',
  'GET /portal/api/write-keys',
  'POST /portal/api/write-keys',
  'DELETE /portal/api/write-keys/{id}',
];

const responseRef = (op: Operation, status: string) => op.responses[status]?.content?.['application/json']?.schema.$ref;

describe('the OpenAPI document', () => {
  test('is OpenAPI 3.1.0 and lists exactly the routes of docs/design.md', () => {
    expect(document.openapi).toBe('3.1.0');
    expect([...documented].sort()).toEqual([...DESIGN_ROUTES, ...PORTAL_API_ROUTES].sort());
  });

  test('every admin operation needs the admin token and lists 401; every public probe needs nothing', () => {
    for (const { route, path, op } of operations) {
      if (path.startsWith('/admin/')) {
        expect({ route, security: op.security }).toEqual({ route, security: [{ adminToken: [] }] });
        expect({ route, ref: responseRef(op, '401') }).toEqual({ route, ref: '#/components/schemas/Error' });
      } else if (path.startsWith('/v1/')) {
        expect({ route, security: op.security }).toEqual({ route, security: [{ writeKey: [] }] });
        expect({ route, statuses: Object.keys(op.responses) }).toEqual({
          route,
          statuses: ['202', '400', '401', '413', '415', '429', '500', '503'],
        });
      } else if (path.startsWith('/segment/')) {
        expect({ route, security: op.security }).toEqual({ route, security: [{ segmentWriteKey: [] }] });
        expect({ route, statuses: Object.keys(op.responses) }).toEqual({
          route,
          statuses: ['200', '400', '401', '415', '429', '500', '503'],
        });
      } else if (path.startsWith('/portal/api/')) {
        const security = route.startsWith('GET ') ? [{ portalSession: [] }] : [{ portalSession: [], portalCsrf: [] }];
        expect({ route, security: op.security }).toEqual({ route, security });
        expect({ route, ref: responseRef(op, '401') }).toEqual({ route, ref: '#/components/schemas/Error' });
        if (!route.startsWith('GET ')) expect({ route, ref: responseRef(op, '403') }).toEqual({ route, ref: '#/components/schemas/Error' });
      } else {
        expect({ route, security: op.security }).toEqual({ route, security: [] });
      }
    }
  });

  test('every operation with a JSON body answers 400, 413 and 415 in the Error shape', () => {
    const withBody = operations.filter((o) => o.op.requestBody !== undefined);
    expect(withBody.map((o) => o.route).sort()).toEqual([
      'DELETE /admin/v1/dead-letters',
      'PATCH /admin/v1/destinations/{id}',
      'PATCH /admin/v1/tenants/{id}',
      'PATCH /portal/api/destinations/{id}',
      'POST /admin/v1/dead-letters/redrive',
      'POST /admin/v1/destinations',
      'POST /admin/v1/tenants',
      'POST /admin/v1/tenants/{id}/portal-links',
      'POST /portal/api/dead-letters/redrive',
      'POST /portal/api/destination-tests',
      'POST /portal/api/destinations',
      'POST /portal/api/destinations/{id}/test-events',
      'POST /segment/v1/alias',
      'POST /segment/v1/batch',
      'POST /segment/v1/group',
      'POST /segment/v1/identify',
      'POST /segment/v1/page',
      'POST /segment/v1/screen',
      'POST /segment/v1/track',
      'POST /v1/batch',
      'POST /v1/events',
    ]);
    for (const { route, path, op } of withBody) {
      // The Segment routes answer their size limits with Segment's own 400, not a 413.
      const statuses = path.startsWith('/segment/') ? ['400', '415'] : ['400', '413', '415'];
      for (const status of statuses) expect({ route, status, ref: responseRef(op, status) }).toEqual({ route, status, ref: '#/components/schemas/Error' });
    }
  });

  test('every operation that reads the control database or Redis lists 500 in the Error shape', () => {
    const cannotFail = ['GET /healthz', 'GET /readyz', 'GET /openapi.json', 'GET /portal'];
    for (const { route, op } of operations.filter((o) => !cannotFail.includes(o.route))) {
      expect({ route, ref: responseRef(op, '500') }).toEqual({ route, ref: '#/components/schemas/Error' });
    }
  });

  test('429 and 503 say when to retry (Retry-After)', () => {
    for (const { route, op } of operations) {
      for (const status of ['429', '503'].filter((s) => op.responses[s] && responseRef(op, s) === '#/components/schemas/Error')) {
        expect({ route, status, headers: Object.keys(op.responses[status]!.headers ?? {}) }).toEqual({ route, status, headers: ['Retry-After'] });
      }
    }
  });

  test('path parameters and query parameters come from the route schemas', () => {
    const ddl = document.paths['/admin/v1/destinations/{id}/ddl']!.get!;
    expect(ddl.parameters!.map((p) => `${p.in} ${p.name} ${p.required}`)).toEqual(['path id true', 'query eventType false']);
    const deadLetters = document.paths['/admin/v1/dead-letters']!.get!;
    expect(deadLetters.parameters!.map((p) => p.name)).toEqual(['destinationId', 'errorKind', 'since', 'until', 'status', 'limit', 'cursor']);
  });

  test('the batch body shows its events as EventEnvelope, and Error carries issues and invalidEvents', () => {
    const schemas = document.components.schemas as Record<string, { properties: Record<string, { items?: unknown }> }>;
    expect(schemas.BatchRequest!.properties.events!.items).toEqual({ $ref: '#/components/schemas/EventEnvelope' });
    const error = schemas.Error!.properties.error as unknown as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(error.properties)).toEqual(['code', 'message', 'issues', 'invalidEvents', 'queued', 'requestId']);
    expect(error.required).toEqual(['code', 'message', 'requestId']);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['adminToken', 'portalCsrf', 'portalSession', 'segmentWriteKey', 'writeKey']);
  });

  test('is built once: the served text is the same string every time', () => {
    expect(openApiJson()).toBe(openApiJson());
    expect(JSON.parse(openApiJson())).toEqual(document);
  });
});
