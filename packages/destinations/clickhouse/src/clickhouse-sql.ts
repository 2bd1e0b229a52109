import { createHash } from 'node:crypto';
import { qualifiedTable, quoteIdent, quoteLiteral } from './identifiers';
import type { ClickHouseFeatures } from './server-features';

/** The columns Pushrail writes, in the order of the INSERT (README, "ClickHouse"). */
export const CLICKHOUSE_COLUMNS = [
  'event_id',
  'event_type',
  'occurred_at',
  'customer_external_id',
  'source',
  'payload',
  'metadata',
  'received_at',
] as const;

/** The best UTC time type the server has: milliseconds (DateTime64, 20.1) or whole seconds (DateTime, before). */
export function timeTypeOf(features: Pick<ClickHouseFeatures, 'dateTime64'>): string {
  return features.dateTime64 ? "DateTime64(3, 'UTC')" : "DateTime('UTC')";
}

/** The column list of the table, one per line. */
function columnDefinitions(features: Pick<ClickHouseFeatures, 'dateTime64' | 'lowCardinality'>): string {
  const time = timeTypeOf(features);
  return [
    '  event_id UUID',
    `  event_type ${features.lowCardinality ? 'LowCardinality(String)' : 'String'}`,
    `  occurred_at ${time}`,
    '  customer_external_id Nullable(String)',
    '  source String',
    // JSON text: the server's JSON type, where it has one, is the customer's choice (README, "ClickHouse").
    '  payload String',
    '  metadata Nullable(String)',
    `  received_at ${time}`,
  ].join(',\n');
}

/**
 * The table on one server: ReplacingMergeTree ordered by `event_id` alone,
 * so rows of one event collapse at merges (a sort key with a time in it
 * would keep them apart forever). Where insert tokens exist, the table keeps
 * the tokens of its last 1000 inserts, so a retried batch is dropped whole.
 */
export function createTableSql(database: string, table: string, features: ClickHouseFeatures): string {
  const settings = features.insertDeduplicationToken ? '\nSETTINGS non_replicated_deduplication_window = 1000' : '';
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(database, table)}\n(\n${columnDefinitions(features)}\n)\nENGINE = ReplacingMergeTree\nORDER BY event_id${settings};`;
}

/**
 * The cluster form: a ReplicatedReplacingMergeTree table on every node
 * (`<table>_local`) and a Distributed table in front of it that Pushrail
 * writes to, sharded by a hash of `event_id`, so every copy of an event
 * lands on the same shard and collapses there.
 */
export function createClusterTablesSql(database: string, table: string, features: ClickHouseFeatures, cluster = '{cluster}'): string[] {
  const local = `${table}_local`;
  const onCluster = `ON CLUSTER ${quoteLiteral(cluster)}`;
  const zkPath = quoteLiteral(`/clickhouse/tables/{shard}/${database}/${local}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${qualifiedTable(database, local)} ${onCluster}\n(\n${columnDefinitions(features)}\n)\nENGINE = ReplicatedReplacingMergeTree(${zkPath}, '{replica}')\nORDER BY event_id;`,
    `CREATE TABLE IF NOT EXISTS ${qualifiedTable(database, table)} ${onCluster}\nAS ${qualifiedTable(database, local)}\nENGINE = Distributed(${quoteLiteral(cluster)}, ${quoteIdent(database)}, ${quoteIdent(local)}, cityHash64(event_id));`,
  ];
}

/**
 * The INSERT of a batch: the columns named (so a table missing one is
 * refused before any row is read), rows as JSONEachRow in the body.
 */
export function insertSql(database: string, table: string): string {
  return `INSERT INTO ${qualifiedTable(database, table)} (${CLICKHOUSE_COLUMNS.join(', ')}) FORMAT JSONEachRow`;
}

/**
 * The settings of a batch's INSERT, for the server's features: times as ISO
 * 8601 where the server parses them (best_effort), and the batch's token
 * where the server has tokens. `async_insert` is set off explicitly there: a
 * batch is already one large insert, and the server's buffer would only add
 * a window in which an acknowledged batch is not yet stored.
 */
export function insertSettings(features: ClickHouseFeatures, token: string | undefined): Record<string, string | number> {
  return {
    ...(features.bestEffortTimes ? { date_time_input_format: 'best_effort' } : {}),
    ...(token !== undefined && features.insertDeduplicationToken
      ? { insert_deduplicate: 1, insert_deduplication_token: token, async_insert: 0 }
      : {}),
  };
}

/**
 * A batch's `insert_deduplication_token`: the same events in the same table
 * give the same token, so a retried batch is dropped whole by the server
 * (where the table keeps tokens). SHA-256 of the table and the ids, hex.
 */
export function deduplicationToken(table: string, ids: readonly string[]): string {
  const hash = createHash('sha256').update(table).update('\n');
  for (const id of ids) hash.update(id).update('\n');
  return hash.digest('hex');
}

/** Guide lines as SQL comments; none holds a `;`, so a statement splitter never cuts inside one. */
function comments(lines: readonly string[]): string[] {
  return lines.map((line) => (line === '' ? '--' : `-- ${line}`));
}

/** Options of {@link renderSetupGuide}. */
export interface SetupGuideOptions {
  database: string;
  tables: readonly string[];
  username: string;
  features: ClickHouseFeatures;
}

/**
 * The statements a customer runs as an administrator, for the server
 * version given: the database, a table per name, and the writer user. Safe
 * to run twice. Text after `--` is commentary (the users.xml form on
 * servers without SQL users, the cluster form).
 */
export function renderSetupGuide(options: SetupGuideOptions): string {
  const { database, tables, username, features } = options;
  const user = quoteIdent(username);
  const out: string[] = [
    ...comments([
      `Pushrail destination set-up for ClickHouse ${features.version}, database ${database}.`,
      'Run as an administrator. Safe to run again.',
      'Rows of one event_id collapse into one at merges (ReplacingMergeTree ordered by event_id alone):',
      'read with FINAL, or argMax(..., received_at) grouped by event_id, to see no duplicate before a merge.',
    ]),
    '',
    `CREATE DATABASE IF NOT EXISTS ${quoteIdent(database)};`,
    '',
  ];
  for (const table of tables) out.push(createTableSql(database, table, features), '');
  if (features.sqlUsers) {
    out.push(
      ...comments(['The writer: INSERT on these tables and nothing else (it never reads, alters or creates).']),
      `CREATE USER IF NOT EXISTS ${user} IDENTIFIED WITH sha256_password BY '<choose a strong password>';`,
      ...tables.map((table) => `GRANT INSERT ON ${qualifiedTable(database, table)} TO ${user};`),
    );
  } else {
    out.push(
      ...comments([
        `ClickHouse ${features.version} has no SQL users and no GRANT: add the writer to users.xml`,
        '(or a file of its own in users.d/), then the server reloads it within seconds:',
        '',
        '<yandex>',
        '  <profiles>',
        '    <pushrail_insert><allow_ddl>0</allow_ddl></pushrail_insert>',
        '  </profiles>',
        '  <users>',
        `    <${username}>`,
        '      <password_sha256_hex>(echo -n PASSWORD | sha256sum)</password_sha256_hex>',
        '      <networks><ip>::/0</ip></networks>',
        '      <profile>pushrail_insert</profile>',
        '      <quota>default</quota>',
        `      <allow_databases><database>${database}</database></allow_databases>`,
        `    </${username}>`,
        '  </users>',
        '</yandex>',
        '',
        'What this user can do on this version: INSERT and SELECT in this database only, no other',
        'database. allow_ddl = 0 refuses CREATE, ALTER and DROP (and SET allow_ddl = 1), but the server',
        'still takes allow_ddl=1 as a URL parameter, so it guards against mistakes, not against a',
        'stolen password. Keep only Pushrail tables in this database. There is no INSERT-only user',
        'before ClickHouse 20.5 (readonly = 1 or 2 forbids INSERT too).',
      ]),
    );
  }
  const cluster = createClusterTablesSql(database, tables[0] ?? 'events', features).flatMap((sql) => sql.replace(/;$/, '').split('\n'));
  out.push(
    '',
    ...comments([
      'On a cluster: instead of the CREATE TABLE above, a replicated table on every node and a',
      'Distributed table in front of it, sharded by a hash of event_id (set the destination table to',
      `${tables[0] ?? 'events'}, the Distributed one), then the user and grant ON CLUSTER. Each statement ends at its last line:`,
      '',
      ...cluster,
    ]),
    '',
  );
  return out.join('\n');
}
