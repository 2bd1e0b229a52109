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
import { POSTGRES_IDENTIFIER_LIMIT } from './identifiers';

/** A PostgreSQL identifier we will quote; at most 63 bytes, the server's limit. */
const identifier = storableText(1024).refine((v) => Buffer.byteLength(v, 'utf8') <= POSTGRES_IDENTIFIER_LIMIT.max, {
  message: 'must be at most 63 bytes (PostgreSQL truncates longer names)',
});

/** How Pushrail authenticates to the customer's database. */
export const postgresAuthSchema = z.discriminatedUnion('mode', [passwordAuthSchema(identifier), rdsIamAuthSchema(identifier)]);

/** A POSTGRES destination as the admin API takes it (docs/design.md). Defaults live here. */
export const postgresDestinationConfigSchema = z
  .object({
    type: z.literal('POSTGRES'),
    ...commonDestinationFields,
    host: hostField,
    port: portField(5432),
    database: identifier,
    schema: identifier.default('public'),
    table: identifier.default('events'),
    tls: z.boolean().default(true),
    tlsMode: tlsModeField.optional(),
    tlsCa: pemCertificateField.optional(),
    auth: postgresAuthSchema,
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.auth.mode === 'RDS_IAM' && !config.tls) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'must be true with RDS_IAM: RDS accepts IAM tokens only over TLS' });
    }
    if (!config.tls && config.tlsMode !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tlsMode'], message: 'is only meaningful with tls: true' });
    }
  });

/** A validated POSTGRES destination config, secrets included. */
export type PostgresDestinationConfig = z.infer<typeof postgresDestinationConfigSchema>;

/** The password, where `auth.mode` is PASSWORD; RDS IAM has no stored secret. */
export const POSTGRES_SECRET_PATHS: readonly SecretPath[] = [['auth', 'password']];
