-- The demo customer database of docker-compose.yml (service customer-postgres):
-- what a Pushrail customer runs once, by hand, on their own PostgreSQL.
-- It is the same DDL and grants GET /admin/v1/destinations/:id/ddl prints.
--
-- Run by infra/docker/customer-init.sh (psql, as the database owner) with:
--   :writer_password  the password of role pushrail_writer
--   :dbname           the database (POSTGRES_DB)
\set ON_ERROR_STOP on

CREATE SCHEMA IF NOT EXISTS pushrail;

-- One row per event: the Pushrail envelope.
CREATE TABLE IF NOT EXISTS pushrail.events (
  event_id             UUID PRIMARY KEY,
  event_type           TEXT NOT NULL,
  occurred_at          TIMESTAMPTZ NOT NULL,
  customer_external_id TEXT,
  source               TEXT NOT NULL,
  payload              JSONB NOT NULL,
  metadata             JSONB,
  received_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The role Pushrail writes as: INSERT on the table, USAGE on the schema, and
-- nothing else (no SELECT, no CREATE, no TEMP). Pushrail writes with
-- `INSERT … ON CONFLICT DO NOTHING` (no conflict target: naming one needs
-- SELECT), so a redelivered event is skipped and the first write wins.
CREATE ROLE pushrail_writer LOGIN PASSWORD :'writer_password';
GRANT USAGE ON SCHEMA pushrail TO pushrail_writer;
GRANT INSERT ON pushrail.events TO pushrail_writer;

-- PUBLIC may create temporary tables in every new database by default: take
-- that away, so this database proves Pushrail needs no TEMP.
REVOKE TEMPORARY ON DATABASE :"dbname" FROM PUBLIC;
-- PostgreSQL 15 already denies CREATE on schema public to PUBLIC; say it anyway.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Fail the container's first start loudly if the role can do more than it should.
DO $check$
BEGIN
  IF NOT has_table_privilege('pushrail_writer', 'pushrail.events', 'INSERT') THEN
    RAISE EXCEPTION 'pushrail_writer lacks INSERT on pushrail.events';
  END IF;
  IF has_table_privilege('pushrail_writer', 'pushrail.events', 'SELECT')
     OR has_table_privilege('pushrail_writer', 'pushrail.events', 'UPDATE')
     OR has_table_privilege('pushrail_writer', 'pushrail.events', 'DELETE') THEN
    RAISE EXCEPTION 'pushrail_writer has more than INSERT on pushrail.events';
  END IF;
  IF has_schema_privilege('pushrail_writer', 'pushrail', 'CREATE')
     OR has_database_privilege('pushrail_writer', current_database(), 'TEMPORARY')
     OR has_database_privilege('pushrail_writer', current_database(), 'CREATE') THEN
    RAISE EXCEPTION 'pushrail_writer can CREATE or make TEMP tables';
  END IF;
END
$check$;
