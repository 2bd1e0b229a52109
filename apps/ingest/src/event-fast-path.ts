import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@pushrail/observability';
import { scrubSecrets, toError } from '@pushrail/observability';
import type { Express } from 'express';
import { HttpError } from './http-errors';
import type { EventHandlers } from './routes/event-handlers';

/** Largest request body, in bytes (DESIGN.md: 5 MB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** `application/json`, with no charset or UTF-8 (JSON is UTF-8; a body in another charset is refused). */
const JSON_CONTENT_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-?8"?\s*)?$/i;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, error: HttpError): void {
  send(res, error.status, { error: { code: error.code, message: scrubSecrets(error.message), ...error.details } }, error.headers);
}

/** Reads the body up to MAX_BODY_BYTES; rejects with a 413 HttpError beyond. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpError('payload_too_large', 'the body is larger than the 5 MB limit'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError('payload_too_large', 'the body is larger than the 5 MB limit'));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

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
    const kind = path === '/v1/events' ? 'single' : path === '/v1/batch' ? 'batch' : undefined;
    if (!kind) return false;
    void (async () => {
      try {
        if (!JSON_CONTENT_TYPE.test(req.headers['content-type'] ?? '')) {
          req.resume();
          throw new HttpError('unsupported_media_type', 'Content-Type must be application/json');
        }
        const raw = await readBody(req);
        let body: unknown;
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new HttpError('invalid_json', 'the body is not valid JSON');
        }
        const answer =
          kind === 'single'
            ? await handlers.single(req.headers.authorization, body, raw.length)
            : await handlers.batch(req.headers.authorization, body, raw.length);
        send(res, answer.status, answer.body);
      } catch (thrown) {
        if (res.headersSent) return;
        if (thrown instanceof HttpError) return sendError(res, thrown);
        logger.error({ err: toError(thrown), method: req.method, path }, 'request failed');
        sendError(res, new HttpError('internal', 'internal error'));
      }
    })();
    return true;
  };
}

/**
 * Puts the fast path in front of an express app, before express's own
 * request handling and router: express calls `app.handle(req, res, next)`
 * for every request (express 5, lib/express.js), so wrapping it keeps
 * `app.listen` and every caller unchanged. Measured: going through express's
 * router just to reach a first middleware cost ~8 % of ingest's CPU per event.
 */
export function mountBeforeExpress(app: Express, fastPath: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const expressHandle = (app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void }).handle.bind(app);
  (app as unknown as { handle: typeof expressHandle }).handle = (req, res, next) => {
    if (!fastPath(req, res)) expressHandle(req, res, next);
  };
}
