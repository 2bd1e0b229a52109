import type { WriteKeyOwner } from '@pushrail/control-db';
import {
  deriveEventId,
  eventEnvelopeSchema,
  safeParseEventEnvelope,
  MAX_EVENT_BYTES,
  type EventEnvelope,
  type QueuedEvent,
} from '@pushrail/events';
import type { EventProducer, ReplicaAcknowledger } from '@pushrail/queue';
import { MAX_LOGGED_IDS, type Logger, type PushrailMetrics } from '@pushrail/observability';
import { GroupCommitter } from './group-commit';
import { formatPath, HttpError, zodIssues, type Issue } from './http-errors';
import { routesFor, type TenantDestinations } from './tenant-destinations';

/** Event ids named in full in an 'events queued' log line (debug level); beyond this, the count. */

/** The `source` of the test events the customer portal sends. */
export const TEST_EVENT_SOURCE = 'pushrail-portal';

/** Spacing of group-commit rounds for single events, in milliseconds: the longest a request waits to share a write. */
const GROUP_COMMIT_DELAY_MS = 2;
/** Events in one group-committed job at most. */
const GROUP_COMMIT_MAX_EVENTS = 500;

/** What {@link EventIntake.validate} found: the envelope, or the problems (and whether size was one). */
export interface EventValidation {
  event?: EventEnvelope;
  issues: Issue[];
  /** True when the event is over MAX_EVENT_BYTES; then `issues` holds that one problem. */
  tooLarge: boolean;
}

/**
 * Bytes of a value's JSON text (UTF-8), or undefined when it is nested too
 * deep to serialise (V8's JSON.stringify recurses and overflows the stack on
 * a body of millions of `[`): such a value breaks the 32-level depth rule,
 * which the schema reports instead.
 */
function jsonBytes(value: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** What intake accepted: the event id(s), and a warning when the tenant has no destination at all. */
export interface Accepted<Ids> {
  ids: Ids;
  warning?: string;
}

/**
 * The 202's warning for a tenant with no destination: its events are
 * accepted (the key is valid) but go nowhere, which a client should hear of
 * rather than find out from an empty table.
 */
export const NO_DESTINATION_WARNING = 'this tenant has no destination: accepted events go nowhere until one is created';

function noDestinationWarning(routes: readonly unknown[]): { warning?: string } {
  return routes.length === 0 ? { warning: NO_DESTINATION_WARNING } : {};
}

/** Thrown when Redis did not take the write: the client must retry; nothing was acknowledged. */
export function unavailable(): HttpError {
  return new HttpError('unavailable', 'the event queue is unavailable; nothing was accepted, retry later', {}, { 'Retry-After': '1' });
}

/** Thrown before a write when the producer's Redis connection is down. */
export class QueueUnreachableError extends Error {
  override readonly name = 'QueueUnreachableError';
  constructor() {
    super('the Redis connection of the event queue is not ready');
  }
}

/**
 * Whether the producer's Redis connection can take a command now. Checked
 * right before each write, in the same tick as the write starts: a BullMQ
 * Queue first met while the shared connection is reconnecting waits for it
 * to come back (no timeout), which would hold the request instead of
 * answering 503.
 */
export type QueueReachable = () => boolean;

/**
 * Accepts validated events for a tenant: derives ids and writes them into the
 * queue of every destination of the tenant. Resolves only once they are
 * durable in Redis for all of them.
 */
export class EventIntake {
  private readonly committer: GroupCommitter;

  constructor(
    private readonly producer: EventProducer,
    private readonly destinations: TenantDestinations,
    private readonly metrics: PushrailMetrics,
    private readonly queueReachable: QueueReachable,
    private readonly logger?: Logger,
    /** Confirms writes on PUSHRAIL_REDIS_MIN_REPLICAS replicas before a 202; none when it is 0. */
    private readonly replicas?: ReplicaAcknowledger,
  ) {
    this.committer = new GroupCommitter((id, events, requestIds) => this.enqueue(id, events, requestIds), {
      maxDelayMs: GROUP_COMMIT_DELAY_MS,
      maxEvents: GROUP_COMMIT_MAX_EVENTS,
      // One WAIT per round covers every request in it (docs/high-availability.md).
      ...(replicas ? { afterWrites: (ids: string[]) => replicas.confirm(ids) } : {}),
    });
  }

  /** One job into one destination's queue, refused at once while Redis is away. */
  private async enqueue(destinationId: string, events: QueuedEvent[], requestIds: readonly string[]): Promise<string> {
    if (!this.queueReachable()) throw new QueueUnreachableError();
    const jobId = await this.producer.enqueue(destinationId, events, { requestIds });
    // The link from a request to the worker's batch line: same jobId, eventIds and correlationIds there.
    if (this.logger?.isLevelEnabled('debug')) {
      this.logger.debug(
        {
          destinationId,
          jobId,
          requestIds: requestIds.slice(0, MAX_LOGGED_IDS),
          eventCount: events.length,
          eventIds: events.slice(0, MAX_LOGGED_IDS).map((e) => e.id),
          correlationIds: [...new Set(events.map((e) => e.event.correlationId).filter((c): c is string => c !== undefined))].slice(0, MAX_LOGGED_IDS),
        },
        'events queued',
      );
    }
    return jobId;
  }

  /**
   * Validates one event; returns its issues (paths under `prefix`) or the
   * envelope. Size comes first: an event over 1 MB is refused as such
   * (`tooLarge`, a 413 on its own, a 400 at its index in a batch), whatever
   * else is wrong with it.
   */
  static validate(input: unknown, prefix: ReadonlyArray<PropertyKey> = [], knownBytes?: number): EventValidation {
    // A body within the limit holds an event within it: no need to serialise it again to measure.
    const bytes = knownBytes !== undefined && knownBytes <= MAX_EVENT_BYTES ? knownBytes : jsonBytes(input);
    if (bytes !== undefined && bytes > MAX_EVENT_BYTES) {
      return {
        issues: [{ path: formatPath(prefix), message: `the event is ${bytes} bytes of JSON, over the 1 MB limit (${MAX_EVENT_BYTES} bytes)` }],
        tooLarge: true,
      };
    }
    const result = safeParseEventEnvelope(input);
    if (!result.success) return { issues: zodIssues(result.error.issues, prefix), tooLarge: false };
    return { event: result.data, issues: [], tooLarge: false };
  }

  private toQueued(tenantId: string, events: EventEnvelope[]): QueuedEvent[] {
    const receivedAt = Date.now();
    return events.map((event) => ({ id: deriveEventId(tenantId, event.idempotencyKey), receivedAt, event }));
  }

  /**
   * One event, group-committed with others arriving at the same moment, into
   * the destinations that take its type; `requestId` goes into the job, for
   * the worker's log line.
   */
  async acceptOne(owner: WriteKeyOwner, event: EventEnvelope, requestId?: string): Promise<Accepted<string>> {
    const queued = this.toQueued(owner.tenantId, [event]);
    const routes = await this.destinations.of(owner.tenantId);
    const destinationIds = routesFor(routes, event.eventType);
    try {
      await this.committer.submit(destinationIds, queued, requestId);
    } catch {
      throw unavailable();
    }
    this.metrics.eventsAccepted.inc();
    if (destinationIds.length === 0) this.metrics.eventsUnrouted.inc({ tenant_id: owner.tenantId });
    return { ids: queued[0]!.id, ...noDestinationWarning(routes) };
  }

  /**
   * A whole batch: one job per destination with the events it takes, all or
   * nothing from the client's view; `requestId` goes into each job.
   */
  async acceptBatch(owner: WriteKeyOwner, events: EventEnvelope[], requestId?: string): Promise<Accepted<string[]>> {
    const queued = this.toQueued(owner.tenantId, events);
    const routes = await this.destinations.of(owner.tenantId);
    const jobs = new Map<string, QueuedEvent[]>();
    let unrouted = 0;
    for (const q of queued) {
      const destinationIds = routesFor(routes, q.event.eventType);
      if (destinationIds.length === 0) unrouted++;
      for (const id of destinationIds) {
        const job = jobs.get(id);
        if (job) job.push(q);
        else jobs.set(id, [q]);
      }
    }
    try {
      const requestIds = requestId === undefined ? [] : [requestId];
      await Promise.all([...jobs].map(([id, job]) => this.enqueue(id, job, requestIds)));
      await this.replicas?.confirm([...jobs.keys()]);
    } catch {
      throw unavailable();
    }
    this.metrics.eventsAccepted.inc(queued.length);
    if (unrouted > 0) this.metrics.eventsUnrouted.inc({ tenant_id: owner.tenantId }, unrouted);
    return { ids: queued.map((q) => q.id), ...noDestinationWarning(routes) };
  }

  /**
   * A test event from the customer portal, into one destination's queue only
   * (the customer is checking that destination), built and validated like any
   * other event.
   */
  async acceptTestEvent(tenantId: string, destinationId: string, eventType: string): Promise<{ eventId: string; jobId: string }> {
    const event = eventEnvelopeSchema.parse({
      eventType,
      occurredAt: new Date().toISOString(),
      source: TEST_EVENT_SOURCE,
      payload: { test: true, note: 'sent from the Pushrail customer portal' },
    });
    const [queued] = this.toQueued(tenantId, [event]);
    try {
      const jobId = await this.enqueue(destinationId, [queued!], []);
      await this.replicas?.confirm([destinationId]);
      this.metrics.eventsAccepted.inc();
      return { eventId: queued!.id, jobId };
    } catch {
      throw unavailable();
    }
  }

  async drain(): Promise<void> {
    await this.committer.drain();
  }
}
