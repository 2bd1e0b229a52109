import {
  commonDestinationFields,
  hostField,
  passwordAuthSchema,
  pemCertificateField,
  portField,
  rdsIamAuthSchema,
  storableText,
  tlsModeField,
  type SecretPath,
} from '@pushrail/destination-core';
import { z } from 'zod';
import { MYSQL_IDENTIFIER_LIMIT } from './identifiers';

/** A database or table name: at most 64 characters, MySQL's limit. */
const identifier = storableText(1024).refine((v) => [...v].length <= MYSQL_IDENTIFIER_LIMIT.max, {
  message: 'must be at most 64 characters (MySQL refuses longer names)',
});

/** MySQL user names are at most 80 characters since 10.0 / 8.0 (32 before). */
const MAX_USERNAME_CHARACTERS = 80;

const username = storableText(1024).refine((v) => [...v].length <= MAX_USERNAME_CHARACTERS, {
  message: `must be at most ${MAX_USERNAME_CHARACTERS} characters (MySQL's limit for user names)`,
});

/** How Pushrail authenticates to the customer's MySQL. */
export const mysqlAuthSchema = z.discriminatedUnion('mode', [passwordAuthSchema(username), rdsIamAuthSchema(username)]);

/** MySQL's default port. */
export const MYSQL_DEFAULT_PORT = 3306;

/**
 * A MYSQL destination as the admin API takes it (README, "MySQL and MariaDB"): the
 * PostgreSQL fields without `schema` (a MySQL database is its schema, so
 * `database` holds the table). Defaults live here.
 */
export const mysqlDestinationConfigSchema = z
  .object({
    type: z.literal('MYSQL'),
    ...commonDestinationFields,
    host: hostField,
    port: portField(MYSQL_DEFAULT_PORT),
    database: identifier,
    table: identifier.default('events'),
    tls: z.boolean().default(true),
    tlsMode: tlsModeField.optional(),
    tlsCa: pemCertificateField.optional(),
    auth: mysqlAuthSchema,
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.auth.mode === 'RDS_IAM' && !config.tls) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: 'must be true with RDS_IAM: the IAM token is sent in clear text (mysql_clear_password), so only over TLS',
      });
    }
    if (!config.tls && config.tlsMode !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tlsMode'], message: 'is only meaningful with tls: true' });
    }
  });

/** A validated MYSQL destination config, secrets included. */
export type MysqlDestinationConfig = z.infer<typeof mysqlDestinationConfigSchema>;

/** The password, where `auth.mode` is PASSWORD; RDS IAM has no stored secret. */
export const MYSQL_SECRET_PATHS: readonly SecretPath[] = [['auth', 'password']];
