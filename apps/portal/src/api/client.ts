import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

/** Types of the portal API's answers, by component name of the OpenAPI document. */
export type Schemas = components['schemas'];
export type PortalDestination = Schemas['PortalDestination'];
export type DestinationTestReport = Schemas['DestinationTestReport'];
export type Issue = { path: string; message: string };

/** An answer that was not a success: the API's `{"error":{"code","message",…}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

let csrfToken = '';

/** Every change carries the session's CSRF token (docs/portal.md); reads need only the cookie. */
const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET') request.headers.set('X-Pushrail-CSRF', csrfToken);
    return request;
  },
};

/** The typed client of the portal API, generated from ingest's OpenAPI document (src/api/schema.d.ts). */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(csrf);

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** The data of an answer, or an ApiError with the API's own message and issues. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; issues?: Issue[] } };
  throw new ApiError(response.status, body.error?.code ?? 'error', body.error?.message ?? `request failed (${response.status})`, body.error?.issues ?? []);
}
