import { isUuid } from '@pushrail/events';
import type { ControlDb } from './control-db';
import type { DeadLetterListFilter } from './dead-letter-records';
import { deadLetterFilterParams } from './dead-letter-rows';
import {
  DELETE_RESOLVED_DEAD_LETTERS,
  DISCARD_DEAD_LETTERS_BY_IDS,
  DISCARD_DEAD_LETTERS_PAGE,
  SELECT_EXISTING_DEAD_LETTER_IDS,
  SELECT_REDRIVE_SCOPE,
} from './dead-letter-sql';

/**
 * Dead letters an operator gives up on (discard) and the table's bound
 * (retention): a dead letter redriven or discarded is kept for the retention
 * period, then the worker's sweeper deletes it (docs/operations.md).
 */

/** Rows one statement discards or deletes at most: small batches keep locks and transactions short. */
export const DEAD_LETTER_BATCH = 1_000;

/** What a discard by ids did. */
export interface DiscardByIdsOutcome {
  discarded: number;
  /** Ids that name no dead letter. */
  notFound: number;
  /** Dead letters redriven or discarded before: left as they are. */
  alreadyResolved: number;
}

export async function discardDeadLettersByIds(db: ControlDb, ids: readonly string[]): Promise<DiscardByIdsOutcome> {
  const unique = [...new Set(ids)].filter((id) => /^\d{1,18}$/.test(id));
  if (unique.length === 0) return { discarded: 0, notFound: ids.length, alreadyResolved: 0 };
  const discarded = (await db.pool.query(DISCARD_DEAD_LETTERS_BY_IDS, [unique])).rowCount ?? 0;
  const existing = (await db.pool.query(SELECT_EXISTING_DEAD_LETTER_IDS, [unique])).rowCount ?? 0;
  return { discarded, notFound: new Set(ids).size - existing, alreadyResolved: existing - discarded };
}

/**
 * Discards every pending dead letter the filter matches as it stands now
 * (those written meanwhile are left, as a redrive by filter leaves them), a
 * batch per statement. Returns how many it discarded.
 */
export async function discardDeadLettersByFilter(db: ControlDb, filter: DeadLetterListFilter): Promise<number> {
  if (filter.destinationId !== undefined && !isUuid(filter.destinationId)) return 0;
  const params = deadLetterFilterParams(filter);
  const scope = (await db.pool.query(SELECT_REDRIVE_SCOPE, params)).rows[0];
  if (scope.max_id === null) return 0;
  let discarded = 0;
  for (;;) {
    const batch = (await db.pool.query(DISCARD_DEAD_LETTERS_PAGE, [...params, DEAD_LETTER_BATCH, scope.max_id])).rowCount ?? 0;
    discarded += batch;
    if (batch < DEAD_LETTER_BATCH) return discarded;
  }
}

/**
 * Deletes dead letters redriven or discarded before `before`, at most
 * `maxBatches` batches of DEAD_LETTER_BATCH rows (the rest waits for the next
 * pass). Returns how many it deleted.
 */
export async function deleteResolvedDeadLetters(db: ControlDb, before: Date, maxBatches: number): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const batch = (await db.pool.query(DELETE_RESOLVED_DEAD_LETTERS, [before.toISOString(), DEAD_LETTER_BATCH])).rowCount ?? 0;
    deleted += batch;
    if (batch < DEAD_LETTER_BATCH) break;
  }
  return deleted;
}
