import { safeEqual, verifyBearerToken } from '@pushrail/crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-errors';

/**
 * The token from HTTP Basic credentials (any user name, the token as the
 * password): how a browser opening Bull Board sends it, after its own prompt.
 */
function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * `/admin/*` and Bull Board: the admin token as `Authorization: Bearer`, or
 * as the password of HTTP Basic (browsers), compared in constant time; 401,
 * never a redirect.
 */
export function requireAdmin(adminToken: string): RequestHandler {
  return (req, res, next) => {
    const basic = basicPassword(req.headers.authorization);
    if (verifyBearerToken(req.headers.authorization, adminToken) || (basic !== undefined && safeEqual(basic, adminToken))) {
      next();
      return;
    }
    res.set('WWW-Authenticate', 'Bearer realm="pushrail-admin", Basic realm="pushrail-admin"');
    next(new HttpError('unauthorized', 'admin token required: send Authorization: Bearer <PUSHRAIL_ADMIN_TOKEN>'));
  };
}
