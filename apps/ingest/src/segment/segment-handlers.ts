import type { WriteKeyOwner } from '@pushrail/control-db';
import { parseBasicCredentials } from '@pushrail/crypto';
import type { EventEnvelope } from '@pushrail/events';
import { EventIntake } from '../event-intake';
import { formatPath, HttpError, zodIssues, type Issue } from '../http-errors';
import { chargeTenant, type EventHandlerDeps } from '../routes/event-handlers';
import { segmentToEvent } from './segment-mapping';
import { MAX_SEGMENT_MESSAGE_BYTES, segmentBatchSchema, segmentMessageSchema, type SegmentCallType } from './segment-message';
import type { SegmentAcceptedResponse } from './segment-schemas';

/** The challenge of a 401, naming the scheme the Segment SDKs answer with. */
const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="pushrail"' };

/** An answer of the Segment routes: Segment's own 200 with `success`, and the ids of the events. */
export interface SegmentAnswer {
  status: 200;
  body: SegmentAcceptedResponse;
}

/** Bytes of a message's JSON text, or undefined when it nests too deep to serialise (the depth check reports it). */
function messageBytes(value: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * One message to one canonical event, or its problems with paths under
 * `prefix`. Checked as a Segment message first (problems named by Segment's
 * fields), then as the envelope it maps to (depth, lengths).
 */
function messageToEvent(input: unknown, prefix: ReadonlyArray<PropertyKey>, receivedAt: Date, batchContext?: Record<string, unknown>): { event?: EventEnvelope; issues: Issue[] } {
  const bytes = messageBytes(input);
  if (bytes !== undefined && bytes > MAX_SEGMENT_MESSAGE_BYTES) {
    return { issues: [{ path: formatPath(prefix), message: `the message is ${bytes} bytes of JSON, over Segment's limit of 32 KB (${MAX_SEGMENT_MESSAGE_BYTES} bytes)` }] };
  }
  const parsed = segmentMessageSchema.safeParse(input);
  if (!parsed.success) return { issues: zodIssues(parsed.error.issues, prefix) };
  const message = batchContext ? { ...parsed.data, context: { ...batchContext, ...parsed.data.context } } : parsed.data;
  const { event, issues } = EventIntake.validate(segmentToEvent(message, receivedAt), prefix);
  return { event, issues };
}

/**
 * The Segment HTTP tracking API (`/segment/v1/*`) on the canonical intake:
 * each message becomes exactly the event a client could have sent to
 * `/v1/events`, with the same id derivation, rate limit and group commit.
 * Free of any HTTP framework, like EventHandlers.
 */
export class SegmentHandlers {
  constructor(private readonly deps: EventHandlerDeps) {}

  /** The write key is the user name of HTTP Basic, the way the Segment and RudderStack SDKs send it. */
  private authenticate(authorization: string | undefined): Promise<WriteKeyOwner> {
    return this.deps.auth.authenticateKey(
      parseBasicCredentials(authorization)?.user,
      'missing write key: send it as the user name of HTTP Basic (Authorization: Basic base64("<write key>:"))',
      BASIC_CHALLENGE,
    );
  }

  /** `POST /segment/v1/<type>`: one message; its `type`, when given, must be the route's. */
  async single(type: SegmentCallType, authorization: string | undefined, body: unknown): Promise<SegmentAnswer> {
    const owner = await this.authenticate(authorization);
    if (isObject(body) && body.type !== undefined && body.type !== type) {
      throw new HttpError('invalid_request', 'the message is invalid; nothing was accepted', {
        issues: [{ path: 'type', message: `is ${JSON.stringify(body.type)} on the ${type} route: leave it out or send it to /segment/v1/${String(body.type)}` }],
      });
    }
    const { event, issues } = messageToEvent(isObject(body) ? { ...body, type } : body, [], new Date());
    if (!event) throw new HttpError('invalid_request', 'the message is invalid; nothing was accepted', { issues });
    await chargeTenant(this.deps.rateLimiter, owner, 1);
    const { ids, warning } = await this.deps.intake.acceptOne(owner, event);
    return { status: 200, body: { success: true, eventIds: [ids], ...(warning ? { warning } : {}) } };
  }

  /** `POST /segment/v1/batch`: all or nothing, like `/v1/batch`; one bad message refuses the batch, listing each bad index. */
  async batch(authorization: string | undefined, body: unknown): Promise<SegmentAnswer> {
    const owner = await this.authenticate(authorization);
    const parsed = segmentBatchSchema.safeParse(body);
    if (!parsed.success) {
      throw new HttpError('invalid_request', 'the batch is invalid; nothing was accepted', { issues: zodIssues(parsed.error.issues) });
    }
    const receivedAt = new Date();
    const events: EventEnvelope[] = [];
    const invalidEvents: Array<{ index: number; issues: Issue[] }> = [];
    parsed.data.batch.forEach((input, index) => {
      const result = messageToEvent(input, ['batch', index], receivedAt, parsed.data.context);
      if (result.event) events.push(result.event);
      else invalidEvents.push({ index, issues: result.issues });
    });
    if (invalidEvents.length > 0) {
      throw new HttpError('invalid_events', `${invalidEvents.length} of ${parsed.data.batch.length} messages are invalid; nothing was accepted`, {
        invalidEvents,
      });
    }
    await chargeTenant(this.deps.rateLimiter, owner, events.length);
    const { ids, warning } = await this.deps.intake.acceptBatch(owner, events);
    return { status: 200, body: { success: true, eventIds: ids, ...(warning ? { warning } : {}) } };
  }
}
