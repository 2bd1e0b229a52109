/** Rows of the dead-letter API's queries, as typed records, and the filter's parameters. */
import type { DeadLetterListFilter, RedriveCandidate } from './dead-letter-records';
import type { DeadLetterRecord, DeadLetterSummary } from './records';

/* eslint-disable @typescript-eslint/no-explicit-any -- row mappers read pg's untyped rows in one place */
export const toDeadLetterSummary = (r: any): DeadLetterSummary => ({
  id: String(r.id),
  destinationId: r.destination_id,
  eventId: r.event_id,
  errorKind: r.error_kind,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  attempts: r.attempts,
  firstFailedAt: r.first_failed_at,
  lastFailedAt: r.last_failed_at,
  deadLetteredAt: r.dead_lettered_at,
  redrivenAt: r.redriven_at,
  discardedAt: r.discarded_at,
});

export const toDeadLetter = (r: any): DeadLetterRecord => ({ ...toDeadLetterSummary(r), jobId: r.job_id, eventJson: r.event_json });

export const toRedriveCandidate = (r: any): RedriveCandidate => ({
  id: String(r.id),
  destinationId: r.destination_id,
  eventId: r.event_id,
  eventJson: r.event_json,
  redriven: r.redriven,
  destinationDeleted: r.destination_deleted,
});
/* eslint-enable @typescript-eslint/no-explicit-any */

/** $1..$4 of the dead-letter filter queries: destinations (any of them), error kind, since (inclusive), until (exclusive). */
export function deadLetterFilterParams(filter: DeadLetterListFilter): Array<readonly string[] | string | null> {
  const destinations = filter.destinationId !== undefined ? [filter.destinationId] : (filter.destinationIds ?? null);
  return [destinations, filter.errorKind ?? null, filter.since?.toISOString() ?? null, filter.until?.toISOString() ?? null];
}
