/**
 * The statements of a SQL text as a customer pastes it (a set-up guide):
 * `--` lines dropped, split at `;`. For a server that takes one statement per
 * request (ClickHouse's HTTP interface) or an engine run statement by statement.
 */
export function sqlStatementsOf(sqlText: string): string[] {
  return sqlText
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
