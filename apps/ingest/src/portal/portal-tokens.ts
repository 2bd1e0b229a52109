import { randomBytes } from 'node:crypto';
import { hashSecret } from '@pushrail/crypto';

/** Random bytes in a link or session token: 256 bits, so a guess never lands. */
const TOKEN_BYTES = 32;

/** A fresh token for a portal link or session, URL- and cookie-safe (base64url). */
export function newPortalToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** What the control database keeps of a token: its SHA-256 (a copy of the table opens nothing). */
export function portalTokenHash(token: string): string {
  return hashSecret(token);
}

/**
 * The CSRF token of a session: derived from the session token, so nothing
 * more is stored, yet a page on another origin, which can neither read the
 * HttpOnly cookie nor this answer, cannot compute it.
 */
export function csrfTokenOf(sessionToken: string): string {
  return hashSecret(`csrf:${sessionToken}`);
}
