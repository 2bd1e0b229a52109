// RFC 7617: "Basic" 1*SP base64(user-id ":" password); the scheme is case-insensitive (RFC 9110 §11.1).
const BASIC = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i;

/** User name and password of HTTP Basic credentials. */
export interface BasicCredentials {
  user: string;
  password: string;
}

/**
 * The credentials of an `Authorization: Basic …` header, or undefined when the
 * header is missing, uses another scheme, or its decoded text has no `:`.
 */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | undefined {
  const match = BASIC.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
