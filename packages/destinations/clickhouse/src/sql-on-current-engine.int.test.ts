// The statements written for servers newer than the 18.16 the conformance
// suite runs on (DateTime64, LowCardinality, insert_deduplication_token,
// SQL users), run on a current ClickHouse engine: chdb embeds one in this
// process, no server. It checks the SQL text alone; the HTTP path is the
// conformance suite's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { QueuedEvent } from '@pushrail/events';
import { sqlStatementsOf } from '@pushrail/testing';
import { Session } from 'chdb';
import { rowsOf } from './clickhouse-rows';
import { createClusterTablesSql, createTableSql, deduplicationToken, insertSettings, insertSql, renderSetupGuide } from './clickhouse-sql';
import { qualifiedTable } from './identifiers';
import { featuresOf } from './server-features';

const DATABASE = 'analytics';
const TABLE = 'events';

let dir: string;
let session: Session;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pushrail-chdb-'));
  session = new Session(path.join(dir, 'data'));
});

afterAll(() => {
  session.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (sql: string): string => session.query(sql, 'JSONEachRow');

/** `INSERT … (cols) SETTINGS k = v, … FORMAT JSONEachRow` + rows: what the writer sends, with its settings in the text. */
function insertText(table: string, events: QueuedEvent[], token: string): string {
  const features = featuresOf(engineVersion());
  const settings = Object.entries(insertSettings(features, token))
    .map(([key, value]) => `${key} = ${typeof value === 'number' ? value : `'${value}'`}`)
    .join(', ');
  const rows = rowsOf(events, features).map((row) => JSON.stringify(row)).join('\n');
  return `${insertSql(DATABASE, table).replace(' FORMAT JSONEachRow', ` SETTINGS ${settings} FORMAT JSONEachRow`)}\n${rows}`;
}

function engineVersion(): string {
  return (JSON.parse(run('SELECT version() AS v')) as { v: string }).v;
}

function event(i: number, payload: Record<string, unknown> = { n: i, text: 'naïve 🙂' }): QueuedEvent {
  return {
    id: randomUUID(),
    receivedAt: Date.UTC(2026, 4, 26, 14, 21, 9, 7),
    event: { eventType: 'order.completed', occurredAt: `2026-05-26T14:21:08.${String(100 + i).padStart(3, '0')}Z`, source: 'billing', payload, metadata: { tier: 'pro' } },
  };
}

const count = (table: string, final = ''): number =>
  Number((JSON.parse(run(`SELECT count() AS n FROM ${qualifiedTable(DATABASE, table)} ${final}`)) as { n: string }).n);

describe('the SQL written for current ClickHouse, on a current engine (chdb)', () => {
  it('runs on a server with every feature', () => {
    const features = featuresOf(engineVersion());
    expect(features).toMatchObject({ dateTime64: true, lowCardinality: true, insertDeduplicationToken: true, sqlUsers: true });
  });

  it('runs the set-up guide twice; its user and grant statements parse (chdb keeps no users)', () => {
    const guide = renderSetupGuide({ database: DATABASE, tables: [TABLE], username: 'pushrail', features: featuresOf(engineVersion()) });
    for (let pass = 0; pass < 2; pass++) {
      for (const statement of sqlStatementsOf(guide)) {
        if (/^(CREATE USER|GRANT)/.test(statement)) run(`EXPLAIN AST ${statement}`);
        else run(statement);
      }
    }
    const columns = run(`SELECT name, type FROM system.columns WHERE database = '${DATABASE}' AND table = '${TABLE}' ORDER BY position`)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { name: string; type: string });
    expect(columns).toEqual([
      { name: 'event_id', type: 'UUID' },
      { name: 'event_type', type: 'LowCardinality(String)' },
      { name: 'occurred_at', type: "DateTime64(3, 'UTC')" },
      { name: 'customer_external_id', type: 'Nullable(String)' },
      { name: 'source', type: 'String' },
      { name: 'payload', type: 'String' },
      { name: 'metadata', type: 'Nullable(String)' },
      { name: 'received_at', type: "DateTime64(3, 'UTC')" },
    ]);
    expect(guide).toContain(`GRANT INSERT ON \`${DATABASE}\`.\`${TABLE}\` TO \`pushrail\`;`);
  });

  it('parses the cluster form: ReplicatedReplacingMergeTree under a Distributed table sharded by event_id', () => {
    const [local, distributed] = createClusterTablesSql(DATABASE, TABLE, featuresOf(engineVersion()));
    expect(run(`EXPLAIN AST ${local!.replace(/;$/, '')}`)).toContain('ReplicatedReplacingMergeTree');
    expect(run(`EXPLAIN AST ${distributed!.replace(/;$/, '')}`)).toContain('Distributed');
    expect(distributed).toContain('cityHash64(event_id)');
  });

  it('stores a batch with millisecond times, and drops a retry of it by its deduplication token', () => {
    const table = 'tokens';
    run(createTableSql(DATABASE, table, featuresOf(engineVersion())));
    const batch = [event(1), event(2), event(3)];
    const token = deduplicationToken(table, batch.map((e) => e.id));
    run(insertText(table, batch, token));
    run(insertText(table, batch, token));
    expect(count(table)).toBe(3);
    const first = JSON.parse(run(`SELECT * FROM ${qualifiedTable(DATABASE, table)} WHERE event_id = '${batch[0]!.id}'`)) as Record<string, string>;
    expect(first).toMatchObject({ event_type: 'order.completed', occurred_at: '2026-05-26 14:21:08.101', received_at: '2026-05-26 14:21:09.007' });
    expect(JSON.parse(first.payload!)).toEqual(batch[0]!.event.payload);
  });

  it('keeps one row per event after OPTIMIZE FINAL when a replay comes in another batch (another token)', () => {
    const table = 'replays';
    run(createTableSql(DATABASE, table, featuresOf(engineVersion())));
    const original = event(1);
    const replay = { ...original, event: { ...original.event, payload: { changed: true } } };
    const other = event(2);
    run(insertText(table, [original], deduplicationToken(table, [original.id])));
    run(insertText(table, [replay, other], deduplicationToken(table, [replay.id, other.id])));
    expect(count(table)).toBe(3);
    expect(count(table, 'FINAL')).toBe(2);
    run(`OPTIMIZE TABLE ${qualifiedTable(DATABASE, table)} FINAL`);
    expect(count(table)).toBe(2);
  });
});
