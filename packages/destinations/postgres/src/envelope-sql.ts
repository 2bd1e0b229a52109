import { envelopesJsonOf, type EncodedEvents, type QueuedEvent } from '@pushrail/events';
import { qualifiedTable, quoteIdent, quoteLiteral } from './identifiers';

/**
 * The envelope's columns, in insert order, with the array type each is sent
 * as. One list, so the INSERT, the DDL and the parameters cannot drift apart.
 */
export const ENVELOPE_COLUMNS = [
  { name: 'event_id', arrayType: 'uuid[]', ddl: 'UUID PRIMARY KEY' },
  { name: 'event_type', arrayType: 'text[]', ddl: 'TEXT NOT NULL' },
  { name: 'occurred_at', arrayType: 'timestamptz[]', ddl: 'TIMESTAMPTZ NOT NULL' },
  { name: 'customer_external_id', arrayType: 'text[]', ddl: 'TEXT' },
  { name: 'source', arrayType: 'text[]', ddl: 'TEXT NOT NULL' },
  { name: 'payload', arrayType: 'json-array', ddl: 'JSONB NOT NULL' },
  { name: 'metadata', arrayType: 'json-array', ddl: 'JSONB' },
  { name: 'received_at', arrayType: 'timestamptz[]', ddl: 'TIMESTAMPTZ NOT NULL DEFAULT now()' },
] as const;

/**
 * One statement for a whole batch: one round trip and one plan.
 *
 * `ON CONFLICT DO NOTHING` has no conflict target on purpose: naming one
 * (`ON CONFLICT (event_id)`) needs SELECT on the column, and the writer role
 * has INSERT only. Without a target PostgreSQL skips any row that would break
 * a unique constraint; the primary key is the envelope's only one, so the two
 * mean the same here. No RETURNING either (it needs SELECT): the row count
 * says how many were new.
 */
export function insertBatchSql(schema: string, table: string): string {
  const columns = ENVELOPE_COLUMNS.map((c) => c.name).join(', ');
  const arrays = ENVELOPE_COLUMNS.map((c, i) => unnestArgument(c.arrayType, i + 1)).join(', ');
  return `INSERT INTO ${qualifiedTable(schema, table)} (${columns}) SELECT * FROM unnest(${arrays}) ON CONFLICT DO NOTHING`;
}

/**
 * One argument of `unnest`. The JSON columns travel as ONE JSON array text
 * each (`[{…},{…}]`, made by a single JSON.stringify) turned into a jsonb[]
 * on the server, instead of a jsonb[] array literal: node-postgres escapes
 * every quote of every element of an array literal in JavaScript, which was
 * the worker's largest cost per event (bench/RESULTS.md). The order is kept
 * (WITH ORDINALITY), and a JSON null element becomes SQL NULL.
 */
function unnestArgument(arrayType: (typeof ENVELOPE_COLUMNS)[number]['arrayType'], n: number): string {
  if (arrayType !== 'json-array') return `$${n}::${arrayType}`;
  return `ARRAY(SELECT NULLIF(e.value, 'null'::jsonb) FROM jsonb_array_elements($${n}::jsonb) WITH ORDINALITY AS e(value, i) ORDER BY e.i)`;
}

/** The statement's parameters, in ENVELOPE_COLUMNS order: an array per column, JSON columns as one JSON array text. */
export function insertBatchParams(events: readonly QueuedEvent[]): unknown[] {
  const n = events.length;
  const ids = new Array<string>(n);
  const types = new Array<string>(n);
  const occurred = new Array<string>(n);
  const customers = new Array<string | null>(n);
  const sources = new Array<string>(n);
  const payloads = new Array<unknown>(n);
  const metadata = new Array<unknown>(n);
  const received = new Array<string>(n);
  // Events of one request or group-commit round share their receivedAt: format each instant once.
  let lastReceivedAt = Number.NaN;
  let lastReceivedIso = '';
  for (let i = 0; i < n; i++) {
    const queued = events[i]!;
    const e = queued.event;
    ids[i] = queued.id;
    types[i] = e.eventType;
    occurred[i] = e.occurredAt;
    customers[i] = e.customerExternalId ?? null;
    sources[i] = e.source;
    payloads[i] = e.payload;
    metadata[i] = e.metadata ?? null;
    if (queued.receivedAt !== lastReceivedAt) {
      lastReceivedAt = queued.receivedAt;
      lastReceivedIso = new Date(lastReceivedAt).toISOString();
    }
    received[i] = lastReceivedIso;
  }
  return [ids, types, occurred, customers, sources, JSON.stringify(payloads), JSON.stringify(metadata), received];
}

/**
 * The batch statement for encoded events (EncodedEvents): the ids and receive
 * times as two arrays, the envelopes as ONE jsonb parameter that PostgreSQL
 * takes apart, so the worker neither walks the events nor escapes them into
 * per-column arrays. The envelopes are paired with the ids by position
 * (unnest of three arrays of one length; WITH ORDINALITY keeps their order),
 * and a mismatch cannot write a row to the wrong id: a shorter side is padded
 * with NULLs, which the NOT NULL columns refuse. The columns and their values
 * are the same as insertBatchSql's, field for field.
 */
export function insertEncodedSql(schema: string, table: string): string {
  const columns = ENVELOPE_COLUMNS.map((c) => c.name).join(', ');
  return (
    `INSERT INTO ${qualifiedTable(schema, table)} (${columns}) ` +
    `SELECT q.id, q.e->>'eventType', (q.e->>'occurredAt')::timestamptz, q.e->>'customerExternalId', q.e->>'source', ` +
    `q.e->'payload', NULLIF(q.e->'metadata', 'null'::jsonb), 'epoch'::timestamptz + q.ms * interval '1 millisecond' ` +
    `FROM unnest($1::uuid[], $2::int8[], ARRAY(SELECT x.value FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS x(value, i) ORDER BY x.i)) AS q(id, ms, e) ` +
    'ON CONFLICT DO NOTHING'
  );
}

/**
 * jsonb's binary input format (jsonb_recv): a version byte, 1, then the JSON
 * text in UTF-8. node-postgres sends a Buffer parameter in binary format.
 */
const JSONB_BINARY_VERSION = Buffer.from([1]);

/**
 * insertEncodedSql's parameters. The two arrays are written as array literals
 * here: UUIDs (checked when the job was read) and integers need no quoting,
 * which spares pg escaping each element. The envelopes go as bytes, in jsonb's
 * binary format, so pg does not encode a ~340 KB string per batch again;
 * joining the jobs' arrays behind the version byte is their one copy.
 */
export function insertEncodedParams(events: EncodedEvents): unknown[] {
  return [`{${events.ids.join(',')}}`, `{${events.receivedAt.join(',')}}`, envelopesJsonOf(events, JSONB_BINARY_VERSION)];
}

/** The CREATE TABLE of one envelope table. */
export function createTableSql(schema: string, table: string): string {
  const lines = ENVELOPE_COLUMNS.map((c) => `  ${c.name.padEnd(20)} ${c.ddl}`);
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(schema, table)} (\n${lines.join(',\n')}\n);`;
}

/**
 * The set-up guide (`GET …/ddl`): schema, table(s), role and grants, with
 * the reasons. Every statement is safe to run again, so a customer adding a
 * second table or destination pastes it as it is: `IF NOT EXISTS` where
 * PostgreSQL has it, a guarded block that creates the role only when it is
 * missing (never touching an existing role's password), and GRANTs, which
 * are no-ops when held.
 */
export function renderCustomerDdl(options: {
  schema: string;
  tables: readonly string[];
  username: string;
  authMode: 'PASSWORD' | 'RDS_IAM';
  database: string;
}): string {
  const role = quoteIdent(options.username);
  const out: string[] = [
    `-- Pushrail destination set-up for database ${quoteIdent(options.database)}.`,
    '-- Run as a user that owns the schema (or a superuser). Safe to run again.',
    '',
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)};`,
    '',
  ];
  for (const table of options.tables) out.push(createTableSql(options.schema, table), '');
  const login = options.authMode === 'RDS_IAM' ? 'LOGIN' : "LOGIN PASSWORD '<choose a strong password>'";
  out.push(
    '-- The writer role needs INSERT on the table(s) and USAGE on the schema, nothing else.',
    '-- Pushrail writes with INSERT ... ON CONFLICT DO NOTHING and no conflict target:',
    '-- a target (ON CONFLICT (event_id)) would need SELECT, and RETURNING would too.',
    '-- It never reads, updates, deletes, or creates temporary tables.',
    '-- The role is created only if it does not exist; an existing role keeps its password.',
    'DO $pushrail$',
    'BEGIN',
    `  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${quoteLiteral(options.username)}) THEN`,
    `    CREATE ROLE ${role} ${login};`,
    '  END IF;',
    'END',
    '$pushrail$;',
  );
  if (options.authMode === 'RDS_IAM') out.push(`GRANT rds_iam TO ${role};  -- lets the role log in with IAM tokens`);
  out.push(`GRANT USAGE ON SCHEMA ${quoteIdent(options.schema)} TO ${role};`);
  for (const table of options.tables) out.push(`GRANT INSERT ON ${qualifiedTable(options.schema, table)} TO ${role};`);
  out.push(
    '',
    '-- Optional, with tableMode per_event_type and autoCreateTables: true: lets Pushrail',
    '-- create the table of a new event type itself (the same CREATE TABLE as above).',
    `-- GRANT CREATE ON SCHEMA ${quoteIdent(options.schema)} TO ${role};`,
    '',
    '-- Optional hardening: stop every role from creating temporary tables here.',
    `-- REVOKE TEMPORARY ON DATABASE ${quoteIdent(options.database)} FROM PUBLIC;`,
    '',
  );
  return out.join('\n');
}
