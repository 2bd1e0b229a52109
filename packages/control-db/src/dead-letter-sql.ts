/**
 * The queries of the operator's dead-letter API (list, redrive), as named
 * constants with $n parameters. Mirroring and single lookups are in sql.ts.
 */

const SUMMARY_COLUMNS = `id, destination_id, event_id, error_kind, error_code, error_message, attempts,
  first_failed_at, last_failed_at, dead_lettered_at, redriven_at`;

/**
 * One page of an operator's listing, in id order after the cursor ($5, the
 * last id of the previous page), without the event text. Every filter is
 * optional ($n IS NULL); since ($3) is inclusive, until ($4) exclusive, both on
 * dead_lettered_at; $7 is 'pending', 'redriven' or 'all'.
 */
export const SELECT_DEAD_LETTER_SUMMARIES_PAGE = `
  SELECT ${SUMMARY_COLUMNS} FROM dead_letters
   WHERE ($1::uuid IS NULL OR destination_id = $1)
     AND ($2::text IS NULL OR error_kind = $2)
     AND ($3::timestamptz IS NULL OR dead_lettered_at >= $3)
     AND ($4::timestamptz IS NULL OR dead_lettered_at < $4)
     AND ($5::bigint IS NULL OR id > $5)
     AND CASE $7::text WHEN 'pending' THEN redriven_at IS NULL
                       WHEN 'redriven' THEN redriven_at IS NOT NULL
                       ELSE true END
   ORDER BY id
   LIMIT $6`;

/** How many pending dead letters a redrive by filter takes, and the newest of them. Filters as above. */
export const SELECT_REDRIVE_SCOPE = `
  SELECT count(*)::bigint AS count, max(id) AS max_id FROM dead_letters
   WHERE redriven_at IS NULL
     AND ($1::uuid IS NULL OR destination_id = $1)
     AND ($2::text IS NULL OR error_kind = $2)
     AND ($3::timestamptz IS NULL OR dead_lettered_at >= $3)
     AND ($4::timestamptz IS NULL OR dead_lettered_at < $4)`;

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
   WHERE dl.redriven_at IS NULL
     AND ($1::uuid IS NULL OR dl.destination_id = $1)
     AND ($2::text IS NULL OR dl.error_kind = $2)
     AND ($3::timestamptz IS NULL OR dl.dead_lettered_at >= $3)
     AND ($4::timestamptz IS NULL OR dl.dead_lettered_at < $4)
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
