import type { ServerResponse } from 'node:http';

/**
 * Headers every answer carries, API, Bull Board and parser errors alike:
 * browsers must not sniff a JSON error into HTML, frame the admin pages, or
 * send the admin URLs on as a referrer.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
];

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
}
