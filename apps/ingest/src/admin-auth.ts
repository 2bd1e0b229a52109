import { verifyBearerToken } from '@pushrail/crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-errors';

/** `/admin/*` and Bull Board: the admin bearer token, compared in constant time; 401, never a redirect. */
export function requireAdmin(adminToken: string): RequestHandler {
  return (req, res, next) => {
    if (verifyBearerToken(req.headers.authorization, adminToken)) {
      next();
      return;
    }
    res.set('WWW-Authenticate', 'Bearer realm="pushrail-admin"');
    next(new HttpError('unauthorized', 'admin token required: send Authorization: Bearer <PUSHRAIL_ADMIN_TOKEN>'));
  };
}
