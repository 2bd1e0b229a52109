import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id comes in and goes back in. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * A caller's request id is taken when it is sane: 1 to 128 characters of
 * letters, digits and `._:/+=@-` (UUIDs, ULIDs, trace ids, a proxy's ids).
 * Anything else (too long, spaces, control characters, several values) is
 * replaced, so a log line or an answer never carries what a caller injected.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

/** The caller's `X-Request-Id` when sane, else a fresh UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The id given to a request when it arrived (request-observer.ts), for error bodies and jobs. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  const id = (req as IncomingMessage & { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
