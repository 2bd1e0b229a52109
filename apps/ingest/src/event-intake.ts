import type { WriteKeyOwner } from '@pushrail/control-db';
import {
  deriveEventId,
  eventEnvelopeSchema,
  MAX_EVENT_BYTES,
  type EventEnvelope,
  type QueuedEvent,
} from '@pushrail/events';
import type { EventProducer } from '@pushrail/queue';
import type { PushrailMetrics } from '@pushrail/observability';
import { GroupCommitter } from './group-commit';
import { formatPath, HttpError, zodIssues, type Issue } from './http-errors';
import type { TenantDestinations } from './tenant-destinations';

/** Group commit window for single events, in milliseconds. */
const GROUP_COMMIT_DELAY_MS = 2;
/** Events in one group-committed job at most. */
const GROUP_COMMIT_MAX_EVENTS = 500;

/** Thrown when Redis did not take the write: the client must retry; nothing was acknowledged. */
export function unavailable(error: unknown): HttpError {
  void error;
  return new HttpError('unavailable', 'the event queue is unavailable; nothing was accepted, retry later', {}, { 'Retry-After': '1' });
}

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
  ) {
    this.committer = new GroupCommitter((id, events) => producer.enqueue(id, events), {
      maxDelayMs: GROUP_COMMIT_DELAY_MS,
      maxEvents: GROUP_COMMIT_MAX_EVENTS,
    });
  }

  /** Validates one event; returns its issues (paths under `prefix`) or the envelope. */
  static validate(input: unknown, prefix: ReadonlyArray<PropertyKey> = []): { event?: EventEnvelope; issues: Issue[] } {
    const result = eventEnvelopeSchema.safeParse(input);
    if (!result.success) return { issues: zodIssues(result.error.issues, prefix) };
    if (Buffer.byteLength(JSON.stringify(input), 'utf8') > MAX_EVENT_BYTES) {
      return { issues: [{ path: formatPath(prefix), message: 'event is larger than 1 MB' }] };
    }
    return { event: result.data, issues: [] };
  }

  private toQueued(owner: WriteKeyOwner, events: EventEnvelope[]): QueuedEvent[] {
    const receivedAt = Date.now();
    return events.map((event) => ({ id: deriveEventId(owner.tenantId, event.idempotencyKey), receivedAt, event }));
  }

  /** One event, group-committed with others arriving at the same moment. */
  async acceptOne(owner: WriteKeyOwner, event: EventEnvelope): Promise<string> {
    const queued = this.toQueued(owner, [event]);
    const destinationIds = await this.destinations.of(owner.tenantId);
    try {
      await this.committer.submit(destinationIds, queued);
    } catch (error) {
      throw unavailable(error);
    }
    this.metrics.eventsAccepted.inc();
    return queued[0]!.id;
  }

  /** A whole batch: one job per destination, all or nothing from the client's view. */
  async acceptBatch(owner: WriteKeyOwner, events: EventEnvelope[]): Promise<string[]> {
    const queued = this.toQueued(owner, events);
    const destinationIds = await this.destinations.of(owner.tenantId);
    try {
      await Promise.all(destinationIds.map((id) => this.producer.enqueue(id, queued)));
    } catch (error) {
      throw unavailable(error);
    }
    this.metrics.eventsAccepted.inc(queued.length);
    return queued.map((q) => q.id);
  }

  async drain(): Promise<void> {
    await this.committer.drain();
  }
}
