import type { IdentifierLimit } from '@pushrail/destination-core';

/** MySQL's and MariaDB's limit on database and table names: 64 characters (not bytes); longer names are refused. */
export const MYSQL_IDENTIFIER_LIMIT: IdentifierLimit = { max: 64, unit: 'characters' };

/** Quotes an identifier for SQL with backticks, which mean an identifier in every sql_mode. The one place identifiers enter SQL text. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains NUL');
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * Quotes a string literal for SQL text: the set-up guide's user name, and the
 * batch statement's values. Quotes are doubled and backslashes escaped, which
 * is right in the sql_mode the writer sets on every session (no
 * NO_BACKSLASH_ESCAPES, see session-settings.ts); `\0`, CR, LF and ^Z are
 * escaped too so a statement survives any client that logs or copies it.
 */
export function quoteString(value: string): string {
  return `'${value.replace(/[\0\n\r\x1a'\\]/g, escapeChar)}'`;
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '\0':
      return '\\0';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\x1a':
      return '\\Z';
    case "'":
      return "''";
    default:
      return '\\\\';
  }
}

/** `` `database`.`table` ``. */
export function qualifiedTable(database: string, table: string): string {
  return `${quoteIdent(database)}.${quoteIdent(table)}`;
}

/** A MySQL account, `'user'@'%'`: the host part `%` lets the worker connect from any address (the set-up guide's GRANTs). */
export function accountOf(username: string): string {
  return `${quoteString(username)}@'%'`;
}
