-- Pushrail's control database: tenants, their write keys and destinations,
-- and the dead letters of events that could not be delivered.

CREATE TABLE tenants (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Events per second the tenant may send; NULL means no limit.
  rate_limit_per_sec integer CHECK (rate_limit_per_sec > 0),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE write_keys (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- Hex SHA-256 of the key; the key itself is shown once and never stored.
  key_hash   text NOT NULL UNIQUE,
  -- The key's first characters, to tell keys apart in listings.
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE destinations (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  type               text NOT NULL,
  name               text NOT NULL,
  -- The validated config with every secret replaced by "[REDACTED]".
  config             jsonb NOT NULL,
  -- The secrets (password), AES-256-GCM under PUSHRAIL_ENCRYPTION_KEY, key id inside.
  secrets_ciphertext text NOT NULL,
  paused_at          timestamptz,
  -- 'operator' (paused through the API) or 'failures' (paused by the worker).
  paused_reason      text CHECK (paused_reason IN ('operator', 'failures')),
  paused_message     text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  deleted_at         timestamptz
);
CREATE INDEX destinations_tenant_idx ON destinations (tenant_id) WHERE deleted_at IS NULL;

CREATE TABLE dead_letters (
  id               bigserial PRIMARY KEY,
  destination_id   uuid NOT NULL REFERENCES destinations (id) ON DELETE CASCADE,
  event_id         uuid NOT NULL,
  -- The BullMQ job the event failed in; with the event id it makes mirroring idempotent.
  job_id           text NOT NULL,
  -- The queued event as JSON text, not jsonb: a \u0000 the customer's JSONB refused would be refused here too.
  event_json       text NOT NULL,
  error_kind       text NOT NULL CHECK (error_kind IN ('transient', 'permanent', 'bad_row')),
  -- SQLSTATE or Node error code.
  error_code       text,
  error_message    text NOT NULL,
  -- Delivery attempts made before the event was dead-lettered (counted from 1).
  attempts         integer NOT NULL CHECK (attempts >= 1),
  first_failed_at  timestamptz NOT NULL,
  last_failed_at   timestamptz NOT NULL,
  dead_lettered_at timestamptz NOT NULL DEFAULT now(),
  redriven_at      timestamptz,
  UNIQUE (destination_id, job_id, event_id)
);
CREATE INDEX dead_letters_destination_idx ON dead_letters (destination_id, dead_lettered_at, id);
CREATE INDEX dead_letters_time_idx ON dead_letters (dead_lettered_at, id);
