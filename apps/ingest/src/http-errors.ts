import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@pushrail/observability';
import { scrubSecrets, toError } from '@pushrail/observability';
import { requestIdOf } from './request-id';
import type { z } from 'zod';

/** Machine-readable error codes of the HTTP API, each with its status. */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_events: 400,
  // Segment's own answer to its size limits is a 400, which its SDKs do not retry (the Segment routes).
  message_too_large: 400,
  batch_too_large: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  request_timeout: 408,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  expectation_failed: 417,
  headers_too_large: 431,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One problem in a request, with the JSON path it sits at (`events[3].occurredAt`). */
export interface Issue {
  path: string;
  message: string;
}

/** An error a route throws on purpose; everything in it may be shown to the caller. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** `["events", 3, "occurredAt"]` → `events[3].occurredAt`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * zod's issues as the API shows them. An unknown key is reported by zod at
 * its parent object; here each one gets the path of the key itself
 * (`colour`, `auth.colour`), so a client sees exactly which field to drop.
 */
export function zodIssues(issues: readonly z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey> = []): Issue[] {
  return issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...at, key]), message: 'is not a known field' }));
    }
    return [{ path: formatPath(at), message: issue.message }];
  });
}

/** Largest request body, in bytes (docs/design.md: 5 MB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The 413 for a body over MAX_BODY_BYTES, whichever reader found it. */
export function bodyTooLarge(): HttpError {
  return new HttpError('payload_too_large', `the body is larger than the ${MAX_BODY_BYTES / (1024 * 1024)} MB limit`);
}

/**
 * The one JSON shape of every error answer: `{"error":{"code","message",…,"requestId"}}`,
 * secrets scrubbed from the message; `requestId` is the request's id (request-id.ts).
 */
export function errorBody(error: HttpError, requestId?: string): { error: Record<string, unknown> } {
  return { error: { code: error.code, message: scrubSecrets(error.message), ...error.details, requestId } };
}

/** 404 for any route that does not exist, in the same JSON shape. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError('not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * The one place errors become responses. Only HttpErrors and body-parser's
 * own errors say what went wrong; anything else is a 500 that reveals nothing
 * (its details go to the log, secrets scrubbed).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown, req, res, _next) => {
    const error = toError(thrown);
    let httpError: HttpError;
    const parserType = (thrown as { type?: string }).type;
    if (error instanceof HttpError) httpError = error;
    else if (parserType === 'entity.parse.failed') httpError = new HttpError('invalid_json', 'the body is not valid JSON');
    else if (parserType === 'entity.too.large') httpError = bodyTooLarge();
    else if (parserType === 'encoding.unsupported' || parserType === 'charset.unsupported')
      httpError = new HttpError('unsupported_media_type', 'the body must be UTF-8 JSON');
    else if (parserType === 'request.aborted') {
      res.destroy();
      return;
    } else if (error instanceof URIError) {
      // express could not percent-decode a path parameter: such a path names nothing.
      httpError = new HttpError('not_found', 'nothing is at this path: it is not valid percent-encoded UTF-8');
    } else if ((thrown as { expose?: unknown }).expose === true && isClientStatus((thrown as { status?: unknown }).status)) {
      // Any other refusal of body-parser's, an http-errors client error (a Content-Encoding body that does not decode, a length that does not match).
      httpError = new HttpError('invalid_request', 'the body could not be read: its encoding or length is not what its headers say');
    } else {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
      httpError = new HttpError('internal', 'internal error');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(httpError.status).set(httpError.headers).json(errorBody(httpError, requestIdOf(req)));
  };
}

function isClientStatus(status: unknown): boolean {
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * 413 at once when `Content-Length` says the body is over `maxBytes`, before
 * reading any of it, and the connection closes after the answer (the body
 * is never read).
 */
export function refuseDeclaredTooLarge(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      const tooLarge = bodyTooLarge();
      next(new HttpError(tooLarge.code, tooLarge.message, {}, { Connection: 'close' }));
      return;
    }
    next();
  };
}

/** 415 when a request carries a body that does not say it is JSON; a request without a body passes (admin GET, DELETE, POST …/pause). */
export const requireJsonIfBody: RequestHandler = (req, _res, next) => {
  // An empty body (`Content-Length: 0`, what clients send with a bare POST) is no body.
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    next(new HttpError('unsupported_media_type', 'Content-Type must be application/json'));
    return;
  }
  next();
};
