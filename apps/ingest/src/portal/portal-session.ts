import type { PortalConfig } from '@pushrail/config';
import type { PortalAccess, PortalSession } from '@pushrail/control-db';
import { safeEqual } from '@pushrail/crypto';
import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from '../http-errors';
import { sessionCookie, sessionTokenOf } from './portal-cookie';
import { CSRF_HEADER, PORTAL_OPEN_PATH, PORTAL_PATH } from './portal-paths';
import { csrfTokenOf, newPortalToken, portalTokenHash } from './portal-tokens';

/** A request's portal session and its token, once `requirePortalSession` has let it through. */
export interface PortalContext {
  session: PortalSession;
  token: string;
}

export function portalContext(res: Response): PortalContext {
  const context = res.locals.portal as PortalContext | undefined;
  if (!context) throw new Error('portal route mounted without requirePortalSession');
  return context;
}

/** The tenant of the request's session: every portal route reads and changes only this tenant's things. */
export function sessionTenant(res: Response): string {
  return portalContext(res).session.tenantId;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a refused link says, as a page (a person clicked it) or as JSON. */
const REFUSED_LINK = 'This portal link is not valid: it was already used, has expired, or was never issued. Ask for a new link.';

function refusedLinkPage(): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Link not valid · Pushrail</title>',
    `<link rel="stylesheet" href="${PORTAL_PATH}/refused.css"></head>`,
    `<body><main><h1>This link cannot be used</h1><p>${REFUSED_LINK}</p></main></body></html>`,
  ].join('');
}

/**
 * The page a link opens to: a form that POSTs the link back, which a
 * same-origin script submits at once (open-link.js, from the portal's
 * static files: the CSP allows no inline script). A browser goes straight
 * on; a service that fetches the link to preview it runs no script, so the
 * link is still unused when the person opens it.
 */
function openLinkPage(token: string): string {
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Opening the portal · Pushrail</title>',
    `<link rel="stylesheet" href="${PORTAL_PATH}/refused.css"><script src="${PORTAL_PATH}/open-link.js" defer></script></head>`,
    `<body><main><h1>Your Pushrail portal</h1><form method="post" action="${PORTAL_OPEN_PATH}/${token}" data-open-link>`,
    '<p>This link opens the portal once.</p><button type="submit">Open the portal</button></form></main></body></html>',
  ].join('');
}

/** What the link's POST answers: a page that goes on to the portal at once (a meta refresh: no script). */
function sessionOpenedPage(): string {
  return [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${PORTAL_PATH}/">`,
    `<title>Opening the portal · Pushrail</title><link rel="stylesheet" href="${PORTAL_PATH}/refused.css"></head>`,
    `<body><main><p><a href="${PORTAL_PATH}/">Open the portal</a></p></main></body></html>`,
  ].join('');
}

/** A link token's shape; anything else is refused before the database is asked. */
const LINK_TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** The 410 of a link that cannot be used: a page for a browser, the JSON error otherwise. */
function refuseLink(req: Request, res: Response): void {
  if (req.accepts(['json', 'html']) === 'html') {
    res.status(410).type('html').send(refusedLinkPage());
    return;
  }
  throw new HttpError('gone', REFUSED_LINK);
}

/**
 * `GET /portal/open/:token`: the link's page, without using the link up (a
 * GET may come from a link preview). An unusable link is a 410.
 */
export function showPortalLink(access: PortalAccess): RequestHandler {
  return async (req, res) => {
    const token = String(req.params.token ?? '');
    if (!LINK_TOKEN.test(token) || !(await access.isUsableLink(portalTokenHash(token)))) return refuseLink(req, res);
    res.status(200).type('html').send(openLinkPage(token));
  };
}

/**
 * `POST /portal/open/:token`: uses the link up and opens a session for its
 * tenant (the cookie set, then a page that goes on to the portal). A link opens once; a
 * second use, an expired or an unknown link is a 410, as a page for a browser.
 */
export function usePortalLink(access: PortalAccess, config: PortalConfig): RequestHandler {
  return async (req, res) => {
    const token = String(req.params.token ?? '');
    const link = LINK_TOKEN.test(token) ? await access.takeLink(portalTokenHash(token)) : undefined;
    if (!link) return refuseLink(req, res);
    const sessionToken = newPortalToken();
    const expiresAt = new Date(Date.now() + config.sessionTtlSec * 1000);
    await access.createSession({ tokenHash: portalTokenHash(sessionToken), tenantId: link.tenantId, readOnly: link.readOnly, expiresAt });
    res.set('Set-Cookie', sessionCookie(config, req, sessionToken, config.sessionTtlSec));
    res.status(200).type('html').send(sessionOpenedPage());
  };
}

/**
 * Every portal API request: a live session (else 401), and on every change
 * (any method but GET/HEAD/OPTIONS) the session's CSRF token in
 * `X-Pushrail-CSRF` (else 403) and a session that may write (a read-only one
 * gets 403). Another site's page cannot set that header on a request to us
 * without CORS, which the portal never allows, nor know the token.
 */
export function requirePortalSession(access: PortalAccess): RequestHandler {
  return async (req, res, next) => {
    const token = sessionTokenOf(req);
    const session = token ? await access.findSession(portalTokenHash(token)) : undefined;
    if (!token || !session) throw new HttpError('unauthorized', 'no portal session: open the portal through a new link');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.get(CSRF_HEADER);
      if (!sent || !safeEqual(sent, csrfTokenOf(token))) {
        throw new HttpError('forbidden', `the request lacks this session's CSRF token (header ${CSRF_HEADER})`);
      }
      if (session.readOnly && !req.path.startsWith('/session')) throw new HttpError('forbidden', 'this portal session is read-only');
    }
    res.locals.portal = { session, token } satisfies PortalContext;
    next();
  };
}
