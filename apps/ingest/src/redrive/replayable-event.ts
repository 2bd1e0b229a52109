import type { RedriveCandidate } from '@pushrail/control-db';
import type { QueuedEvent } from '@pushrail/events';
import { queuedEventSchema } from '@pushrail/queue';

/** Why a dead letter is not redriven: no queue to send it to, or nothing a worker could deliver. */
export type RedriveSkipReason = 'destination_deleted' | 'unreadable_event';

export type Replay = { ok: true; event: QueuedEvent } | { ok: false; reason: RedriveSkipReason };

/**
 * The queued event a dead letter can be sent again as, exactly as it
 * travelled: same `id` (so it is the same row, and a copy already there is
 * skipped by ON CONFLICT DO NOTHING) and same `receivedAt`. A text that is not
 * a queued event of this dead letter (an invalid job payload kept as it was,
 * or a different event's id) is not redriven: a worker could only dead-letter
 * it again.
 */
export function replayableEvent(candidate: Pick<RedriveCandidate, 'eventId' | 'eventJson' | 'destinationDeleted'>): Replay {
  if (candidate.destinationDeleted) return { ok: false, reason: 'destination_deleted' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(candidate.eventJson);
  } catch {
    return { ok: false, reason: 'unreadable_event' };
  }
  const checked = queuedEventSchema.safeParse(parsed);
  if (!checked.success || checked.data.id.toLowerCase() !== candidate.eventId.toLowerCase()) {
    return { ok: false, reason: 'unreadable_event' };
  }
  // The text as parsed, not zod's output: every field of the envelope goes back as it came.
  return { ok: true, event: parsed as QueuedEvent };
}
