import type { PortalConfig } from '@pushrail/config';
import type { Request } from 'express';
import { PORTAL_COOKIE, PORTAL_PATH } from './portal-paths';

/** The session token from the request's Cookie header, if it has one. */
export function sessionTokenOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === PORTAL_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** True when customers reach the portal over HTTPS: PUSHRAIL_PUBLIC_URL says so, or this request came over TLS. */
function overHttps(config: PortalConfig, req: Request): boolean {
  return config.publicUrl?.startsWith('https://') ?? req.secure;
}

/**
 * The Set-Cookie value of a session. HttpOnly (no script reads it), on the
 * portal's path only, `Secure` behind HTTPS. `SameSite=Lax` keeps other
 * sites' requests from carrying it; when the portal may be framed by another
 * site (PUSHRAIL_PORTAL_FRAME_ANCESTORS) and runs on HTTPS it is
 * `SameSite=None`, the only way a cross-site frame gets it, and the CSRF
 * token still guards every change.
 */
export function sessionCookie(config: PortalConfig, req: Request, token: string, maxAgeSec: number): string {
  const secure = overHttps(config, req);
  const sameSite = secure && config.frameAncestors.length > 0 ? 'None' : 'Lax';
  return [
    `${PORTAL_COOKIE}=${token}`,
    `Path=${PORTAL_PATH}`,
    `Max-Age=${maxAgeSec}`,
    'HttpOnly',
    `SameSite=${sameSite}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(config: PortalConfig, req: Request): string {
  return sessionCookie(config, req, '', 0);
}
