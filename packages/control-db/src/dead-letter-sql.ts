/**
 * The queries of the operator's dead-letter API (list, redrive), as named
 * constants with $n parameters. Mirroring and single lookups are in sql.ts.
 */

import { DEAD_LETTER_COLUMNS, DEAD_LETTER_SUMMARY_COLUMNS } from './sql';

/**
 * The filter every dead-letter query shares, on table alias `t`: $1
 * destination, $2 error kind, $3 since (inclusive), $4 until (exclusive, both
 * on dead_lettered_at); each optional ($n IS NULL). Parameters come from
 * `deadLetterFilterParams`.
 */
function filterOn(t: string): string {
  return `($1::uuid IS NULL OR ${t}.destination_id = $1)
     AND ($2::text IS NULL OR ${t}.error_kind = $2)
     AND ($3::timestamptz IS NULL OR ${t}.dead_lettered_at >= $3)
     AND ($4::timestamptz IS NULL OR ${t}.dead_lettered_at < $4)`;
}

/** A page of a listing with `columns`: the filter, ids after the cursor $5, $6 rows, $7 'pending', 'redriven' or 'all'. */
function listingPage(columns: string): string {
  return `
  SELECT ${columns} FROM dead_letters dl
   WHERE ${filterOn('dl')}
     AND ($5::bigint IS NULL OR dl.id > $5)
     AND CASE $7::text WHEN 'pending' THEN dl.redriven_at IS NULL
                       WHEN 'redriven' THEN dl.redriven_at IS NOT NULL
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
   WHERE dl.redriven_at IS NULL AND ${filterOn('dl')}`;

const CANDIDATE_COLUMNS = `dl.id, dl.destination_id, dl.event_id, dl.event_json, dl.redriven_at IS NOT NULL AS redriven,
  (d.deleted_at IS NOT NULL) AS destination_deleted`;

/**
 * One page of pending dead letters for a redrive by filter: ids after $5 and
 * up to $6 (the scope's max id, so dead letters written while the redrive runs,
 * possibly by the redrive itself, are not taken), $7 rows.
 */
export const SELECT_REDRIVE_PAGE = `
  SELECT ${CANDIDATE_COLUMNS}
    FROM dead_letters dl JOIN destinations d ON d.id = dl.destination_id
   WHERE dl.redriven_at IS NULL AND ${filterOn('dl')}
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
