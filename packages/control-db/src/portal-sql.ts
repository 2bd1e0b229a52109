/** The customer portal's queries (links, sessions, tenant-scoped lookups), as named constants with $n parameters. */

export const INSERT_PORTAL_LINK = `
  INSERT INTO portal_links (token_hash, tenant_id, read_only, expires_at) VALUES ($1, $2, $3, $4)`;

/**
 * Takes a link: marks it used and returns it, in one statement, only while it
 * is unused and unexpired; two requests racing with the same link get one row
 * between them.
 */
/** A link that may still be used (unused, unexpired), without using it. */
export const SELECT_USABLE_PORTAL_LINK = `
  SELECT tenant_id, read_only FROM portal_links
   WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()`;

export const TAKE_PORTAL_LINK = `
  UPDATE portal_links SET used_at = now()
   WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
  RETURNING tenant_id, read_only`;

export const INSERT_PORTAL_SESSION = `
  INSERT INTO portal_sessions (token_hash, tenant_id, read_only, expires_at) VALUES ($1, $2, $3, $4)`;

export const SELECT_PORTAL_SESSION = `
  SELECT s.tenant_id, s.read_only, s.expires_at, t.name AS tenant_name
    FROM portal_sessions s JOIN tenants t ON t.id = s.tenant_id
   WHERE s.token_hash = $1 AND s.expires_at > now()`;

export const DELETE_PORTAL_SESSION = `DELETE FROM portal_sessions WHERE token_hash = $1`;

/** Links and sessions past their expiry, cleared now and then (a used link is kept until it expires, so a reuse still reads as used). */
export const DELETE_EXPIRED_PORTAL_ACCESS = `
  WITH links AS (DELETE FROM portal_links WHERE expires_at < now() - interval '1 day' RETURNING 1)
  DELETE FROM portal_sessions WHERE expires_at < now()`;

export const SELECT_TENANT_WRITE_KEYS = `
  SELECT id, tenant_id, key_prefix, created_at, revoked_at FROM write_keys
   WHERE tenant_id = $1 ORDER BY created_at DESC, id`;

/** Revokes a key only if it is the tenant's. */
export const REVOKE_TENANT_WRITE_KEY = `
  UPDATE write_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND tenant_id = $2 RETURNING id`;

/** The newest dead letter of one event in one destination (a test event's fate). */
export const SELECT_DEAD_LETTER_ID_OF_EVENT = `
  SELECT id FROM dead_letters WHERE destination_id = $1 AND event_id = $2 ORDER BY id DESC LIMIT 1`;
