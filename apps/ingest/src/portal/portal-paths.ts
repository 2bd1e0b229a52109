/** Where the portal lives on ingest: the page, the link that opens a session, and its API. */
export const PORTAL_PATH = '/portal';
export const PORTAL_OPEN_PATH = `${PORTAL_PATH}/open`;
export const PORTAL_API_PATH = `${PORTAL_PATH}/api`;

/** The session cookie: HttpOnly, scoped to the portal's path. */
export const PORTAL_COOKIE = 'pushrail_portal';

/** The header every change through the portal API carries its session's CSRF token in. */
export const CSRF_HEADER = 'x-pushrail-csrf';
