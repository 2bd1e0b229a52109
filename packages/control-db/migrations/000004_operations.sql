-- Operating Pushrail (docs/operations.md): when each write key was last used,
-- to the minute, so an operator can tell live keys from forgotten ones; and
-- tenants listed a page at a time in creation order.

ALTER TABLE write_keys ADD COLUMN last_used_at timestamptz;

CREATE INDEX tenants_created_idx ON tenants (created_at, id);
-- write_keys (tenant_id, created_at) is indexed by 000003 already (the portal's key list).
