#!/usr/bin/env bash
# Entry point for the postgres image's /docker-entrypoint-initdb.d (first start
# of an empty data directory only). It passes the writer's password to
# customer-init.sql as a psql variable, so no secret is written in the SQL.
set -euo pipefail
: "${CUSTOMER_WRITER_PASSWORD:?set CUSTOMER_WRITER_PASSWORD (see infra/README.md)}"
psql -v ON_ERROR_STOP=1 --no-psqlrc \
  --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v writer_password="$CUSTOMER_WRITER_PASSWORD" \
  -v dbname="$POSTGRES_DB" \
  -f /pushrail/customer-init.sql
