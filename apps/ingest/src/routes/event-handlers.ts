import type { WriteKeyOwner } from '@pushrail/control-db';
import { batchBodySchema, MAX_EVENT_BYTES, type EventEnvelope, type JsonTextIssue } from '@pushrail/events';
import { EventIntake, unavailable } from '../event-intake';
import { formatPath, HttpError, zodIssues, type Issue } from '../http-errors';
import type { TenantRateLimiter } from '../tenant-rate-limit';
import type { WriteKeyAuthenticator } from '../write-key-auth';
import type { BatchAcceptedResponse, EventAcceptedResponse } from './event-schemas';

export interface EventHandlerDeps {
  auth: WriteKeyAuthenticator;
  intake: EventIntake;
  rateLimiter: TenantRateLimiter;
}

/** An answer of the event routes: status and JSON body. Failures are thrown as HttpError. */
export interface EventAnswer {
  status: 202;
  /** The documented 202 bodies (event-schemas.ts, the OpenAPI document's source). */
  body: EventAcceptedResponse | BatchAcceptedResponse;
}

/** 429 with Retry-After when the tenant is over its rate; valid events only are counted. Shared by every intake route. */
export async function chargeTenant(rateLimiter: TenantRateLimiter, owner: WriteKeyOwner, events: number): Promise<void> {
  let decision;
  try {
    decision = await rateLimiter.take(owner.tenantId, owner.rateLimitPerSec, events);
  } catch {
    throw unavailable();
  }
  if (!decision.allowed) {
    throw new HttpError('rate_limited', `over the tenant's rate limit of ${owner.rateLimitPerSec} events/s; nothing was accepted`, {}, {
      'Retry-After': String(decision.retryAfterSec),
    });
  }
}

/**
 * The `Idempotency-Key` header (the Stripe convention) folded into a single
 * event's body: it means the same as the body's `idempotencyKey`. Both given
 * and different is a 400, since either choice would silently drop one key.
 */
export function withIdempotencyHeader(body: unknown, header: string | undefined): unknown {
  if (header === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const inBody = (body as Record<string, unknown>).idempotencyKey;
  if (inBody === undefined) return { ...body, idempotencyKey: header };
  if (inBody !== header) {
    throw new HttpError('invalid_request', 'the event is invalid; nothing was accepted', {
      issues: [{ path: 'idempotencyKey', message: 'differs from the Idempotency-Key header: send one key, or the same in both' }],
    });
  }
  return body;
}

/** A request body as the transport read it. */
export interface ReadBody {
  /** The parsed JSON. */
  body: unknown;
  /** The body's size in bytes: it bounds every event's. */
  bytes?: number;
  /** What its JSON text holds that no destination stores exactly (`jsonTextIssues`), paths from the body's root. */
  textIssues?: readonly JsonTextIssue[];
  /** The `Idempotency-Key` header of a single event, when sent. */
  idempotencyKeyHeader?: string;
}

/** `issues` with each of `extra` whose path none of them names already (the schema's own message wins). */
function withTextIssues(issues: Issue[], extra: readonly JsonTextIssue[]): Issue[] {
  if (extra.length === 0) return issues;
  const named = new Set(issues.map((issue) => issue.path));
  const added = extra.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  return [...issues, ...added.filter((issue) => !named.has(issue.path))];
}

/** Text issues of a batch by event index; those outside any event under `-1`. */
function textIssuesByEvent(issues: readonly JsonTextIssue[]): Map<number, JsonTextIssue[]> {
  const byIndex = new Map<number, JsonTextIssue[]>();
  for (const issue of issues) {
    const index = issue.path[0] === 'events' && typeof issue.path[1] === 'number' ? issue.path[1] : -1;
    byIndex.set(index, [...(byIndex.get(index) ?? []), issue]);
  }
  return byIndex;
}

/**
 * `POST /v1/events` and `POST /v1/batch`, free of any HTTP framework: they
 * take the Authorization header and the parsed body, and either answer or
 * throw an HttpError. The fast path (event-fast-path.ts) serves them.
 */
export class EventHandlers {
  constructor(private readonly deps: EventHandlerDeps) {}

  private charge(owner: WriteKeyOwner, events: number): Promise<void> {
    return chargeTenant(this.deps.rateLimiter, owner, events);
  }

  /**
   * One event. `read.bytes` bounds the event's size; a key from the
   * `Idempotency-Key` header adds its own field; `requestId` goes into its job.
   */
  async single(authorization: string | undefined, read: ReadBody, requestId?: string): Promise<EventAnswer> {
    const owner = await this.deps.auth.authenticate(authorization);
    const header = read.idempotencyKeyHeader;
    const headerBytes = header === undefined ? 0 : Buffer.byteLength(`,"idempotencyKey":${JSON.stringify(header)}`);
    const bytes = read.bytes === undefined ? undefined : read.bytes + headerBytes;
    const { event, issues, tooLarge } = EventIntake.validate(withIdempotencyHeader(read.body, header), [], bytes);
    if (tooLarge) throw new HttpError('payload_too_large', issues[0]!.message);
    const all = withTextIssues(issues, read.textIssues ?? []);
    if (!event || all.length > 0) throw new HttpError('invalid_request', 'the event is invalid; nothing was accepted', { issues: all });
    await this.charge(owner, 1);
    const { ids, warning } = await this.deps.intake.acceptOne(owner, event, requestId);
    return { status: 202, body: { eventId: ids, ...(warning ? { warning } : {}) } };
  }

  /** A batch: all or nothing. A body within 1 MB holds no event over it. */
  async batch(authorization: string | undefined, read: ReadBody, requestId?: string): Promise<EventAnswer> {
    const owner = await this.deps.auth.authenticate(authorization);
    const textIssues = textIssuesByEvent(read.textIssues ?? []);
    const parsed = batchBodySchema.safeParse(read.body);
    const outside = textIssues.get(-1) ?? [];
    if (!parsed.success || outside.length > 0) {
      const issues = withTextIssues(parsed.success ? [] : zodIssues(parsed.error.issues), outside);
      throw new HttpError('invalid_request', 'the batch is invalid; nothing was accepted', { issues });
    }
    const bodyBytes = read.bytes;
    const events: EventEnvelope[] = [];
    const invalidEvents: Array<{ index: number; issues: Issue[] }> = [];
    parsed.data.events.forEach((input, index) => {
      const result = EventIntake.validate(input, ['events', index], bodyBytes !== undefined && bodyBytes <= MAX_EVENT_BYTES ? bodyBytes : undefined);
      const issues = result.tooLarge ? result.issues : withTextIssues(result.issues, textIssues.get(index) ?? []);
      if (result.event && issues.length === 0) events.push(result.event);
      else invalidEvents.push({ index, issues });
    });
    if (invalidEvents.length > 0) {
      throw new HttpError('invalid_events', `${invalidEvents.length} of ${parsed.data.events.length} events are invalid; nothing was accepted`, {
        invalidEvents,
      });
    }
    await this.charge(owner, events.length);
    const { ids, warning } = await this.deps.intake.acceptBatch(owner, events, requestId);
    return { status: 202, body: { eventIds: ids, ...(warning ? { warning } : {}) } };
  }
}
