/** Every runtime query of the control database, as named constants with $n parameters. */

export const INSERT_TENANT = `
  INSERT INTO tenants (name) VALUES ($1)
  RETURNING id, name, rate_limit_per_sec, created_at, updated_at`;

export const SELECT_TENANT = `
  SELECT id, name, rate_limit_per_sec, created_at, updated_at FROM tenants WHERE id = $1`;

/** $2/$3: new name or NULL to keep; $4 true to set the rate limit to $5 (NULL = no limit). */
export const UPDATE_TENANT = `
  UPDATE tenants
     SET name = COALESCE($2, name),
         rate_limit_per_sec = CASE WHEN $3::boolean THEN $4::integer ELSE rate_limit_per_sec END,
         updated_at = now()
   WHERE id = $1
  RETURNING id, name, rate_limit_per_sec, created_at, updated_at`;

export const INSERT_WRITE_KEY = `
  INSERT INTO write_keys (tenant_id, key_hash, key_prefix) VALUES ($1, $2, $3)
  RETURNING id, tenant_id, key_prefix, created_at, revoked_at`;

export const REVOKE_WRITE_KEY = `
  UPDATE write_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING id`;

/**
 * The tenant a live write key belongs to, with its rate limit; and the key's
 * `last_used_at`, written only when it is a minute old or more, so a busy key
 * costs one small UPDATE a minute (ingest runs this once per cache expiry,
 * not per request).
 */
export const SELECT_TENANT_BY_KEY_HASH = `
  WITH owner AS (
    SELECT k.id AS key_id, t.id AS tenant_id, t.rate_limit_per_sec, k.last_used_at
      FROM write_keys k JOIN tenants t ON t.id = k.tenant_id
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL),
  touched AS (
    UPDATE write_keys SET last_used_at = now()
     WHERE id = (SELECT key_id FROM owner)
       AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
  SELECT key_id, tenant_id, rate_limit_per_sec FROM owner`;

const DESTINATION_COLUMNS = `id, tenant_id, type, name, config, secrets_ciphertext, paused_at, paused_reason,
  paused_message, created_at, updated_at`;

export const INSERT_DESTINATION = `
  INSERT INTO destinations (tenant_id, type, name, config, secrets_ciphertext) VALUES ($1, $2, $3, $4, $5)
  RETURNING ${DESTINATION_COLUMNS}`;

export const SELECT_DESTINATION = `
  SELECT ${DESTINATION_COLUMNS} FROM destinations WHERE id = $1 AND deleted_at IS NULL`;

export const SELECT_DESTINATIONS = `
  SELECT ${DESTINATION_COLUMNS} FROM destinations
   WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR tenant_id = $1)
   ORDER BY created_at, id`;

/** Ids of the destinations an event of the tenant goes to (paused ones too: their queue holds it). */
export const SELECT_TENANT_DESTINATION_ROUTES = `
  SELECT id, config->'eventTypes' AS event_types FROM destinations WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id`;

export const UPDATE_DESTINATION = `
  UPDATE destinations SET name = $2, config = $3, secrets_ciphertext = $4, updated_at = now()
   WHERE id = $1 AND deleted_at IS NULL
  RETURNING ${DESTINATION_COLUMNS}`;

export const UPDATE_DESTINATION_SECRETS = `
  UPDATE destinations SET secrets_ciphertext = $2 WHERE id = $1 AND secrets_ciphertext = $3`;

export const SELECT_ALL_DESTINATION_SECRETS = `SELECT id, secrets_ciphertext FROM destinations`;

/** $2 NULL resumes. */
export const UPDATE_DESTINATION_PAUSE = `
  UPDATE destinations
     SET paused_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END,
         paused_reason = $2, paused_message = $3, updated_at = now()
   WHERE id = $1 AND deleted_at IS NULL
  RETURNING ${DESTINATION_COLUMNS}`;

export const SOFT_DELETE_DESTINATION = `
  UPDATE destinations SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id`;

/** The columns of a dead letter's summary (listings); the full row adds its job and event text. */
export const DEAD_LETTER_SUMMARY_COLUMNS = `id, destination_id, event_id, error_kind, error_code, error_message, attempts,
  first_failed_at, last_failed_at, dead_lettered_at, redriven_at, discarded_at`;

export const DEAD_LETTER_COLUMNS = `${DEAD_LETTER_SUMMARY_COLUMNS}, job_id, event_json`;

/** Mirrors dead letters; a repeat of the same (destination, job, event) is a no-op. */
export const INSERT_DEAD_LETTERS = `
  INSERT INTO dead_letters (destination_id, event_id, job_id, event_json, error_kind, error_code, error_message,
                            attempts, first_failed_at, last_failed_at)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                       $8::integer[], $9::timestamptz[], $10::timestamptz[])
  ON CONFLICT (destination_id, job_id, event_id) DO NOTHING`;

export const SELECT_DEAD_LETTER = `SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE id = $1`;

export const MARK_DEAD_LETTERS_REDRIVEN = `
  UPDATE dead_letters SET redriven_at = now() WHERE id = ANY($1::bigint[]) AND redriven_at IS NULL AND discarded_at IS NULL RETURNING id`;
