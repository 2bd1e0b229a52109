import { parseBasicCredentials, safeEqual, verifyBearerToken } from '@pushrail/crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-errors';

/**
 * The token from HTTP Basic credentials (any user name, the token as the
 * password): how a browser opening Bull Board sends it, after its own prompt.
 */
function basicPassword(header: string | undefined): string | undefined {
  return parseBasicCredentials(header)?.password;
}

/**
 * The schemes a 401 of `/admin/*` offers, each sent as its own
 * `WWW-Authenticate` header: Chromium reads only the first challenge of a
 * header line, so with both on one line it saw Bearer, which it cannot
 * answer, and never asked for the Basic credentials (issue 23).
 */
export const ADMIN_CHALLENGES: readonly string[] = ['Bearer realm="pushrail-admin"', 'Basic realm="pushrail-admin", charset="UTF-8"'];

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
    res.set('WWW-Authenticate', [...ADMIN_CHALLENGES]);
    next(new HttpError('unauthorized', 'admin token required: send Authorization: Bearer <PUSHRAIL_ADMIN_TOKEN>'));
  };
}
