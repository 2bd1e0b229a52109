import {
  configuredTlsCheck,
  connectionTestEvent,
  DeliveryError,
  deliveryErrorClassifier,
  groupEventsByTable,
  runConnectionTest,
  type DestinationTestReport,
  type DestinationWriter,
  type WriteOutcome,
  type WriterOptions,
} from '@pushrail/destination-core';
import { decodeEvents, type EncodedEvents, type QueuedEvent } from '@pushrail/events';
import { scrubSecrets } from '@pushrail/observability';
import { Pool, type PoolClient } from 'pg';
import { toDeliveryError } from './classify-pg-error';
import { poolConfigFor } from './connection-options';
import { createTableSql, insertBatchParams, insertBatchSql, insertEncodedParams, insertEncodedSql } from './envelope-sql';
import { qualifiedTable, quoteIdent } from './identifiers';
import type { PostgresDestinationConfig } from './postgres-destination-config';
import { postgresTableFor } from './postgres-tables';

/** SQLSTATE of a table that does not exist (undefined_table). */
const UNDEFINED_TABLE = '42P01';
/** SQLSTATE of a privilege the role lacks (insufficient_privilege). */
const INSUFFICIENT_PRIVILEGE = '42501';

/** Delivers batches into one customer PostgreSQL table (or one per event type). */
export class PostgresWriter implements DestinationWriter {
  private poolPromise: Promise<Pool> | undefined;

  constructor(
    readonly config: PostgresDestinationConfig,
    private readonly options: WriterOptions,
  ) {}

  private pool(): Promise<Pool> {
    this.poolPromise ??= (async () => {
      try {
        const poolConfig = await poolConfigFor(this.config, this.options, {
          max: this.options.maxConnections ?? this.config.maxConnections,
        });
        const pool = new Pool(poolConfig);
        // An idle connection that dies (server restart) must not crash the process; the next query reconnects.
        pool.on('error', (error) => this.options.onConnectionError?.(error));
        return pool;
      } catch (error) {
        this.poolPromise = undefined;
        throw error;
      }
    })();
    return this.poolPromise;
  }

  /**
   * One table: one statement that PostgreSQL unpacks (insertEncodedSql), the
   * worker's hot path. Per-event-type tables need each event's type, so the
   * events are decoded and written table by table in one transaction.
   */
  async write(batch: EncodedEvents): Promise<WriteOutcome> {
    const count = batch.ids.length;
    if (count === 0) return { inserted: 0, skipped: 0, rejected: [] };
    try {
      const pool = await this.pool();
      if (this.config.tableMode === 'per_event_type') return await this.writeTables(pool, groupEventsByTable(decodeEvents(batch), (type) => postgresTableFor(this.config, type)));
      const result = await pool.query(insertEncodedSql(this.config.schema, this.config.table), insertEncodedParams(batch));
      const inserted = result.rowCount ?? 0;
      return { inserted, skipped: count - inserted, rejected: [] };
    } catch (error) {
      throw this.classify(error);
    }
  }

  /**
   * Several tables, one transaction: each table's rows are one statement under
   * a savepoint, so a table that is missing or refuses rows rejects only its
   * own events; a transient failure rolls everything back.
   */
  private async writeTables(pool: Pool, groups: Map<string, QueuedEvent[]>): Promise<WriteOutcome> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const outcome: WriteOutcome = { inserted: 0, skipped: 0, rejected: [] };
      for (const [table, group] of groups) {
        try {
          const inserted = await this.insertUnderSavepoint(client, table, group);
          outcome.inserted += inserted;
          outcome.skipped += group.length - inserted;
        } catch (error) {
          const classified = this.classify(error);
          if (classified.kind === 'transient') throw classified;
          outcome.rejected.push({ events: group, error: classified });
        }
      }
      await client.query('COMMIT');
      return outcome;
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A connection that failed mid-transaction is discarded, not reused.
      client.release(broken);
    }
  }

  /** Rows `group` added to `table`; a missing table is created first when autoCreateTables allows it. */
  private async insertUnderSavepoint(client: PoolClient, table: string, group: QueuedEvent[]): Promise<number> {
    const { schema } = this.config;
    await client.query('SAVEPOINT pushrail_table');
    try {
      const result = await client.query(insertBatchSql(schema, table), insertBatchParams(group));
      await client.query('RELEASE SAVEPOINT pushrail_table');
      return result.rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT pushrail_table');
      if (!this.config.autoCreateTables || (error as { code?: unknown }).code !== UNDEFINED_TABLE) throw error;
    }
    try {
      await client.query(createTableSql(schema, table));
      const result = await client.query(insertBatchSql(schema, table), insertBatchParams(group));
      await client.query('RELEASE SAVEPOINT pushrail_table');
      return result.rowCount ?? 0;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT pushrail_table');
      if ((error as { code?: unknown }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      throw new DeliveryError(
        'permanent',
        `table ${qualifiedTable(schema, table)} does not exist and autoCreateTables could not create it: ` +
          `run the set-up guide for it, or GRANT CREATE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(this.config.auth.username)}`,
        INSUFFICIENT_PRIVILEGE,
        { cause: error },
      );
    }
  }

  private readonly classify = deliveryErrorClassifier((error) => toDeliveryError(error, scrubSecrets));

  test(options: { eventType?: string } = {}): Promise<DestinationTestReport> {
    const eventType = options.eventType ?? 'pushrail.test';
    const table = postgresTableFor(this.config, eventType);
    return runConnectionTest({
      host: this.config.host,
      username: this.config.auth.username,
      classify: this.classify,
      checkHost: () => this.pool(),
      open: (pool) => pool.connect(),
      tls: () => configuredTlsCheck(this.config),
      insert: async (client: PoolClient) => {
        try {
          await client.query('BEGIN');
          await client.query(insertBatchSql(this.config.schema, table), insertBatchParams([connectionTestEvent(eventType)]));
          return `INSERT into ${this.config.schema}.${table} works (rolled back)`;
        } finally {
          await client.query('ROLLBACK').catch(() => undefined);
        }
      },
      release: (client) => client.release(),
    });
  }

  async close(): Promise<void> {
    const poolPromise = this.poolPromise;
    this.poolPromise = undefined;
    if (!poolPromise) return;
    const pool = await poolPromise.catch(() => undefined);
    await pool?.end();
  }
}
