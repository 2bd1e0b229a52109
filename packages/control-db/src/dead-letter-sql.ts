/**
 * The queries of the operator's dead-letter API (list, redrive), as named
 * constants with $n parameters. Mirroring and single lookups are in sql.ts.
 */

import { DEAD_LETTER_COLUMNS, DEAD_LETTER_SUMMARY_COLUMNS } from './sql';

/**
 * The filter every dead-letter query shares, on table alias `t`: $1
 * destinations (any of the array), $2 error kind, $3 since (inclusive), $4
 * until (exclusive, both on dead_lettered_at); each optional ($n IS NULL).
 * Parameters come from `deadLetterFilterParams`.
 */
function filterOn(t: string): string {
  return `($1::uuid[] IS NULL OR ${t}.destination_id = ANY($1::uuid[]))
     AND ($2::text IS NULL OR ${t}.error_kind = $2)
     AND ($3::timestamptz IS NULL OR ${t}.dead_lettered_at >= $3)
     AND ($4::timestamptz IS NULL OR ${t}.dead_lettered_at < $4)`;
}

/** A page of a listing with `columns`: the filter, ids after the cursor $5, $6 rows, $7 'pending', 'redriven', 'discarded' or 'all'. */
function listingPage(columns: string): string {
  return `
  SELECT ${columns} FROM dead_letters dl
   WHERE ${filterOn('dl')}
     AND ($5::bigint IS NULL OR dl.id > $5)
     AND CASE $7::text WHEN 'pending' THEN dl.redriven_at IS NULL AND dl.discarded_at IS NULL
                       WHEN 'redriven' THEN dl.redriven_at IS NOT NULL
                       WHEN 'discarded' THEN dl.discarded_at IS NOT NULL
                       ELSE true END
   ORDER BY dl.id
   LIMIT $6`;
}

/** One page of an operator's listing, in id order after the cursor, without the event text. */
export const SELECT_DEAD_LETTER_SUMMARIES_PAGE = listingPage(DEAD_LETTER_SUMMARY_COLUMNS);

/** The same page with every column (job and event text included). */
export const SELECT_DEAD_LETTERS_PAGE = listingPage(DEAD_LETTER_COLUMNS);

/** How many pending dead letters a redrive by filter takes, and the newest of them. Filters as above. */
export const SELECT_REDRIVE_SCOPE = `
  SELECT count(*)::bigint AS count, max(dl.id) AS max_id FROM dead_letters dl
   WHERE dl.redriven_at IS NULL AND dl.discarded_at IS NULL AND ${filterOn('dl')}`;

/** A discarded dead letter counts as redriven here: never sent again (docs/operations.md). */
const CANDIDATE_COLUMNS = `dl.id, dl.destination_id, dl.event_id, dl.event_json,
  (dl.redriven_at IS NOT NULL OR dl.discarded_at IS NOT NULL) AS redriven,
  (d.deleted_at IS NOT NULL) AS destination_deleted`;

/**
 * One page of pending dead letters for a redrive by filter: ids after $5 and
 * up to $6 (the scope's max id, so dead letters written while the redrive runs,
 * possibly by the redrive itself, are not taken), $7 rows.
 */
export const SELECT_REDRIVE_PAGE = `
  SELECT ${CANDIDATE_COLUMNS}
    FROM dead_letters dl JOIN destinations d ON d.id = dl.destination_id
   WHERE dl.redriven_at IS NULL AND dl.discarded_at IS NULL AND ${filterOn('dl')}
     AND ($5::bigint IS NULL OR dl.id > $5)
     AND dl.id <= $6::bigint
   ORDER BY dl.id
   LIMIT $7`;

/** The dead letters with these ids ($1), redriven or not, in id order. */
export const SELECT_REDRIVE_CANDIDATES_BY_IDS = `
  SELECT ${CANDIDATE_COLUMNS}
    FROM dead_letters dl JOIN destinations d ON d.id = dl.destination_id
   WHERE dl.id = ANY($1::bigint[])
   ORDER BY dl.id`;

/**
 * Discards up to $5 pending dead letters matching the filter, ids up to $6
 * (the scope's max id, as a redrive by filter): one small batch per
 * statement, so a large discard never holds one long transaction.
 */
export const DISCARD_DEAD_LETTERS_PAGE = `
  UPDATE dead_letters SET discarded_at = now()
   WHERE id IN (
     SELECT dl.id FROM dead_letters dl
      WHERE dl.redriven_at IS NULL AND dl.discarded_at IS NULL AND ${filterOn('dl')}
        AND dl.id <= $6::bigint
      ORDER BY dl.id
      LIMIT $5)
  RETURNING id`;

/** Discards the pending dead letters among ids $1; returns those it discarded. */
export const DISCARD_DEAD_LETTERS_BY_IDS = `
  UPDATE dead_letters SET discarded_at = now()
   WHERE id = ANY($1::bigint[]) AND redriven_at IS NULL AND discarded_at IS NULL
  RETURNING id`;

/** Which of ids $1 exist. */
export const SELECT_EXISTING_DEAD_LETTER_IDS = `SELECT id FROM dead_letters WHERE id = ANY($1::bigint[])`;

/**
 * Deletes up to $2 dead letters redriven or discarded before $1, oldest
 * resolution first (dead_letters_resolved_idx): the sweeper's retention pass,
 * one small batch per statement.
 */
export const DELETE_RESOLVED_DEAD_LETTERS = `
  DELETE FROM dead_letters WHERE id IN (
    SELECT id FROM dead_letters
     WHERE (redriven_at IS NOT NULL OR discarded_at IS NOT NULL)
       AND COALESCE(redriven_at, discarded_at) < $1
     ORDER BY COALESCE(redriven_at, discarded_at), id
     LIMIT $2)`;
