/**
 * GET /openapi.json, and the check every Pipeline.request runs with it: the
 * document is served without auth, and the checker refuses an answer whose
 * status, media type, headers or body the document does not describe.
 */
import { randomUUID } from 'node:crypto';
import { openApiChecker, OpenApiMismatchError, OpenApiResponseChecker, type AnswerToCheck } from './openapi-response-check';
import { Pipeline } from './pipeline';

describe('GET /openapi.json and the answer check of the e2e suite', () => {
  let pipeline: Pipeline;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is JSON of OpenAPI's shape
  let document: any;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ startWorker: false });
    document = (await pipeline.request('GET', '/openapi.json')).body;
  });

  afterAll(async () => {
    await pipeline.close();
  });

  /** A checker over a changed copy of the served document. */
  function checkerWith(change: (doc: typeof document) => void): OpenApiResponseChecker {
    const copy = structuredClone(document);
    change(copy);
    return new OpenApiResponseChecker(copy);
  }

  const withText = (answer: AnswerToCheck, text: string): AnswerToCheck => ({ ...answer, text });

  it('serves an OpenAPI 3.1.0 document as JSON without any token, naming every security scheme', async () => {
    const answer = await pipeline.request('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(Object.keys(answer.body.components.securitySchemes).sort()).toEqual(['adminToken', 'portalCsrf', 'portalSession', 'segmentWriteKey', 'writeKey']);
    expect(answer.body.paths['/v1/events'].post.responses['202'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/EventAccepted',
    });
    // The same text for every request: built once.
    expect((await pipeline.request('GET', '/openapi.json')).text).toBe(answer.text);
  });

  it('is the check Pipeline.request runs: answers it checked are recorded by route and status', async () => {
    await pipeline.request('GET', '/healthz');
    await pipeline.admin('GET', `/admin/v1/tenants/${randomUUID()}`);
    const seen = (await openApiChecker(pipeline.baseUrl)).seen;
    expect(seen).toContain('GET /healthz 200');
    expect(seen).toContain('GET /admin/v1/tenants/{id} 404');
  });

  it('refuses a status the document does not list for the route, naming route and status', async () => {
    const answer = await pipeline.admin('GET', `/admin/v1/tenants/${randomUUID()}`);
    expect(answer.status).toBe(404);
    const checker = checkerWith((doc) => delete doc.paths['/admin/v1/tenants/{id}'].get.responses['404']);
    expect(() => checker.check('GET', `/admin/v1/tenants/${randomUUID()}`, answer)).toThrow(OpenApiMismatchError);
    expect(() => checker.check('GET', '/admin/v1/tenants/x', answer)).toThrow(
      /GET \/admin\/v1\/tenants\/x \(GET \/admin\/v1\/tenants\/\{id\}\) answered 404, a status the OpenAPI document does not list for it \(it lists 200, 401, 500\)/,
    );
  });

  it('refuses a JSON body the schema does not accept, naming the field', async () => {
    const created = await pipeline.admin('POST', '/admin/v1/tenants', { name: 'Checked' });
    expect(created.status).toBe(201);
    const checker = checkerWith(() => undefined);
    expect(() => checker.check('POST', '/admin/v1/tenants', created)).not.toThrow();
    const { createdAt: _createdAt, ...withoutCreatedAt } = created.body;
    expect(() => checker.check('POST', '/admin/v1/tenants', withText(created, JSON.stringify(withoutCreatedAt)))).toThrow(
      /answered 201 with a body that does not match the OpenAPI schema .*\n.*must have required property 'createdAt'/,
    );
    expect(() => checker.check('POST', '/admin/v1/tenants', withText(created, JSON.stringify({ ...created.body, apiKey: 'x' })))).toThrow(
      /must NOT have additional properties/,
    );
    expect(() => checker.check('POST', '/admin/v1/tenants', withText(created, JSON.stringify({ ...created.body, rateLimitPerSec: 1.5 })))).toThrow(
      /\/rateLimitPerSec/,
    );
    expect(() => checker.check('POST', '/admin/v1/tenants', withText(created, 'not json'))).toThrow(/not JSON/);
  });

  it('refuses another media type, a body where none is documented, and a documented header left out', async () => {
    const checker = checkerWith(() => undefined);
    const metrics = await pipeline.request('GET', '/metrics');
    const asJson = new Headers(metrics.headers);
    asJson.set('content-type', 'application/json');
    expect(() => checker.check('GET', '/metrics', { ...metrics, headers: asJson })).toThrow(/answered 200 as application\/json, documented as text\/plain/);

    const revoked = await pipeline.admin('DELETE', `/admin/v1/write-keys/${randomUUID()}`);
    expect(revoked.status).toBe(404);
    expect(() => checker.check('DELETE', '/admin/v1/write-keys/x', { ...revoked, status: 204 })).toThrow(/answered 204 with a body, documented without one/);

    const refused = await pipeline.request('GET', '/admin/v1/dead-letters');
    expect(refused.status).toBe(401);
    const withoutChallenge = new Headers(refused.headers);
    withoutChallenge.delete('www-authenticate');
    expect(() => checker.check('GET', '/admin/v1/dead-letters', { ...refused, headers: withoutChallenge })).toThrow(
      /answered 401 without the documented header WWW-Authenticate/,
    );
  });

  it('lets a route that is not in the document only refuse, in the error shape', async () => {
    const checker = checkerWith(() => undefined);
    const missing = await pipeline.request('GET', '/v2/events');
    expect(missing.status).toBe(404);
    expect(() => checker.check('GET', '/v2/events', missing)).not.toThrow();
    expect(() => checker.check('GET', '/v2/events', { ...missing, status: 200 })).toThrow(/GET \/v2\/events is no route of the OpenAPI document, yet it answered 200/);
    expect(() => checker.check('GET', '/v2/events', withText(missing, '{"message":"nope"}'))).toThrow(/must have required property 'error'/);
  });
});
