/**
 * Portal sessions for tests: a link from the admin API, opened like a
 * browser opens it (its cookie kept), and requests through the session with
 * its CSRF token. Requests go through Pipeline.request, so every answer is
 * checked against the OpenAPI document too.
 */
import { randomUUID } from 'node:crypto';
import type { NewDeadLetter } from '@pushrail/control-db';
import { seedEvent, type HttpAnswer, type Pipeline } from './pipeline';

/** The path of a link's URL (the pipeline serves it on its own base URL). */
export function linkPath(url: string): string {
  return new URL(url).pathname;
}

export async function portalLink(pipeline: Pipeline, tenantId: string, body: Record<string, unknown> = {}): Promise<string> {
  const answer = await pipeline.admin('POST', `/admin/v1/tenants/${tenantId}/portal-links`, body);
  if (answer.status !== 201) throw new Error(`no portal link: ${answer.status} ${answer.text}`);
  return answer.body.url as string;
}

/** The POST a link's page makes (its form): uses the link up; a page that goes on to the portal, with the session cookie. */
export function useLink(pipeline: Pipeline, url: string): Promise<HttpAnswer> {
  return pipeline.request('POST', linkPath(url));
}

export class PortalSession {
  private constructor(
    private readonly pipeline: Pipeline,
    readonly cookie: string,
    readonly csrfToken: string,
  ) {}

  /**
   * Opens a link as a browser does, its page and then its form's POST (each
   * answer checked against the OpenAPI document too), and reads the
   * session's CSRF token.
   */
  static async open(pipeline: Pipeline, url: string): Promise<PortalSession> {
    const page = await pipeline.request('GET', linkPath(url));
    if (page.status !== 200) throw new Error(`the link's page did not show: ${page.status} ${page.text}`);
    const response = await useLink(pipeline, url);
    if (response.status !== 200) throw new Error(`the link did not open: ${response.status} ${response.text}`);
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const session = await pipeline.request('GET', '/portal/api/session', { headers: { cookie } });
    return new PortalSession(pipeline, cookie, session.body.csrfToken as string);
  }

  static async forTenant(pipeline: Pipeline, tenantId: string, body: Record<string, unknown> = {}): Promise<PortalSession> {
    return PortalSession.open(pipeline, await portalLink(pipeline, tenantId, body));
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.pipeline.request(method, path, {
      ...(body !== undefined ? { body } : {}),
      headers: { cookie: this.cookie, 'x-pushrail-csrf': this.csrfToken, ...headers },
    });
  }
}

/** Dead letters written straight into the control database, as a worker writes them. */
export async function insertDeadLetters(
  pipeline: Pipeline,
  destinationId: string,
  count: number,
  errorKind: NewDeadLetter['errorKind'] = 'permanent',
): Promise<string[]> {
  const jobId = `test-${randomUUID()}`;
  const rows: NewDeadLetter[] = Array.from({ length: count }, (_, i) => {
    const queued = { id: randomUUID(), receivedAt: Date.now(), event: seedEvent({ idempotencyKey: `${jobId}-${i}` }) };
    return {
      destinationId,
      eventId: queued.id,
      jobId,
      eventJson: JSON.stringify(queued),
      errorKind,
      errorCode: '42P01',
      errorMessage: 'relation "pushrail.events" does not exist',
      attempts: 1,
      firstFailedAt: new Date(),
      lastFailedAt: new Date(),
    };
  });
  await pipeline.db.insertDeadLetters(rows);
  const placed = await pipeline.db.pool.query(`SELECT id::text AS id FROM dead_letters WHERE job_id = $1 ORDER BY id`, [jobId]);
  return placed.rows.map((r) => r.id as string);
}
