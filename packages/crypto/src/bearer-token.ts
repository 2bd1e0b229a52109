import { safeEqual } from './secret-hash';

// RFC 6750 §2.1: "Bearer" 1*SP token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header, or undefined when
 * the header is missing or uses another scheme.
 */
export function parseBearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header.trim())?.[1];
}

/**
 * Checks an `Authorization` header against the expected bearer token in
 * constant time (see {@link safeEqual}). An empty expected token never
 * matches, so a missing configuration cannot open a route.
 */
export function verifyBearerToken(header: string | undefined, expectedToken: string): boolean {
  const token = parseBearerToken(header);
  if (token === undefined || expectedToken.length === 0) return false;
  return safeEqual(token, expectedToken);
}
