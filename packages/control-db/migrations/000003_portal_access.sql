-- The customer portal (docs/portal.md): single-use links an operator hands a
-- customer, and the sessions they open. Both keep only a SHA-256 of their
-- token: a copy of this table opens nothing.

CREATE TABLE portal_links (
  -- Hex SHA-256 of the link's token.
  token_hash text PRIMARY KEY,
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  read_only  boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  -- Set when the link is opened: a link opens one session, once.
  used_at    timestamptz
);

CREATE TABLE portal_sessions (
  -- Hex SHA-256 of the session cookie's value.
  token_hash text PRIMARY KEY,
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  read_only  boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX portal_sessions_expiry_idx ON portal_sessions (expires_at);
CREATE INDEX portal_links_expiry_idx ON portal_links (expires_at);

CREATE INDEX write_keys_tenant_idx ON write_keys (tenant_id, created_at);
