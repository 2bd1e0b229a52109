import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, PushrailMetrics } from '@pushrail/observability';
import type { Express, Request } from 'express';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id';

/** Longest URL an access-log line carries, in characters (a hostile path must not flood the log). */
const MAX_LOGGED_URL = 512;

/** Where a handler outside express's router (the event fast path) states its route template. */
const ROUTE_TEMPLATE = Symbol('pushrail.routeTemplate');

type Observed = IncomingMessage & { id?: string; [ROUTE_TEMPLATE]?: string };

/** States the route template of a request that express's router does not see (the event fast path). */
export function markRoute(req: IncomingMessage, template: string): void {
  (req as Observed)[ROUTE_TEMPLATE] = template;
}

/**
 * The route template that answered a request, for metric labels and log
 * lines: never the raw path, so ids and junk paths cannot grow the label
 * set. A route express matched is its router's mount path plus its own
 * (`/admin/v1` + `/destinations/:id`); Bull Board's pages are one route; a
 * request no route took (404, or a 401 before routing) is `/admin/*` or
 * `(unmatched)`.
 */
export function routeTemplateOf(req: IncomingMessage): string {
  const marked = (req as Observed)[ROUTE_TEMPLATE];
  if (marked) return marked;
  const routed = req as Partial<Request>;
  const url = routed.originalUrl ?? req.url ?? '';
  const routePath: unknown = routed.route?.path;
  if (typeof routePath === 'string') return `${routed.baseUrl || mountPathOf(url, routePath)}${routePath}`;
  if (url === '/admin/queues' || url.startsWith('/admin/queues/') || url.startsWith('/admin/queues?')) return '/admin/queues';
  if (url.startsWith('/admin/')) return '/admin/*';
  return '(unmatched)';
}

/**
 * The path a router is mounted at, from the request's path and the route's
 * template: the segments before the template's own. Needed when a handler
 * threw: express restores `req.baseUrl` on its way to the error handler,
 * while `req.route` stays (routes here have no wildcards, so a template has
 * as many segments as the paths it matches).
 */
function mountPathOf(url: string, routePath: string): string {
  const path = url.split('?', 1)[0]!.split('/').filter(Boolean);
  const own = routePath.split('/').filter(Boolean).length;
  return path.length > own ? `/${path.slice(0, path.length - own).join('/')}` : '';
}

/** Status label of a request whose client went away before its answer was sent (nginx's convention). */
const CLIENT_CLOSED = 499;

/**
 * Every HTTP request of ingest, the event fast path included: gives it a
 * request id (the caller's `X-Request-Id` when sane, else a UUID), returns it
 * in the `X-Request-Id` header, counts it in `pushrail_http_requests_total`
 * and `pushrail_http_request_duration_seconds` by route template, and writes
 * one access-log line on the process's logger (so the same redaction
 * applies; headers are never logged): `info`, or `error` for a 5xx. Wraps
 * `app.handle` like mountBeforeExpress, outside it, so nothing answers
 * unobserved.
 *
 * One `logger[level]` call when the answer is sent, not pino-http: pino-http
 * makes two child loggers per request, serialising the request into each,
 * whether or not the line is written, on a path (`POST /v1/events`) where
 * ingest spends a few microseconds per event (bench/RESULTS.md).
 */
export function observeRequests(app: Express, deps: { logger: Logger; metrics: PushrailMetrics }): void {
  const { logger, metrics } = deps;
  const handle = (app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void }).handle.bind(app);
  (app as unknown as { handle: typeof handle }).handle = (req, res, next) => {
    const started = performance.now();
    const id = requestIdFrom(req.headers['x-request-id']);
    (req as Observed).id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const route = routeTemplateOf(req);
      const method = req.method ?? 'UNKNOWN';
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const seconds = (performance.now() - started) / 1000;
      metrics.httpRequests.inc({ route, method, status: String(status) });
      metrics.httpDuration.observe({ route, method }, seconds);
      const failed = res.writableFinished && res.statusCode >= 500;
      const level = failed ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
      logger[level](
        {
          requestId: id,
          req: { method, url: url.slice(0, MAX_LOGGED_URL), remoteAddress: req.socket?.remoteAddress },
          res: { statusCode: status },
          durationMs: Math.round(seconds * 1000),
          route,
        },
        failed ? 'request failed' : res.writableFinished ? 'request completed' : 'request aborted',
      );
    };
    res.once('finish', finish);
    res.once('close', finish);
    handle(req, res, next);
  };
}
