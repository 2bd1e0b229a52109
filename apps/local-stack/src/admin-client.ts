/** Longest one admin request may take, in milliseconds. */
const REQUEST_TIMEOUT_MS = 10_000;

/** An admin API answer the stack did not expect; carries only what the API chose to say. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly route: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${route} answered ${status}: ${detail}`);
  }
}

/** The part of a destination the stack looks at (the API redacts its secrets). */
export interface DestinationSummary {
  id: string;
  tenantId: string;
  paused: boolean;
  config: { host: string; port: number; database: string; auth: { username: string } };
}

interface Answer {
  status: number;
  body: unknown;
}

/**
 * The admin API over HTTP, as a user would call it: the stack sets up its
 * demo through the same routes and checks an operator has.
 */
export class AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  async createTenant(name: string): Promise<{ id: string }> {
    return (await this.expect('POST', '/admin/v1/tenants', 201, { name })) as { id: string };
  }

  async tenantExists(id: string): Promise<boolean> {
    return (await this.expectOneOf('GET', `/admin/v1/tenants/${encodeURIComponent(id)}`, [200, 404])).status === 200;
  }

  /** A new write key; the answer is the only time it is ever shown. */
  async createWriteKey(tenantId: string): Promise<{ id: string; key: string }> {
    return (await this.expect('POST', `/admin/v1/tenants/${encodeURIComponent(tenantId)}/write-keys`, 201)) as { id: string; key: string };
  }

  /** A single-use link to the customer portal for the tenant (15 minutes to open it, by default). */
  async createPortalLink(tenantId: string): Promise<{ url: string; expiresAt: string }> {
    return (await this.expect('POST', `/admin/v1/tenants/${tenantId}/portal-links`, 201, {})) as { url: string; expiresAt: string };
  }

  async getDestination(id: string): Promise<DestinationSummary | undefined> {
    const answer = await this.expectOneOf('GET', `/admin/v1/destinations/${encodeURIComponent(id)}`, [200, 404]);
    return answer.status === 200 ? (answer.body as DestinationSummary) : undefined;
  }

  async createDestination(body: Record<string, unknown>): Promise<DestinationSummary> {
    return (await this.expect('POST', '/admin/v1/destinations', 201, body)) as DestinationSummary;
  }

  async updateDestination(id: string, patch: Record<string, unknown>): Promise<DestinationSummary> {
    return (await this.expect('PATCH', `/admin/v1/destinations/${encodeURIComponent(id)}`, 200, patch)) as DestinationSummary;
  }

  async resumeDestination(id: string): Promise<void> {
    await this.expect('POST', `/admin/v1/destinations/${encodeURIComponent(id)}/resume`, 200);
  }

  /**
   * Whether ingest still takes `writeKey`, asked without sending an event:
   * an empty body is refused as invalid (400) after a known key is
   * authenticated, and as unauthorised (401) before that with an unknown one.
   */
  async writeKeyWorks(writeKey: string): Promise<boolean> {
    const answer = await this.send('POST', '/v1/events', {}, `Bearer ${writeKey}`);
    if (answer.status === 400) return true;
    if (answer.status === 401) return false;
    throw new AdminApiError('POST /v1/events', answer.status, describe(answer.body));
  }

  private async expect(method: string, route: string, status: number, body?: unknown): Promise<unknown> {
    return (await this.expectOneOf(method, route, [status], body)).body;
  }

  private async expectOneOf(method: string, route: string, statuses: number[], body?: unknown): Promise<Answer> {
    const answer = await this.send(method, route, body, `Bearer ${this.adminToken}`);
    if (!statuses.includes(answer.status)) throw new AdminApiError(`${method} ${route}`, answer.status, describe(answer.body));
    return answer;
  }

  private async send(method: string, route: string, body: unknown, authorization: string): Promise<Answer> {
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text for the error message.
    }
    return { status: response.status, body: parsed };
  }
}

/** The API's own error message (`{"error":{"code","message"}}`), or the body as text. */
function describe(body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string') return `${String(error.code)}: ${error.message}`;
  return typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body)?.slice(0, 200) ?? '(empty)';
}
