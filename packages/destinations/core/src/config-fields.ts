import { z } from 'zod';

/**
 * Zod fields every provider's config schema builds from, so a limit or a
 * default is stated once for all destination types (docs/design.md,
 * "Destinations are providers").
 */

/** A UTF-16 surrogate not paired with its other half (with the `u` flag, pairs read as one code point). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Text that every database can store: no NUL, no lone surrogate (neither survives a round trip). */
export function storableText(max: number): z.ZodString {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((v) => !v.includes('\u0000'), { message: 'must not contain NUL (U+0000)' })
    .refine((v) => !LONE_SURROGATE.test(v), { message: 'must be valid Unicode (no lone surrogates)' });
}

/** A hostname or IP literal; no scheme, path or port. */
export const hostField = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:_\-[\]]+$/, { message: 'must be a hostname or IP address, without scheme or port' });

export function portField(defaultPort: number) {
  return z.number().int().min(1).max(65535).default(defaultPort);
}

/** A PEM CA certificate for `tlsCa`. */
export const pemCertificateField = storableText(64 * 1024).refine((v) => v.includes('-----BEGIN CERTIFICATE-----'), {
  message: 'must be a PEM certificate',
});

/** `verify-full` (the default with `tls: true`): CA and host name checked; `require`: encrypted, not verified. */
export const tlsModeField = z.enum(['verify-full', 'require']);

/** An AWS region, for RDS IAM tokens. */
export const awsRegionField = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as us-east-1' });

/** The longest event type name, as the envelope allows. */
const MAX_EVENT_TYPE_LENGTH = 255;

/** One entry of `eventTypes`: an exact name, or a prefix ending in `*`. */
const eventTypePattern = storableText(MAX_EVENT_TYPE_LENGTH).refine((v) => !v.slice(0, -1).includes('*'), {
  message: 'may hold `*` only at the end (a prefix match such as "order.*")',
});

/** `auth` with a user name and password; `username` is the server's rule for a user name. The password is a secret path of every provider. */
export function passwordAuthSchema<U extends z.ZodType<string>>(username: U) {
  return z.object({ mode: z.literal('PASSWORD'), username, password: z.string().min(1).max(1024) }).strict();
}

/** `auth` with an AWS RDS IAM token, made per connection from the region and the user name; nothing stored is secret. */
export function rdsIamAuthSchema<U extends z.ZodType<string>>(username: U) {
  return z.object({ mode: z.literal('RDS_IAM'), username, region: awsRegionField }).strict();
}

/**
 * The fields that mean the same for every destination type: batching, the
 * fleet-wide connection budget, table mode, and routing by event type.
 * Defaults live here.
 */
export const commonDestinationFields = {
  name: storableText(200),
  /** `single`: one table; `per_event_type`: `<table>_<type>` per event type (tableNameForEventType). */
  tableMode: z.enum(['single', 'per_event_type']).default('single'),
  /** With `per_event_type`: create a missing table when the role may (CREATE granted); otherwise dead-letter. */
  autoCreateTables: z.boolean().default(false),
  /** Events per transaction. */
  batchSize: z.number().int().min(1).max(1000).default(1000),
  /** Longest an event waits for its batch to fill, in seconds. */
  flushIntervalSec: z.number().min(0.01).max(60).default(1),
  /** Connections the whole worker fleet may hold to this database. */
  maxConnections: z.number().int().min(1).max(100).default(4),
  /** Event types this destination takes: exact names and `prefix*`; absent means all. */
  eventTypes: z.array(eventTypePattern).min(1).max(100).optional(),
};

/** What every destination config has, whatever its type. */
export interface DestinationConfigBase {
  type: string;
  name: string;
  /** The table (the base of per-event-type names); each provider states its own identifier rules. */
  table: string;
  tableMode: 'single' | 'per_event_type';
  autoCreateTables: boolean;
  batchSize: number;
  flushIntervalSec: number;
  maxConnections: number;
  eventTypes?: string[] | undefined;
}
