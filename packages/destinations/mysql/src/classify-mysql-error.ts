import { DeliveryError, errorCodeOf, explainTlsFailure, NODE_ERROR_KINDS, type DeliveryErrorKind } from '@pushrail/destination-core';
import { toError } from '@pushrail/observability';

/**
 * The one table that decides what a MySQL or MariaDB failure means, by the
 * server's error number (errno; https://mariadb.com/kb/en/mariadb-error-codes/,
 * https://dev.mysql.com/doc/mysql-errors/8.0/en/). The same numbers come back
 * as statement warnings under INSERT IGNORE, so the warning check reads this
 * table too (only 1062 is harmless there: see DUPLICATE_KEY).
 */
const KIND_BY_ERRNO: Readonly<Record<number, DeliveryErrorKind>> = {
  // --- transient: the server may take the same batch later ---
  1021: 'transient', // ER_DISK_FULL: waiting for space
  1037: 'transient', // ER_OUTOFMEMORY
  1038: 'transient', // ER_OUT_OF_SORTMEMORY
  1040: 'transient', // ER_CON_COUNT_ERROR: too many connections
  1053: 'transient', // ER_SERVER_SHUTDOWN: server shutdown in progress
  1114: 'transient', // ER_RECORD_FILE_FULL: the table is full (disk or tablespace)
  1152: 'transient', // ER_ABORTING_CONNECTION
  1158: 'transient', // ER_NET_READ_ERROR
  1159: 'transient', // ER_NET_READ_INTERRUPTED
  1160: 'transient', // ER_NET_ERROR_ON_WRITE
  1161: 'transient', // ER_NET_WRITE_INTERRUPTED
  1205: 'transient', // ER_LOCK_WAIT_TIMEOUT: innodb_lock_wait_timeout passed
  1213: 'transient', // ER_LOCK_DEADLOCK: the transaction was rolled back; retry it
  1226: 'transient', // ER_USER_LIMIT_REACHED: max_user_connections or an hourly limit
  1290: 'transient', // ER_OPTION_PREVENTS_STATEMENT: --read-only, a replica during a failover
  1317: 'transient', // ER_QUERY_INTERRUPTED: KILL QUERY
  1836: 'transient', // ER_READ_ONLY_MODE
  1927: 'transient', // ER_CONNECTION_KILLED (MariaDB): KILL CONNECTION
  1969: 'transient', // ER_STATEMENT_TIMEOUT (MariaDB): max_statement_time
  2002: 'transient', // CR_CONNECTION_ERROR: cannot connect through the socket
  2003: 'transient', // CR_CONN_HOST_ERROR: cannot connect to the server
  2006: 'transient', // CR_SERVER_GONE_ERROR: the server has gone away
  2013: 'transient', // CR_SERVER_LOST: lost connection during a query
  3024: 'transient', // ER_QUERY_TIMEOUT (MySQL): max_execution_time
  4031: 'transient', // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8): wait_timeout closed an idle connection
  // --- permanent: the destination is misconfigured until someone fixes it ---
  1044: 'permanent', // ER_DBACCESS_DENIED_ERROR: no access to the database
  1045: 'permanent', // ER_ACCESS_DENIED_ERROR: wrong user name or password (or IAM token refused)
  1049: 'permanent', // ER_BAD_DB_ERROR: unknown database
  1054: 'permanent', // ER_BAD_FIELD_ERROR: unknown column; the table's shape is not the envelope's
  1064: 'permanent', // ER_PARSE_ERROR: a server that does not take our SQL
  1129: 'permanent', // ER_HOST_IS_BLOCKED: too many failed connects; needs FLUSH HOSTS
  1130: 'permanent', // ER_HOST_NOT_PRIVILEGED: this host may not connect (the account's host part)
  1142: 'permanent', // ER_TABLEACCESS_DENIED_ERROR: INSERT (or CREATE) not granted on the table
  1143: 'permanent', // ER_COLUMNACCESS_DENIED_ERROR
  1146: 'permanent', // ER_NO_SUCH_TABLE
  1227: 'permanent', // ER_SPECIFIC_ACCESS_DENIED_ERROR
  1251: 'permanent', // ER_NOT_SUPPORTED_AUTH_MODE: the account's auth plugin is not one the client speaks
  1698: 'permanent', // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
  1820: 'permanent', // ER_MUST_CHANGE_PASSWORD: the password expired
  1862: 'permanent', // ER_MUST_CHANGE_PASSWORD_LOGIN
  3118: 'permanent', // ER_ACCOUNT_HAS_BEEN_LOCKED (MySQL 8)
  3159: 'permanent', // ER_SECURE_TRANSPORT_REQUIRED (MySQL 8): the server wants TLS; set tls: true
  4151: 'permanent', // ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB)
  // --- bad row: this event cannot be stored as it is; the rest of the batch can ---
  1048: 'bad_row', // ER_BAD_NULL_ERROR: NULL into a NOT NULL column (IGNORE stores 0 or '')
  1118: 'bad_row', // ER_TOO_BIG_ROWSIZE
  1153: 'bad_row', // ER_NET_PACKET_TOO_LARGE: a statement over max_allowed_packet; halves fit, one row alone never will
  1264: 'bad_row', // ER_WARN_DATA_OUT_OF_RANGE: IGNORE clamps the value
  1265: 'bad_row', // WARN_DATA_TRUNCATED: IGNORE cuts the value (a date out of range, text too long)
  1292: 'bad_row', // ER_TRUNCATED_WRONG_VALUE: an incorrect datetime; IGNORE zeroes it
  1366: 'bad_row', // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: characters the column's charset lacks (4-byte in utf8mb3)
  1406: 'bad_row', // ER_DATA_TOO_LONG: IGNORE cuts the text
  1452: 'bad_row', // ER_NO_REFERENCED_ROW_2: a customer's foreign key refuses the row
  3140: 'bad_row', // ER_INVALID_JSON_TEXT (MySQL 8)
  3819: 'bad_row', // ER_CHECK_CONSTRAINT_VIOLATED (MySQL 8): a customer's CHECK
  4025: 'bad_row', // ER_CONSTRAINT_FAILED (MariaDB): a CHECK, JSON's json_valid() included
  4038: 'bad_row', // ER_JSON_SYNTAX (MariaDB note): invalid JSON text
};

/** Warning 1062, ER_DUP_ENTRY: INSERT IGNORE skipped a row whose key is already there, a replay. The only warning that leaves a batch as sent. */
export const DUPLICATE_KEY = 1062;

/** Errors of mysql2 itself (no server errno), by their `code`. */
const KIND_BY_CLIENT_CODE: Readonly<Record<string, DeliveryErrorKind>> = {
  ...NODE_ERROR_KINDS, // network and TLS failures, the same for every provider
  PROTOCOL_CONNECTION_LOST: 'transient', // the server closed the connection (restart, kill, wait_timeout)
  PROTOCOL_SEQUENCE_TIMEOUT: 'transient', // no answer in time
  PROTOCOL_PACKETS_OUT_OF_ORDER: 'transient', // a connection in a bad state; a fresh one works
  PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR: 'transient', // a pooled connection that already died
  POOL_CLOSED: 'transient', // the writer is closing; another process takes the batch
  HANDSHAKE_NO_SSL_SUPPORT: 'permanent', // the server does not do TLS (reported as TLS_NOT_SUPPORTED)
  HANDSHAKE_SSL_ERROR: 'permanent', // the TLS handshake or certificate check failed (Node's code read back: tlsCodeOfMessage)
  MYSQL_CLEAR_PASSWORD_NOT_ENABLED: 'permanent', // an account that wants clear-text passwords, not set up for IAM
};

/** mysql2 codes that mean one of the TLS failures core explains. */
const TLS_CODE_ALIASES: Readonly<Record<string, string>> = { HANDSHAKE_NO_SSL_SUPPORT: 'TLS_NOT_SUPPORTED' };

/**
 * mysql2 replaces the code of every TLS handshake failure with
 * HANDSHAKE_SSL_ERROR; Node's own code, which says what to fix, is read back
 * from Node's message (its wording for each OpenSSL verify error).
 */
const TLS_CODE_BY_MESSAGE: ReadonlyArray<readonly [RegExp, string]> = [
  [/does not match certificate's altnames|is not among the names the certificate is for/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
  [/self[- ]signed certificate in certificate chain/i, 'SELF_SIGNED_CERT_IN_CHAIN'],
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to verify the first certificate/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/unable to get local issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  [/unable to get issuer certificate/i, 'UNABLE_TO_GET_ISSUER_CERT'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/certificate is not yet valid/i, 'CERT_NOT_YET_VALID'],
];

function tlsCodeOfMessage(message: string): string {
  return TLS_CODE_BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1] ?? 'TLS_VERIFICATION_FAILED';
}

/** Failures recognised by their text, when neither errno nor code says. */
const KIND_BY_MESSAGE: ReadonlyArray<readonly [RegExp, DeliveryErrorKind, string]> = [
  [/closed state/i, 'transient', 'CONNECTION_CLOSED'],
  [/self[- ]signed certificate|unable to verify|certificate/i, 'permanent', 'TLS_VERIFICATION_FAILED'],
];

/** What is known about an error, so a caller can log its code. */
export interface MysqlClassification {
  kind: DeliveryErrorKind;
  /** `errno:<n>` for a server error, else the Node or mysql2 code. */
  code: string | undefined;
  /** True when no rule matched and the error was taken as transient by default. */
  unknown: boolean;
}

/** The kind of a server error number, when the table knows it (statement warnings included). */
export function kindOfErrno(errno: number): DeliveryErrorKind | undefined {
  return KIND_BY_ERRNO[errno];
}

export function classifyMysqlError(error: unknown): MysqlClassification {
  const errno = (error as { errno?: unknown } | null | undefined)?.errno;
  const code = errorCodeOf(error);
  // mysql2 sets errno on server errors only (Node's socket errors carry a negative errno: skip those).
  if (typeof errno === 'number' && errno > 0) {
    const kind = KIND_BY_ERRNO[errno];
    if (kind) return { kind, code: `errno:${errno}`, unknown: false };
  }
  if (code !== undefined) {
    const kind = KIND_BY_CLIENT_CODE[code];
    if (kind && code === 'HANDSHAKE_SSL_ERROR') return { kind, code: tlsCodeOfMessage(toError(error).message), unknown: false };
    if (kind) return { kind, code: TLS_CODE_ALIASES[code] ?? code, unknown: false };
  }
  const message = toError(error).message;
  for (const [pattern, kind, label] of KIND_BY_MESSAGE) {
    if (pattern.test(message)) return { kind, code: code ?? label, unknown: false };
  }
  return { kind: 'transient', code: typeof errno === 'number' && errno > 0 ? `errno:${errno}` : code, unknown: true };
}

/**
 * Classifies and wraps any failure into a DeliveryError (one already
 * classified passes through). `scrub` removes secrets from the text.
 */
export function toDeliveryError(error: unknown, scrub: (text: string) => string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const { kind, code } = classifyMysqlError(error);
  const raw = toError(error).message;
  return new DeliveryError(kind, scrub(explainTlsFailure(code, raw)), code, { cause: error });
}
