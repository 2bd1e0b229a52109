import { createTableSql } from './envelope-sql';
import { accountOf, quoteIdent } from './identifiers';

/**
 * The set-up guide (`GET …/ddl`): database, table(s), user and grants, with
 * the reasons. Every statement is safe to run again: `IF NOT EXISTS` on the
 * database, the tables and the user (so an existing user keeps its
 * password), and GRANTs, which are no-ops when held.
 */
export function renderMysqlSetupGuide(options: {
  database: string;
  tables: readonly string[];
  username: string;
  authMode: 'PASSWORD' | 'RDS_IAM';
}): string {
  const account = accountOf(options.username);
  const database = quoteIdent(options.database);
  const out: string[] = [
    `-- Pushrail destination set-up for MySQL / MariaDB database ${database}.`,
    '-- Run as an administrator (a user with CREATE, CREATE USER and GRANT OPTION). Safe to run again.',
    '',
    `CREATE DATABASE IF NOT EXISTS ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;`,
    '',
    '-- Times are stored in UTC (Pushrail sets time_zone = \'+00:00\' on its sessions); text is utf8mb4.',
  ];
  for (const table of options.tables) out.push(createTableSql(options.database, table), '');
  out.push('-- The user is created only if it does not exist; an existing user keeps its password.');
  if (options.authMode === 'RDS_IAM') {
    out.push(
      '-- RDS IAM: the user logs in with a token sent by the clear-text plugin, so only over TLS (REQUIRE SSL).',
      `CREATE USER IF NOT EXISTS ${account} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL;`,
    );
  } else {
    out.push(`CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY '<choose a strong password>';`);
  }
  out.push(
    '',
    '-- The user needs INSERT on the table(s), nothing else. Pushrail writes with INSERT IGNORE',
    '-- (a row whose event_id is already there is skipped; ON DUPLICATE KEY UPDATE would need UPDATE)',
    '-- and refuses any row the server would store altered: it reads every statement\'s warnings.',
    '-- It never reads, updates or deletes.',
  );
  for (const table of options.tables) out.push(`GRANT INSERT ON ${database}.${quoteIdent(table)} TO ${account};`);
  out.push(
    '',
    '-- Optional, with tableMode per_event_type and autoCreateTables: true: lets Pushrail create the',
    '-- table of a new event type itself (the same CREATE TABLE as above) and write to it; MySQL gives',
    '-- a table\'s creator no privileges on it, so INSERT is granted on the whole database.',
    `-- GRANT CREATE, INSERT ON ${database}.* TO ${account};`,
    '',
  );
  return out.join('\n');
}
