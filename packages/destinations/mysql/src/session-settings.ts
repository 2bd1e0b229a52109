/**
 * What every writer session is set to before its first statement, whatever
 * the server's defaults (README, "MySQL and MariaDB"; docs/design.md, "Destinations are providers"):
 *
 * - `NAMES utf8mb4`: the connection's character set, so 4-byte characters
 *   arrive intact on a server whose default is latin1 or utf8mb3.
 * - `time_zone = '+00:00'`: DATETIME has no zone; the writer sends UTC and
 *   the column default (CURRENT_TIMESTAMP(6)) must be UTC too.
 * - `sql_mode`: a known mode. Strict, and above all without
 *   NO_BACKSLASH_ESCAPES, under which our string literals (quoteString)
 *   would read differently; without ANSI_QUOTES is not needed (backticks).
 * - `max_error_count`: SHOW WARNINGS lists at most this many; a batch of
 *   1,000 replayed rows gives 1,000 warnings 1062, and a warning other than
 *   1062 must not hide behind them.
 */
export const SESSION_SETTINGS_SQL =
  "SET NAMES utf8mb4 COLLATE utf8mb4_bin, time_zone = '+00:00', " +
  "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', " +
  'max_error_count = 65535';

/** The largest statement the server takes, in bytes: statements are split below it. */
export const MAX_PACKET_SQL = 'SELECT @@max_allowed_packet AS max_packet';

/** The warnings of the last statement. Works for a user with INSERT only. */
export const SHOW_WARNINGS_SQL = 'SHOW WARNINGS';
