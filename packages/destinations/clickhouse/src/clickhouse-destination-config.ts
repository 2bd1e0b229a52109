import {
  commonDestinationFields,
  hostField,
  passwordAuthSchema,
  pemCertificateField,
  storableText,
  tlsModeField,
  type SecretPath,
} from '@pushrail/destination-core';
import { z } from 'zod';
import { CLICKHOUSE_IDENTIFIER_LIMIT } from './identifiers';

/** ClickHouse's HTTP interface: 8123 plain, 8443 with TLS (the server's defaults). */
export const CLICKHOUSE_HTTP_PORT = 8123;
export const CLICKHOUSE_HTTPS_PORT = 8443;

/**
 * A database or table name: letters, digits and `_`, not starting with a
 * digit, so it needs no quoting anywhere a customer types it (the set-up
 * guide, `FINAL` queries, users.xml on 18.16); it is still quoted in SQL.
 */
const identifier = storableText(CLICKHOUSE_IDENTIFIER_LIMIT.max).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  message: 'must be letters, digits and _, not starting with a digit',
});

/** A user name: also an XML element name in users.xml on servers before SQL users (18.16). */
const username = storableText(64).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  message: 'must be letters, digits and _, not starting with a digit',
});

/**
 * How Pushrail authenticates to ClickHouse: user and password (HTTP basic
 * auth, so use TLS). One mode so far, so a plain object rather than a union
 * of one (which OpenAPI would show as a `oneOf` of one schema); `mode` keeps
 * the shape of the other providers' `auth`.
 */
export const clickhouseAuthSchema = passwordAuthSchema(username);

/** A ClickHouse version as `SELECT version()` prints it: `18.16.1`, `24.8.4.13`. */
const serverVersionField = z.string().regex(/^\d+\.\d+(\.\d+)*$/, { message: 'must be a version such as 24.8 or 18.16.1' });

/** A CLICKHOUSE destination as the admin API takes it (docs/design.md, "Destinations are providers"; README, "ClickHouse"). Defaults live here. */
export const clickhouseDestinationConfigSchema = z
  .object({
    type: z.literal('CLICKHOUSE'),
    ...commonDestinationFields,
    host: hostField,
    /** The HTTP interface's port; absent: 8443 with `tls`, 8123 without. */
    port: z.number().int().min(1).max(65535).optional(),
    database: identifier,
    table: identifier.default('events'),
    tls: z.boolean().default(true),
    tlsMode: tlsModeField.optional(),
    tlsCa: pemCertificateField.optional(),
    auth: clickhouseAuthSchema,
    /**
     * The server's version, for the set-up guide only (the writer reads the
     * version at connect): older servers get the types and user set-up they
     * have. Absent: a current server (22.2 or later).
     */
    serverVersion: serverVersionField.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (!config.tls && config.tlsMode !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tlsMode'], message: 'is only meaningful with tls: true' });
    }
    if (config.autoCreateTables) {
      // The writer is an INSERT-only user: it cannot CREATE (on 18.16 its profile forbids DDL).
      ctx.addIssue({
        code: 'custom',
        path: ['autoCreateTables'],
        message: 'is not supported for ClickHouse: create each per-event-type table with the set-up guide',
      });
    }
  });

/** A validated CLICKHOUSE destination config, secrets included. */
export type ClickHouseDestinationConfig = z.infer<typeof clickhouseDestinationConfigSchema>;

/** The port a config connects to: its own, or the interface's default for its TLS setting. */
export function clickhousePortOf(config: Pick<ClickHouseDestinationConfig, 'port' | 'tls'>): number {
  return config.port ?? (config.tls ? CLICKHOUSE_HTTPS_PORT : CLICKHOUSE_HTTP_PORT);
}

/** The password. */
export const CLICKHOUSE_SECRET_PATHS: readonly SecretPath[] = [['auth', 'password']];
