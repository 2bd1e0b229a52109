import type { DeadLetterFilter } from './records';

/** Which dead letters a listing shows: pending (neither redriven nor discarded), redriven, discarded, or all. */
export type DeadLetterStatus = 'pending' | 'redriven' | 'discarded' | 'all';

export const DEAD_LETTER_STATUSES: readonly DeadLetterStatus[] = ['pending', 'redriven', 'discarded', 'all'];

/** The filter of an operator's listing. */
export interface DeadLetterListFilter extends DeadLetterFilter {
  /** Default 'all'. */
  status?: DeadLetterStatus;
}

/** A dead letter as a redrive sees it: the event text, and whether it can still go anywhere. */
export interface RedriveCandidate {
  id: string;
  destinationId: string;
  eventId: string;
  /** The queued event as JSON text, as the worker stored it. */
  eventJson: string;
  /** Redriven before (only a lookup by ids returns these). */
  redriven: boolean;
  /** Its destination was deleted: there is no queue to send it to. */
  destinationDeleted: boolean;
}

/** The dead letters a redrive by filter takes: every pending one matching, up to the newest when it started. */
export interface RedriveScope {
  count: number;
  /** The highest id in scope, or null when none: dead letters written during the redrive are not taken. */
  maxId: string | null;
}
