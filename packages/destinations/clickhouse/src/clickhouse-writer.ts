import {
  configuredTlsCheck,
  DeliveryError,
  deliveryErrorClassifier,
  groupEventsByTable,
  resolveDestinationHost,
  runConnectionTest,
  type DestinationTestReport,
  type DestinationWriter,
  type WriteOutcome,
  type WriterOptions,
} from '@pushrail/destination-core';
import { decodeEvents, type EncodedEvents, type QueuedEvent } from '@pushrail/events';
import { scrubSecrets } from '@pushrail/observability';
import { toDeliveryError } from './classify-clickhouse-error';
import { connectClickHouse, type ClickHouseConnection } from './clickhouse-connection';
import type { ClickHouseDestinationConfig } from './clickhouse-destination-config';
import { rowsOf } from './clickhouse-rows';
import { CLICKHOUSE_COLUMNS, deduplicationToken, insertSettings, insertSql } from './clickhouse-sql';
import { clickhouseTableFor, qualifiedTable } from './identifiers';
import { featuresOf, type ClickHouseFeatures } from './server-features';

/** A connection and what its server can do (read once, at connect). */
interface Session extends ClickHouseConnection {
  features: ClickHouseFeatures;
}

/** The events of a batch without repeats of an id (the first copy kept), and how many repeats there were. */
function withoutRepeats(events: readonly QueuedEvent[]): { unique: QueuedEvent[]; repeats: number } {
  const seen = new Set<string>();
  const unique = events.filter((queued) => !seen.has(queued.id) && seen.add(queued.id));
  return { unique, repeats: events.length - unique.length };
}

/**
 * Delivers batches into a customer's ClickHouse table (or one per event
 * type): one INSERT of the batch's rows per table, JSONEachRow over HTTP
 * (README, "ClickHouse"). ClickHouse has no unique key: an event
 * written twice is two rows until ReplacingMergeTree merges them; where the
 * server has `insert_deduplication_token`, a retried batch carries the same
 * token and the server drops it whole.
 */
export class ClickHouseWriter implements DestinationWriter {
  private sessionPromise: Promise<Session> | undefined;

  constructor(
    readonly config: ClickHouseDestinationConfig,
    private readonly options: WriterOptions,
  ) {}

  /** Connects on first use and reads the server's version; a failure is retried on the next call. */
  private session(): Promise<Session> {
    this.sessionPromise ??= (async () => {
      const connection = await connectClickHouse(this.config, this.options);
      try {
        const result = await connection.client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
        const [row] = await result.json<{ version: string }>();
        return { ...connection, features: featuresOf(row?.version ?? '0.0') };
      } catch (error) {
        await connection.client.close().catch(() => undefined);
        connection.agent.destroy();
        throw error;
      }
    })();
    this.sessionPromise.catch(() => {
      this.sessionPromise = undefined;
    });
    return this.sessionPromise;
  }

  async write(batch: EncodedEvents): Promise<WriteOutcome> {
    if (batch.ids.length === 0) return { inserted: 0, skipped: 0, rejected: [] };
    try {
      const session = await this.session();
      const { unique, repeats } = withoutRepeats(decodeEvents(batch));
      if (this.config.tableMode === 'single') {
        const inserted = await this.insert(session, this.config.table, unique);
        return { inserted, skipped: repeats + unique.length - inserted, rejected: [] };
      }
      return await this.writeTables(session, groupEventsByTable(unique, (type) => clickhouseTableFor(this.config, type)), repeats);
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * One INSERT per table. ClickHouse has no transaction across them: a table
   * that refuses its rows rejects only its own events; a transient failure
   * is thrown, and the retry writes again the tables that had committed
   * (their copies collapse at merge, or are dropped by their token).
   */
  private async writeTables(session: Session, groups: Map<string, QueuedEvent[]>, repeats: number): Promise<WriteOutcome> {
    const outcome: WriteOutcome = { inserted: 0, skipped: repeats, rejected: [] };
    for (const [table, group] of groups) {
      try {
        const inserted = await this.insert(session, table, group);
        outcome.inserted += inserted;
        outcome.skipped += group.length - inserted;
      } catch (error) {
        const classified = this.classify(error);
        if (classified.kind === 'transient') throw classified;
        outcome.rejected.push({ events: group, error: classified });
      }
    }
    return outcome;
  }

  /**
   * Inserts the events into `table`; returns the rows the server wrote.
   * With a deduplication token, a batch the server has seen is dropped and
   * its summary says 0 rows written; without one the server cannot tell, so
   * every row counts as inserted (its copy collapses at merge).
   */
  private async insert(session: Session, table: string, events: QueuedEvent[]): Promise<number> {
    const { features, client } = session;
    const token = features.insertDeduplicationToken ? deduplicationToken(table, events.map((e) => e.id)) : undefined;
    const result = await client.insert({
      table: qualifiedTable(this.config.database, table),
      columns: [...CLICKHOUSE_COLUMNS],
      format: 'JSONEachRow',
      values: rowsOf(events, features),
      clickhouse_settings: insertSettings(features, token),
    });
    const written = token !== undefined ? Number(result.summary?.written_rows) : Number.NaN;
    return Number.isInteger(written) && written >= 0 && written <= events.length ? written : events.length;
  }

  private readonly classify = deliveryErrorClassifier((error) => toDeliveryError(error, scrubSecrets));

  /**
   * The checks of a connection test: the host is allowed, the user logs in
   * (`SELECT version()`), TLS, and an INSERT that names every column and
   * carries no row. The server checks the table, each column and the
   * user's right to insert before it reads any row, so the check leaves
   * nothing behind and needs no privilege the writer lacks.
   */
  test(options: { eventType?: string } = {}): Promise<DestinationTestReport> {
    const table = clickhouseTableFor(this.config, options.eventType ?? 'pushrail.test');
    return runConnectionTest({
      host: this.config.host,
      username: this.config.auth.username,
      classify: this.classify,
      checkHost: () => resolveDestinationHost(this.config.host, { allowPrivateHosts: this.options.allowPrivateHosts }),
      open: () => this.session(),
      connectedTo: (session: Session) => `to ClickHouse ${session.features.version}`,
      tls: () => configuredTlsCheck(this.config),
      insert: async (session) => {
        await session.client.command({ query: insertSql(this.config.database, table) });
        return `INSERT into ${this.config.database}.${table} is allowed (no row sent)`;
      },
      // The session is the writer's own, kept for its writes; close() ends it.
      release: () => undefined,
    });
  }

  async close(): Promise<void> {
    const sessionPromise = this.sessionPromise;
    this.sessionPromise = undefined;
    if (!sessionPromise) return;
    const session = await sessionPromise.catch(() => undefined);
    if (!session) return;
    await session.client.close();
    session.agent.destroy();
  }
}
