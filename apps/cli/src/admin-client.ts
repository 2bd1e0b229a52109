import { scrubSecrets, toError } from '@pushrail/observability';
import type { AdminConfig } from './cli-config';
import { CliError } from './errors';

/** How long one admin request may take, in milliseconds (a destination test or a filter redrive can be slow). */
export const REQUEST_TIMEOUT_MS = 120_000;

export type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
}

/** One problem the API reports, at a path of the request (`auth.password`). */
interface ApiIssue {
  path?: unknown;
  message?: unknown;
}

/**
 * The admin API over fetch. Every failure becomes one CliError whose message
 * is safe to print: the API's own `error.message` with the path of each
 * issue, or why the API could not be reached. The token goes only into the
 * Authorization header.
 */
export class AdminClient {
  constructor(private readonly config: AdminConfig) {}

  /** A JSON answer. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, options);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`the API answered ${method} ${path} with something that is not JSON (HTTP ${response.status})`);
    }
  }

  /** A text answer (the DDL). */
  async text(method: string, path: string, options: RequestOptions = {}): Promise<string> {
    return (await this.request(method, path, options)).text();
  }

  /** An answer without a body (204). */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<void> {
    await (await this.request(method, path, options)).arrayBuffer();
  }

  private async request(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = this.urlFor(path, options.query);
    const headers: Record<string, string> = { authorization: `Bearer ${this.config.token}`, accept: 'application/json, text/plain' };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (thrown) {
      throw new CliError(this.unreachableMessage(thrown));
    }
    if (!response.ok) throw new CliError(httpErrorMessage(response.status, response.statusText, await response.text()));
    return response;
  }

  /** The base URL may carry a path prefix (a proxy's `/pushrail/`); the route is appended to it. */
  private urlFor(path: string, query: Query = {}): URL {
    const base = this.config.url;
    const url = new URL(base.pathname.replace(/\/+$/, '') + path, base);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  private unreachableMessage(thrown: unknown): string {
    const where = scrubSecrets(this.config.url.origin);
    // Read from what fetch threw, not a copy: `cause` is not enumerable, and the error may come from another realm.
    const { name, cause } = (thrown ?? {}) as { name?: unknown; cause?: unknown };
    if (name === 'TimeoutError') return `no answer from the admin API at ${where} within ${REQUEST_TIMEOUT_MS / 1000} s`;
    // undici says "fetch failed" and puts the socket's error (ECONNREFUSED, ENOTFOUND…) in `cause`.
    const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
    const reason = typeof code === 'string' ? code : typeof message === 'string' ? message : toError(thrown).message;
    return `cannot reach the admin API at ${where}: ${reason}`;
  }
}

/**
 * The one line an HTTP error becomes: the API's `{"error":{"message","issues"}}`
 * when it sent one, else the status and the start of the body.
 */
export function httpErrorMessage(status: number, statusText: string, body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: { message?: unknown; issues?: unknown; queued?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') {
    const issues = Array.isArray(error.issues) ? (error.issues as ApiIssue[]).map(formatIssue).filter((s) => s !== '') : [];
    // A tenant delete's 409 names each destination whose queued events it would drop.
    if (Array.isArray(error.queued)) {
      for (const d of error.queued as Array<{ destinationId?: unknown; name?: unknown; queuedJobs?: unknown }>) {
        issues.push(`${String(d.destinationId)} (${String(d.name)}): ${String(d.queuedJobs)} queued job(s)`);
      }
    }
    const detail = issues.length > 0 ? `: ${issues.join('; ')}` : '';
    return oneLine(`${error.message}${detail} (HTTP ${status})`);
  }
  const snippet = oneLine(body).slice(0, 200);
  return oneLine(`the API answered HTTP ${status}${statusText ? ` ${statusText}` : ''}${snippet ? `: ${snippet}` : ''}`);
}

function formatIssue(issue: ApiIssue): string {
  const message = typeof issue.message === 'string' ? issue.message : '';
  return typeof issue.path === 'string' && issue.path !== '' ? `${issue.path}: ${message}` : message;
}

/** Error output is one line per error, whatever the API put in its message. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
