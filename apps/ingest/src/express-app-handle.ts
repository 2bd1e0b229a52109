import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import { setSecurityHeaders } from './security-headers';

/**
 * The express version whose private `app.handle` this file relies on. The
 * test beside it fails when the installed express differs, so an upgrade
 * re-checks the assumption below before it ships.
 */
export const EXPRESS_VERSION_CHECKED = '5.3.0';

/** The shape of express's undocumented per-request entry point (express 5, lib/application.js). */
type AppHandle = (req: IncomingMessage, res: ServerResponse, next?: unknown) => void;

/**
 * Works around express's router cost for the two hottest routes: express
 * calls `app.handle(req, res, next)` for every request (lib/express.js), a
 * private method, so wrapping it puts `fastPath` before express's request
 * set-up and router while `app.listen` and every other caller stay as they
 * are. `fastPath` returns true when it took the request. What it buys:
 * going through express's router just to reach a first middleware cost
 * about 8 % of ingest's CPU per event request (bench/RESULTS.md).
 */
export function mountBeforeExpress(app: Express, fastPath: (req: IncomingMessage, res: ServerResponse) => boolean): void {
  const withHandle = app as unknown as { handle: AppHandle };
  if (typeof withHandle.handle !== 'function') {
    throw new Error(`express no longer has app.handle (checked against express ${EXPRESS_VERSION_CHECKED}); see express-app-handle.ts`);
  }
  const expressHandle = withHandle.handle.bind(app);
  withHandle.handle = (req, res, next) => {
    // Every answer, fast path or express, carries the security headers: set here, once.
    setSecurityHeaders(res);
    if (!fastPath(req, res)) expressHandle(req, res, next);
  };
}
