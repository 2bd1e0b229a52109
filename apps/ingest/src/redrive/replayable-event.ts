import type { RedriveCandidate } from '@pushrail/control-db';
import { decodeEvents, type QueuedEvent } from '@pushrail/events';
import { queuedEventSchema, readDeliverPayload, UNREADABLE_EVENT_ID } from '@pushrail/queue';
import { z } from 'zod';

const earlierJobEvents = z.object({ events: z.array(queuedEventSchema).min(1) });

/** Why a dead letter is not redriven: no queue to send it to, or nothing a worker could deliver. */
export type RedriveSkipReason = 'destination_deleted' | 'unreadable_event';

export type Replay = { ok: true; events: QueuedEvent[] } | { ok: false; reason: RedriveSkipReason };

/**
 * The queued events a dead letter can be sent again as, exactly as they
 * travelled: same `id` (so it is the same row, and a copy already there is
 * skipped by ON CONFLICT DO NOTHING) and same `receivedAt`. Usually one: the
 * dead letter's own event. A dead letter that kept a whole job's payload
 * because a worker could not read it gives that job's events, if the payload
 * is one this version reads (a worker older than the job shape dead-letters
 * such jobs; see the README on upgrading). Anything else (a payload nothing
 * reads, a different event's id) is not redriven: a worker could only
 * dead-letter it again.
 */
export function replayableEvent(candidate: Pick<RedriveCandidate, 'eventId' | 'eventJson' | 'destinationDeleted'>): Replay {
  if (candidate.destinationDeleted) return { ok: false, reason: 'destination_deleted' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(candidate.eventJson);
  } catch {
    return { ok: false, reason: 'unreadable_event' };
  }
  if (candidate.eventId === UNREADABLE_EVENT_ID) {
    const read = readDeliverPayload(candidate.eventJson);
    if (read.ok) {
      try {
        return { ok: true, events: decodeEvents(read.events) };
      } catch {
        return { ok: false, reason: 'unreadable_event' };
      }
    }
    // A job of the payload shape before this one (`{"events":[{id, receivedAt, event}]}`), dead-lettered by this
    // version's worker, which reads one shape only: its events are dead letters' own shape, and go again as they are.
    const earlier = earlierJobEvents.safeParse(parsed);
    return earlier.success ? { ok: true, events: (parsed as { events: QueuedEvent[] }).events } : { ok: false, reason: 'unreadable_event' };
  }
  const checked = queuedEventSchema.safeParse(parsed);
  if (!checked.success || checked.data.id.toLowerCase() !== candidate.eventId.toLowerCase()) {
    return { ok: false, reason: 'unreadable_event' };
  }
  // The text as parsed, not zod's output: every field of the envelope goes back as it came.
  return { ok: true, events: [parsed as QueuedEvent] };
}
