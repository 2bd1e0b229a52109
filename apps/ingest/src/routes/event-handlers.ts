import type { WriteKeyOwner } from '@pushrail/control-db';
import { batchBodySchema, MAX_EVENT_BYTES, type EventEnvelope } from '@pushrail/events';
import { EventIntake, unavailable } from '../event-intake';
import { HttpError, zodIssues, type Issue } from '../http-errors';
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
   * One event. `bodyBytes` is the request body's size, which bounds the
   * event's; a key from the `Idempotency-Key` header adds its own field;
   * `requestId` goes into its job.
   */
  async single(
    authorization: string | undefined,
    body: unknown,
    bodyBytes: number,
    idempotencyKeyHeader?: string,
    requestId?: string,
  ): Promise<EventAnswer> {
    const owner = await this.deps.auth.authenticate(authorization);
    const headerBytes = idempotencyKeyHeader === undefined ? 0 : Buffer.byteLength(`,"idempotencyKey":${JSON.stringify(idempotencyKeyHeader)}`);
    const { event, issues, tooLarge } = EventIntake.validate(withIdempotencyHeader(body, idempotencyKeyHeader), [], bodyBytes + headerBytes);
    if (tooLarge) throw new HttpError('payload_too_large', issues[0]!.message);
    if (!event) throw new HttpError('invalid_request', 'the event is invalid; nothing was accepted', { issues });
    await this.charge(owner, 1);
    const { ids, warning } = await this.deps.intake.acceptOne(owner, event, requestId);
    return { status: 202, body: { eventId: ids, ...(warning ? { warning } : {}) } };
  }

  /** A batch: all or nothing. `bodyBytes` is the request body's size: a body within 1 MB holds no event over it. */
  async batch(authorization: string | undefined, body: unknown, bodyBytes?: number, requestId?: string): Promise<EventAnswer> {
    const owner = await this.deps.auth.authenticate(authorization);
    const parsed = batchBodySchema.safeParse(body);
    if (!parsed.success) {
      throw new HttpError('invalid_request', 'the batch is invalid; nothing was accepted', { issues: zodIssues(parsed.error.issues) });
    }
    const events: EventEnvelope[] = [];
    const invalidEvents: Array<{ index: number; issues: Issue[] }> = [];
    parsed.data.events.forEach((input, index) => {
      const result = EventIntake.validate(input, ['events', index], bodyBytes !== undefined && bodyBytes <= MAX_EVENT_BYTES ? bodyBytes : undefined);
      if (result.event) events.push(result.event);
      else invalidEvents.push({ index, issues: result.issues });
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
