/**
 * Checks answers of the ingest API against its OpenAPI document (the one it
 * serves at /openapi.json): the status must be listed for the route, the
 * media type must be the documented one, a JSON body must validate against
 * the documented schema (JSON Schema 2020-12, with ajv), and documented
 * headers must be there. Pipeline.request runs every answer through it, so
 * the whole e2e suite checks the document against the real API.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** What is checked of an answer (Pipeline's HttpAnswer has it all). */
export interface AnswerToCheck {
  status: number;
  headers: Headers;
  text: string;
}

interface ResponseObject {
  content?: Record<string, { schema: unknown }>;
  headers?: Record<string, unknown>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
}

/** The key the document is registered under in ajv; schemas are compiled as `$ref`s into it. */
const DOCUMENT_ID = 'https://pushrail.invalid/openapi.json';
const ERROR_SCHEMA = '#/components/schemas/Error';

/** The text of an answer as it may appear in an error message: short. */
const excerpt = (text: string) => (text.length > 600 ? `${text.slice(0, 600)}… (${text.length} characters)` : text);

/** One segment of a JSON pointer inside a URI fragment. */
const pointerSegment = (segment: string) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));

interface DocumentedPath {
  template: string;
  pattern: RegExp;
  parameters: number;
}

export class OpenApiMismatchError extends Error {
  override readonly name = 'OpenApiMismatchError';
}

export class OpenApiResponseChecker {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false });
  private readonly paths: DocumentedPath[];
  private readonly validators = new Map<string, ValidateFunction>();
  /** `METHOD /template status` of every answer that matched the document, so a test can tell what it covered. */
  readonly seen = new Set<string>();

  constructor(private readonly document: OpenApiDocument) {
    if (document.openapi !== '3.1.0') throw new Error(`expected an OpenAPI 3.1.0 document, got openapi: ${String(document.openapi)}`);
    addFormats(this.ajv);
    this.ajv.addSchema(document as object, DOCUMENT_ID);
    // A literal segment wins over a parameter (`/dead-letters/redrive` before `/dead-letters/{id}`), as in OpenAPI.
    this.paths = Object.keys(document.paths)
      .map((template) => {
        const parts = template.split(/\{[^}]+\}/);
        const source = parts.map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+');
        return { template, pattern: new RegExp(`^${source}$`), parameters: parts.length - 1 };
      })
      .sort((a, b) => a.parameters - b.parameters);
  }

  /** Throws an OpenApiMismatchError naming the route, the status and what does not match. */
  check(method: string, url: string, answer: AnswerToCheck): void {
    const path = new URL(url, 'http://ingest.invalid').pathname;
    const route = this.paths.find((p) => p.pattern.test(path));
    const operation = route ? this.document.paths[route.template]![method.toLowerCase()] : undefined;
    const asked = `${method.toUpperCase()} ${url}`;
    if (!route || !operation) {
      // Not an operation of the API: the answer must refuse it in the one error shape (404, or 401 under /admin).
      if (answer.status < 400 || answer.status > 499) {
        throw new OpenApiMismatchError(`${asked} is no route of the OpenAPI document, yet it answered ${answer.status}: ${excerpt(answer.text)}`);
      }
      this.validateJson(asked, `${answer.status} (no such route)`, ERROR_SCHEMA, answer);
      return;
    }
    const where = `${asked} (${method.toUpperCase()} ${route.template})`;
    const status = String(answer.status);
    const response = operation.responses[status];
    if (!response) {
      throw new OpenApiMismatchError(
        `${where} answered ${status}, a status the OpenAPI document does not list for it (it lists ${Object.keys(operation.responses).join(', ')}): ${excerpt(answer.text)}`,
      );
    }
    for (const header of Object.keys(response.headers ?? {})) {
      if (!answer.headers.has(header)) throw new OpenApiMismatchError(`${where} answered ${status} without the documented header ${header}`);
    }
    this.checkBody(where, route.template, method, status, response, answer);
    this.seen.add(`${method.toUpperCase()} ${route.template} ${status}`);
  }

  private checkBody(where: string, template: string, method: string, status: string, response: ResponseObject, answer: AnswerToCheck): void {
    if (!response.content) {
      if (answer.text !== '') throw new OpenApiMismatchError(`${where} answered ${status} with a body, documented without one: ${excerpt(answer.text)}`);
      return;
    }
    const media = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(media in response.content)) {
      throw new OpenApiMismatchError(
        `${where} answered ${status} as ${media || 'no Content-Type'}, documented as ${Object.keys(response.content).join(' or ')}`,
      );
    }
    if (media === 'application/json') {
      const pointer = ['paths', template, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema'];
      this.validateJson(where, status, `#/${pointer.map(pointerSegment).join('/')}`, answer);
    }
  }

  /** `METHOD /template status` of every response the document lists. */
  documentedResponses(): string[] {
    return Object.entries(this.document.paths).flatMap(([template, item]) =>
      Object.entries(item).flatMap(([method, operation]) => Object.keys(operation.responses).map((status) => `${method.toUpperCase()} ${template} ${status}`)),
    );
  }

  private validateJson(where: string, status: string, fragment: string, answer: AnswerToCheck): void {
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch {
      throw new OpenApiMismatchError(`${where} answered ${status} with a body that is not JSON: ${excerpt(answer.text)}`);
    }
    let validate = this.validators.get(fragment);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}${fragment}` });
      this.validators.set(fragment, validate);
    }
    if (!validate(body)) {
      const problems = (validate.errors ?? []).map((e) => `  ${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
      throw new OpenApiMismatchError(
        `${where} answered ${status} with a body that does not match the OpenAPI schema ${decodeURIComponent(fragment)}:\n${problems.join('\n')}\nbody: ${excerpt(answer.text)}`,
      );
    }
  }
}

let loading: Promise<OpenApiResponseChecker> | undefined;

/**
 * The checker for the document an ingest serves, fetched once per test file
 * (every ingest of one source tree serves the same document). The answer of
 * /openapi.json is itself checked against the document.
 */
export function openApiChecker(baseUrl: string): Promise<OpenApiResponseChecker> {
  loading ??= (async () => {
    const response = await fetch(`${baseUrl}/openapi.json`);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET /openapi.json answered ${response.status}: ${excerpt(text)}`);
    const checker = new OpenApiResponseChecker(JSON.parse(text) as OpenApiDocument);
    checker.check('GET', '/openapi.json', { status: response.status, headers: response.headers, text });
    return checker;
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
