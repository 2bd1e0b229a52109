import pino, { type Logger, type LoggerOptions } from 'pino';
import { scrubSecrets } from './scrub-secrets';

export type { Logger } from 'pino';

/**
 * Ids (event ids, correlation ids) named in full in one log line; beyond
 * this a line gives the count only, so a line of a 1,000-event batch stays small.
 */
export const MAX_LOGGED_IDS = 50;

/**
 * Paths pino blanks in every log line. Two levels deep with wildcards covers
 * configs (`config.auth.password`), requests (`req.headers.authorization`) and
 * errors; free text goes through `scrubSecrets` in the error serializer.
 */
const REDACTED_PATHS = [
  'password', '*.password', '*.*.password', '*.*.*.password',
  'token', '*.token', 'adminToken', '*.adminToken',
  'authorization', '*.authorization', '*.*.authorization', 'req.headers.authorization', 'req.headers.cookie',
  'key', '*.key', 'writeKey', '*.writeKey',
  'encryptionKey', '*.encryptionKey', 'oldEncryptionKeys', '*.oldEncryptionKeys',
  'connectionString', '*.connectionString', 'databaseUrl', '*.databaseUrl', 'redisUrl', '*.redisUrl',
  'secretCiphertext', '*.secretCiphertext',
];

function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubSecrets(String(error)) };
  const withCode = error as Error & { code?: unknown; kind?: unknown; sqlState?: unknown };
  return {
    type: error.name,
    message: scrubSecrets(error.message),
    ...(withCode.code !== undefined ? { code: withCode.code } : {}),
    ...(withCode.kind !== undefined ? { kind: withCode.kind } : {}),
    ...(withCode.sqlState !== undefined ? { sqlState: withCode.sqlState } : {}),
    stack: error.stack ? scrubSecrets(error.stack) : undefined,
  };
}

/** The one way a Pushrail process makes its logger: JSON lines, secrets redacted. */
export function createLogger(options: { level: string; name: string; destination?: pino.DestinationStream }): Logger {
  const config: LoggerOptions = {
    level: options.level,
    name: options.name,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    serializers: { err: serializeError, error: serializeError },
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
