import { z } from 'zod';

/** A hostname or IP literal; no scheme, path or port. */
const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:_-]+$/, { message: 'must be a hostname or IP address, without scheme or port' });

/** A PostgreSQL identifier we will quote; at most 63 bytes, the server's limit. */
const identifier = z
  .string()
  .min(1)
  .refine((v) => Buffer.byteLength(v, 'utf8') <= 63, { message: 'must be at most 63 bytes (PostgreSQL truncates longer names)' })
  .refine((v) => !v.includes('\u0000'), { message: 'must not contain NUL' });

const passwordAuth = z
  .object({
    mode: z.literal('PASSWORD'),
    username: identifier,
    password: z.string().min(1).max(1024),
  })
  .strict();

const rdsIamAuth = z
  .object({
    mode: z.literal('RDS_IAM'),
    username: identifier,
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as us-east-1' }),
  })
  .strict();

/** How Pushrail authenticates to the customer's database. */
export const postgresAuthSchema = z.discriminatedUnion('mode', [passwordAuth, rdsIamAuth]);

/**
 * A POSTGRES destination as the admin API takes it (the seed's shape in
 * DESIGN.md). Defaults live here.
 */
export const postgresDestinationConfigSchema = z
  .object({
    type: z.literal('POSTGRES'),
    name: z.string().min(1).max(200),
    host,
    port: z.number().int().min(1).max(65535).default(5432),
    database: identifier,
    schema: identifier.default('public'),
    table: identifier.default('events'),
    tableMode: z.enum(['single', 'per_event_type']).default('single'),
    tls: z.boolean().default(true),
    tlsMode: z.enum(['verify-full', 'require']).optional(),
    tlsCa: z
      .string()
      .max(64 * 1024)
      .refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), { message: 'must be a PEM certificate' })
      .optional(),
    auth: postgresAuthSchema,
    /** Events per transaction. */
    batchSize: z.number().int().min(1).max(1000).default(1000),
    /** Longest an event waits for its batch to fill, in seconds. */
    flushIntervalSec: z.number().min(0.01).max(60).default(1),
    /** Connections the whole worker fleet may hold to this database. */
    maxConnections: z.number().int().min(1).max(100).default(4),
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

/** The text shown instead of a secret in every API answer and log line. */
export const REDACTED = '[REDACTED]';

/** The config as it may be shown: the password replaced. */
export function redactPostgresConfig(config: PostgresDestinationConfig): PostgresDestinationConfig {
  if (config.auth.mode !== 'PASSWORD') return config;
  return { ...config, auth: { ...config.auth, password: REDACTED } };
}

/** Splits the secret (the password) from the rest, so only the secret is encrypted at rest. */
export function splitPostgresSecrets(config: PostgresDestinationConfig): {
  publicConfig: PostgresDestinationConfig;
  secrets: { password?: string };
} {
  if (config.auth.mode !== 'PASSWORD') return { publicConfig: config, secrets: {} };
  return { publicConfig: redactPostgresConfig(config), secrets: { password: config.auth.password } };
}

/** Puts the decrypted secret back into a config read from the control database. */
export function joinPostgresSecrets(publicConfig: PostgresDestinationConfig, secrets: { password?: string }): PostgresDestinationConfig {
  if (publicConfig.auth.mode !== 'PASSWORD') return publicConfig;
  return { ...publicConfig, auth: { ...publicConfig.auth, password: secrets.password ?? '' } };
}
