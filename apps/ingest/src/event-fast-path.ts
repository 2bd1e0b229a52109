import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonTextIssues } from '@pushrail/events';
import type { Logger } from '@pushrail/observability';
import { toError } from '@pushrail/observability';
import { bodyTooLarge, errorBody, HttpError, MAX_BODY_BYTES } from './http-errors';
import { requestIdOf } from './request-id';
import { documentedRoute } from './openapi/documented-routes';
import { markRoute } from './request-observer';
import type { EventHandlers } from './routes/event-handlers';

/** `application/json`, with no charset or UTF-8 (JSON is UTF-8; a body in another charset is refused). */
const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-?8"?\s*)?$/i;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, error: HttpError, requestId: string | undefined): void {
  send(res, error.status, errorBody(error, requestId), error.headers);
}

/** The `Idempotency-Key` header of `POST /v1/events`; node joins repeated headers with ", ". */
function idempotencyKeyHeader(req: IncomingMessage): string | undefined {
  const value = req.headers['idempotency-key'];
  return typeof value === 'string' ? value : undefined;
}

/** The client went away before its body was complete: nothing to answer, and not our error. */
class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
}

/** Reads the body up to MAX_BODY_BYTES; rejects with a 413 HttpError beyond. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(bodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(bodyTooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', (error) => reject(req.complete ? error : new RequestAbortedError(error.message)));
  });
}

/** The operations the fast path serves, at the catalogue's paths: the app serves no other route for them. */
export const FAST_PATH_OPERATION_IDS = ['postEvent', 'postBatch'] as const;
const [SINGLE_PATH, BATCH_PATH] = FAST_PATH_OPERATION_IDS.map((id) => documentedRoute(id).path);

/**
 * `POST /v1/events` and `POST /v1/batch` without express's body parser,
 * router and `res.json` (ETag hashing included): measured by `pnpm bench`, they
 * took about half of ingest's CPU per event request (bench/RESULTS.md). It is
 * mounted first; every other route still goes through express. Same error
 * shape and statuses as the rest of the API.
 */
export function eventFastPath(handlers: EventHandlers, logger: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url === undefined) return false;
    const path = req.url.indexOf('?') === -1 ? req.url : req.url.slice(0, req.url.indexOf('?'));
    const kind = path === SINGLE_PATH ? 'single' : path === BATCH_PATH ? 'batch' : undefined;
    if (!kind) return false;
    markRoute(req, path);
    void (async () => {
      try {
        if (!JSON_CONTENT_TYPE.test(req.headers['content-type'] ?? '')) {
          req.resume();
          throw new HttpError('unsupported_media_type', 'Content-Type must be application/json');
        }
        const encoding = req.headers['content-encoding'];
        if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
          req.resume();
          throw new HttpError('unsupported_media_type', 'Content-Encoding is not supported on /v1 routes: send the JSON as it is');
        }
        const raw = await readBody(req);
        // Buffer's decoder would turn bytes that are not UTF-8 into U+FFFD: the event would land changed.
        if (!isUtf8(raw)) throw new HttpError('invalid_json', 'the body is not valid UTF-8');
        const text = raw.toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new HttpError('invalid_json', 'the body is not valid JSON');
        }
        const read = { body, bytes: raw.length, textIssues: jsonTextIssues(text) };
        const answer =
          kind === 'single'
            ? await handlers.single(req.headers.authorization, { ...read, idempotencyKeyHeader: idempotencyKeyHeader(req) }, requestIdOf(req))
            : await handlers.batch(req.headers.authorization, read, requestIdOf(req));
        send(res, answer.status, answer.body);
      } catch (thrown) {
        if (thrown instanceof RequestAbortedError) {
          logger.debug({ method: req.method, path }, 'client aborted its request');
          res.destroy();
          return;
        }
        if (res.headersSent) return;
        if (thrown instanceof HttpError) return sendError(res, thrown, requestIdOf(req));
        logger.error({ err: toError(thrown), method: req.method, path }, 'request failed');
        sendError(res, new HttpError('internal', 'internal error'), requestIdOf(req));
      }
    })();
    return true;
  };
}
