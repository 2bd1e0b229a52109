import { DeliveryError, explainTlsFailure, NODE_ERROR_KINDS, type DeliveryErrorKind } from '@pushrail/destination-core';
import { toError } from '@pushrail/observability';

/**
 * The one table that decides what a ClickHouse failure means, by the
 * server's error code (src/Common/ErrorCodes.cpp in ClickHouse; the number
 * is stable across versions, the name is printed only by newer servers), and
 * by Node error code for the network and TLS.
 */
const KIND_BY_CODE: Readonly<Record<string, DeliveryErrorKind>> = {
  // --- permanent: the destination is misconfigured until someone fixes it ---
  '192': 'permanent', // UNKNOWN_USER
  '193': 'permanent', // WRONG_PASSWORD (18.16 and other servers before 20.x)
  '194': 'permanent', // REQUIRED_PASSWORD
  '195': 'permanent', // IP_ADDRESS_NOT_ALLOWED: the user's <networks> or HOST clause excludes us
  '516': 'permanent', // AUTHENTICATION_FAILED (newer servers say this for user and password alike)
  '60': 'permanent', // UNKNOWN_TABLE
  '81': 'permanent', // UNKNOWN_DATABASE
  '16': 'permanent', // NO_SUCH_COLUMN_IN_TABLE: the table is not the set-up guide's
  '291': 'permanent', // DATABASE_ACCESS_DENIED: the user's allow_databases lacks it (users.xml servers)
  '497': 'permanent', // ACCESS_DENIED: GRANT INSERT missing or revoked
  '164': 'permanent', // READONLY: the user's profile has readonly = 1 or 2
  '392': 'permanent', // QUERY_IS_PROHIBITED
  '115': 'permanent', // UNKNOWN_SETTING: the server lacks a setting we send (a version we misjudged)
  '48': 'permanent', // NOT_IMPLEMENTED: the table's engine cannot take inserts (a view)
  // --- transient: the server may take the same batch later ---
  '252': 'transient', // TOO_MANY_PARTS: merges are behind; inserts resume once they catch up
  '241': 'transient', // MEMORY_LIMIT_EXCEEDED
  '159': 'transient', // TIMEOUT_EXCEEDED
  '209': 'transient', // SOCKET_TIMEOUT
  '210': 'transient', // NETWORK_ERROR
  '202': 'transient', // TOO_MANY_SIMULTANEOUS_QUERIES: max_concurrent_queries reached
  '203': 'transient', // NO_FREE_CONNECTION
  '201': 'transient', // QUOTA_EXCEEDED (QUOTA_EXPIRED on old servers): the interval ends
  '242': 'transient', // TABLE_IS_READ_ONLY: a replica lost ZooKeeper/Keeper for a while
  '243': 'transient', // NOT_ENOUGH_SPACE
  '319': 'transient', // UNKNOWN_STATUS_OF_INSERT: retry; the token or the merge drops a copy
  '999': 'transient', // KEEPER_EXCEPTION
  '425': 'transient', // SYSTEM_ERROR
  '236': 'transient', // ABORTED
  '394': 'transient', // QUERY_WAS_CANCELLED (server shutting down)
  ...NODE_ERROR_KINDS, // network and TLS failures, the same for every provider
  // --- bad row: this event cannot be stored; the rest of the batch can ---
  '6': 'bad_row', // CANNOT_PARSE_TEXT
  '26': 'bad_row', // CANNOT_PARSE_QUOTED_STRING
  '27': 'bad_row', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38': 'bad_row', // CANNOT_PARSE_DATE
  '41': 'bad_row', // CANNOT_PARSE_DATETIME
  '53': 'bad_row', // TYPE_MISMATCH
  '69': 'bad_row', // ARGUMENT_OUT_OF_BOUND
  '70': 'bad_row', // CANNOT_CONVERT_TYPE
  '72': 'bad_row', // CANNOT_PARSE_NUMBER
  '117': 'bad_row', // INCORRECT_DATA: a JSONEachRow row the server cannot read
  '131': 'bad_row', // TOO_LARGE_STRING_SIZE
  '376': 'bad_row', // CANNOT_PARSE_UUID
  OUT_OF_RANGE_TIME: 'bad_row', // ours: a time the table's type cannot hold (see clickhouse-rows.ts)
};

/** Failures recognised by their text: the client's own, and Node's that lose their code on the way. */
const KIND_BY_MESSAGE: ReadonlyArray<readonly [RegExp, DeliveryErrorKind, string]> = [
  [/^Timeout error/i, 'transient', 'REQUEST_TIMEOUT'], // @clickhouse/client's request_timeout
  [/socket hang up/i, 'transient', 'ECONNRESET'],
  [/self[- ]signed certificate|unable to verify|certificate/i, 'permanent', 'TLS_VERIFICATION_FAILED'],
];

/** The server's code in an exception text: `Code: 60, e.displayText() = …` (18.16) or `Code: 60. DB::Exception: …` (newer). */
const SERVER_CODE = /^Code: (\d+)[.,]/;

/** What a failure means, and the code it was read from. */
export interface Classification {
  kind: DeliveryErrorKind;
  code: string | undefined;
  /** True when no rule matched and the error was taken as transient by default. */
  unknown: boolean;
}

function codeOf(error: unknown, message: string): string | undefined {
  const fromMessage = SERVER_CODE.exec(message)?.[1];
  if (fromMessage !== undefined) return fromMessage;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

export function classifyClickHouseError(error: unknown): Classification {
  const message = toError(error).message;
  const code = codeOf(error, message);
  if (code !== undefined) {
    const kind = KIND_BY_CODE[code];
    if (kind) return { kind, code, unknown: false };
  }
  for (const [pattern, kind, label] of KIND_BY_MESSAGE) {
    if (pattern.test(message)) return { kind, code: code ?? label, unknown: false };
  }
  return { kind: 'transient', code, unknown: true };
}

/** The server's text without its boilerplate: `Code: 60, e.displayText() = DB::Exception: X, e.what() = DB::Exception` → `X`. */
function plainMessage(message: string): string {
  return message
    .replace(/^Code: \d+[.,]\s*(e\.displayText\(\) = )?(DB::Exception: )?/, '')
    .replace(/,? e\.what\(\) = DB::Exception\s*$/, '')
    .trim();
}

/**
 * Classifies and wraps any failure into a DeliveryError whose message names
 * the code. `scrub` removes secrets from the text (the caller passes the one helper).
 */
export function toDeliveryError(error: unknown, scrub: (text: string) => string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const { kind, code } = classifyClickHouseError(error);
  const raw = plainMessage(toError(error).message);
  const text = SERVER_CODE.test(toError(error).message) ? `ClickHouse error ${code}: ${raw}` : explainTlsFailure(code, raw);
  return new DeliveryError(kind, scrub(text), code, { cause: error });
}
