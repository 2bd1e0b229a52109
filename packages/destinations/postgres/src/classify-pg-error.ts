import { DeliveryError, explainTlsFailure, NODE_ERROR_KINDS, type DeliveryErrorKind } from '@pushrail/destination-core';
import { toError } from '@pushrail/observability';

/**
 * The one table that decides what a PostgreSQL or network failure means, by
 * SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html)
 * and Node error code. Whole SQLSTATE classes are matched after exact codes.
 */
const KIND_BY_CODE: Readonly<Record<string, DeliveryErrorKind>> = {
  // --- transient: the database may take the same batch later ---
  '57P01': 'transient', // admin_shutdown: server shutting down, or pg_terminate_backend
  '57P02': 'transient', // crash_shutdown
  '57P03': 'transient', // cannot_connect_now: starting up or in recovery
  '53300': 'transient', // too_many_connections
  '53000': 'transient', // insufficient_resources
  '53100': 'transient', // disk_full
  '53200': 'transient', // out_of_memory
  '40P01': 'transient', // deadlock_detected
  '40001': 'transient', // serialization_failure
  '55P03': 'transient', // lock_not_available (lock_timeout)
  '57014': 'transient', // query_canceled (statement_timeout)
  '08000': 'transient', // connection_exception
  '08003': 'transient', // connection_does_not_exist
  '08006': 'transient', // connection_failure
  '08001': 'transient', // sqlclient_unable_to_establish_sqlconnection
  '08004': 'transient', // sqlserver_rejected_establishment_of_sqlconnection
  '25006': 'transient', // read_only_sql_transaction: a replica was promoted/demoted under us
  ...NODE_ERROR_KINDS, // network and TLS failures, the same for every provider
  // --- permanent: the destination is misconfigured until someone fixes it ---
  '28P01': 'permanent', // invalid_password
  '28000': 'permanent', // invalid_authorization_specification (no pg_hba entry, IAM token refused)
  '42P01': 'permanent', // undefined_table
  '3F000': 'permanent', // invalid_schema_name
  '42501': 'permanent', // insufficient_privilege (grant missing or revoked)
  '3D000': 'permanent', // invalid_catalog_name: the database does not exist
  '42703': 'permanent', // undefined_column: the table's shape is not the envelope's
  '42804': 'permanent', // datatype_mismatch: a column has another type than the envelope's
  '0A000': 'permanent', // feature_not_supported
  // --- bad row: this event cannot be stored; the rest of the batch can ---
  '23502': 'bad_row', // not_null_violation
  '23514': 'bad_row', // check_violation (a customer's CHECK on the table)
  '54000': 'bad_row', // program_limit_exceeded (a value too large for an index)
};

/** SQLSTATE classes decided as a whole, when no exact code matched. */
const KIND_BY_CLASS: Readonly<Record<string, DeliveryErrorKind>> = {
  '08': 'transient', // connection exception
  '22': 'bad_row', // data exception: 22P05 (`\u0000` in JSONB), 22021 (NUL in text), 22007, 22P02 ...
  '28': 'permanent', // invalid authorization
  '42': 'permanent', // syntax error or access rule violation
  '53': 'transient', // insufficient resources
  '57': 'transient', // operator intervention
  '58': 'transient', // system error (I/O)
};

/** Failures node-postgres reports without a code, recognised by their text. */
const KIND_BY_MESSAGE: ReadonlyArray<readonly [RegExp, DeliveryErrorKind, string]> = [
  [/server does not support SSL/i, 'permanent', 'TLS_NOT_SUPPORTED'],
  [/Connection terminated/i, 'transient', 'CONNECTION_TERMINATED'],
  [/timeout exceeded when trying to connect/i, 'transient', 'CONNECT_TIMEOUT'],
  [/Query read timeout/i, 'transient', 'QUERY_TIMEOUT'],
  [/self[- ]signed certificate|unable to verify|certificate/i, 'permanent', 'TLS_VERIFICATION_FAILED'],
];

/** What is known about an error that fell through the table, so a caller can log the code. */
export interface Classification {
  kind: DeliveryErrorKind;
  code: string | undefined;
  /** True when no rule matched and the error was taken as transient by default. */
  unknown: boolean;
}

export function classifyPgError(error: unknown): Classification {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? ((error as { code: string }).code) : undefined;
  if (code !== undefined) {
    const exact = KIND_BY_CODE[code];
    if (exact) return { kind: exact, code, unknown: false };
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const byClass = KIND_BY_CLASS[code.slice(0, 2)];
      if (byClass) return { kind: byClass, code, unknown: false };
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, kind, label] of KIND_BY_MESSAGE) {
    if (pattern.test(message)) return { kind, code: code ?? label, unknown: false };
  }
  return { kind: 'transient', code, unknown: true };
}

/**
 * Classifies and wraps any failure of the adapter into a DeliveryError.
 * `scrub` removes secrets from the text (the caller passes the one helper).
 */
export function toDeliveryError(error: unknown, scrub: (text: string) => string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const { kind, code } = classifyPgError(error);
  // toError: an error from another realm (Node's TLS layer under jest) or one
  // that crossed a process as plain data still gives its bare message.
  const raw = toError(error).message;
  return new DeliveryError(kind, scrub(explainTlsFailure(code, raw)), code, { cause: error });
}
