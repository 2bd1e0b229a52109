import {
  connectionTestEvent,
  DeliveryError,
  deliveryErrorClassifier,
  groupEventsByTable,
  runConnectionTest,
  type DestinationCheck,
  type DestinationTestReport,
  type DestinationWriter,
  type WriteOutcome,
  type WriterOptions,
} from '@pushrail/destination-core';
import { decodeEvents, type EncodedEvents, type QueuedEvent } from '@pushrail/events';
import { scrubSecrets, toError } from '@pushrail/observability';
import { createPool, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { DUPLICATE_KEY, toDeliveryError } from './classify-mysql-error';
import { poolOptionsFor } from './connection-options';
import { createTableSql, insertStatements } from './envelope-sql';
import { accountOf, qualifiedTable, quoteIdent } from './identifiers';
import type { MysqlDestinationConfig } from './mysql-destination-config';
import { mysqlTableFor } from './mysql-tables';
import { MAX_PACKET_SQL, SESSION_SETTINGS_SQL, SHOW_WARNINGS_SQL } from './session-settings';

/** errno of a command the user may not run on a table (ER_TABLEACCESS_DENIED_ERROR). */
const TABLE_ACCESS_DENIED = 1142;
/**
 * Errors of an INSERT into a per-type table that may be missing: 1146
 * (ER_NO_SUCH_TABLE), and 1142, which MySQL answers instead when the user
 * holds no privilege on the table, so as not to tell whether it exists.
 */
const MAYBE_MISSING: ReadonlySet<number> = new Set([1146, TABLE_ACCESS_DENIED]);

interface WarningRow extends RowDataPacket {
  Level: string;
  Code: number;
  Message: string;
}

function errnoOf(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null | undefined)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** A session ready to write: its settings applied, and the largest statement it takes. */
interface Session {
  conn: PoolConnection;
  maxPacketBytes: number;
}

/**
 * Delivers batches into one customer MySQL or MariaDB table (or one per
 * event type), with `INSERT IGNORE` and a check of every statement's
 * warnings (README, "MySQL and MariaDB"; docs/design.md, "Destinations are providers").
 */
export class MysqlWriter implements DestinationWriter {
  private poolPromise: Promise<Pool> | undefined;
  /** max_allowed_packet of each connection whose session is set up, by mysql2's connection object. */
  private readonly sessions = new WeakMap<object, number>();

  constructor(
    readonly config: MysqlDestinationConfig,
    private readonly options: WriterOptions,
  ) {}

  private pool(): Promise<Pool> {
    this.poolPromise ??= (async () => {
      try {
        const pool = createPool(await poolOptionsFor(this.config, this.options, { max: this.options.maxConnections ?? this.config.maxConnections }));
        // mysql2 listens for a connection's first error only; a later one (an idle connection cut by a
        // server restart) must be logged, not crash the process. The next query takes a fresh connection.
        pool.pool.on('connection', (connection) => {
          connection.on('error', (error: unknown) => this.options.onConnectionError?.(toError(error)));
        });
        return pool;
      } catch (error) {
        this.poolPromise = undefined;
        throw error;
      }
    })();
    return this.poolPromise;
  }

  /** A pooled connection whose session settings are applied (once per connection: SESSION_SETTINGS_SQL). */
  private async session(pool: Pool): Promise<Session> {
    const conn = await pool.getConnection();
    const known = this.sessions.get(conn.connection);
    if (known !== undefined) return { conn, maxPacketBytes: known };
    try {
      await conn.query(SESSION_SETTINGS_SQL);
      const [rows] = await conn.query<RowDataPacket[]>(MAX_PACKET_SQL);
      const maxPacketBytes = Number(rows[0]?.max_packet);
      this.sessions.set(conn.connection, maxPacketBytes);
      return { conn, maxPacketBytes };
    } catch (error) {
      conn.destroy();
      throw error;
    }
  }

  /**
   * The batch in one transaction: each table's rows as multi-row INSERT
   * IGNORE statements below max_allowed_packet. A row the server would
   * store altered (a warning other than 1062) rolls the batch back as
   * bad_row; the caller bisects. In per-event-type mode each table is under
   * a savepoint, so a missing or refusing table rejects only its events.
   */
  async write(batch: EncodedEvents): Promise<WriteOutcome> {
    if (batch.ids.length === 0) return { inserted: 0, skipped: 0, rejected: [] };
    let session: Session | undefined;
    let broken = false;
    try {
      const events = decodeEvents(batch);
      session = await this.session(await this.pool());
      if (this.config.tableMode === 'per_event_type') return await this.writeTables(session, groupEventsByTable(events, (type) => mysqlTableFor(this.config, type)));
      await session.conn.query('START TRANSACTION');
      const inserted = await this.insertRows(session, this.config.table, events);
      await session.conn.query('COMMIT');
      return { inserted, skipped: events.length - inserted, rejected: [] };
    } catch (error) {
      const classified = this.classify(error);
      // A connection that failed for a transient reason (cut, timed out, deadlocked) is discarded, not reused.
      broken = classified.kind === 'transient';
      await session?.conn.query('ROLLBACK').catch(() => undefined);
      throw classified;
    } finally {
      if (broken) session?.conn.destroy();
      else session?.conn.release();
    }
  }

  /**
   * Several tables. Each table's statements run under a savepoint: a table
   * that is missing or refuses rows rejects only its own events; a
   * transient failure rolls everything back. Missing tables that
   * autoCreateTables may create are created after the commit, because
   * MySQL commits the open transaction at every CREATE TABLE.
   */
  private async writeTables(session: Session, groups: Map<string, QueuedEvent[]>): Promise<WriteOutcome> {
    const { conn } = session;
    const outcome: WriteOutcome = { inserted: 0, skipped: 0, rejected: [] };
    const missing: Array<[string, QueuedEvent[]]> = [];
    await conn.query('START TRANSACTION');
    for (const [table, group] of groups) {
      await conn.query('SAVEPOINT pushrail_table');
      try {
        const inserted = await this.insertRows(session, table, group);
        await conn.query('RELEASE SAVEPOINT pushrail_table');
        outcome.inserted += inserted;
        outcome.skipped += group.length - inserted;
      } catch (error) {
        const classified = this.classify(error);
        if (classified.kind === 'transient') throw classified;
        await conn.query('ROLLBACK TO SAVEPOINT pushrail_table');
        if (this.config.autoCreateTables && MAYBE_MISSING.has(errnoOf(error) ?? 0)) missing.push([table, group]);
        else outcome.rejected.push({ events: group, error: classified });
      }
    }
    await conn.query('COMMIT');
    // A transient failure from here on throws, and the batch is retried whole: the rows committed
    // above are then skipped as replays (INSERT IGNORE), so nothing is written twice.
    for (const [table, group] of missing) {
      try {
        const inserted = await this.createAndInsert(session, table, group);
        outcome.inserted += inserted;
        outcome.skipped += group.length - inserted;
      } catch (error) {
        const classified = this.classify(error);
        if (classified.kind === 'transient') throw classified;
        await conn.query('ROLLBACK').catch(() => undefined);
        outcome.rejected.push({ events: group, error: classified });
      }
    }
    return outcome;
  }

  /** Creates a missing per-type table (autoCreateTables) and writes its rows in a transaction of their own. */
  private async createAndInsert(session: Session, table: string, group: QueuedEvent[]): Promise<number> {
    const { database } = this.config;
    try {
      await session.conn.query(createTableSql(database, table));
      await session.conn.query('START TRANSACTION');
      const inserted = await this.insertRows(session, table, group);
      await session.conn.query('COMMIT');
      return inserted;
    } catch (error) {
      if (errnoOf(error) !== TABLE_ACCESS_DENIED) throw error;
      throw new DeliveryError(
        'permanent',
        `table ${qualifiedTable(database, table)} is missing or not writable, and autoCreateTables could not create and write it: ` +
          `run the set-up guide for it, or GRANT CREATE, INSERT ON ${quoteIdent(database)}.* TO ${accountOf(this.config.auth.username)}`,
        `errno:${TABLE_ACCESS_DENIED}`,
        { cause: error },
      );
    }
  }

  /**
   * Runs the rows' INSERT IGNORE statements on the open transaction and
   * reads each one's warnings: a warning other than 1062 (a replay, skipped)
   * means the server stored or dropped a row other than as sent, so it is a
   * bad row and the caller rolls back. Returns the rows inserted.
   */
  private async insertRows(session: Session, table: string, events: readonly QueuedEvent[]): Promise<number> {
    let inserted = 0;
    for (const sql of insertStatements(this.config.database, table, events, session.maxPacketBytes)) {
      const [result] = await session.conn.query<ResultSetHeader>(sql);
      inserted += result.affectedRows;
      if (result.warningStatus > 0) await this.refuseAlteredRows(session.conn, result.warningStatus);
    }
    return inserted;
  }

  private async refuseAlteredRows(conn: PoolConnection, count: number): Promise<void> {
    const [warnings] = await conn.query<WarningRow[]>(SHOW_WARNINGS_SQL);
    const altered = warnings.find((w) => Number(w.Code) !== DUPLICATE_KEY);
    if (altered) {
      throw new DeliveryError(
        'bad_row',
        `the server would have stored a row altered (warning ${altered.Code}: ${altered.Message}); ` +
          'INSERT IGNORE turns data errors into warnings, so the batch was rolled back',
        `errno:${altered.Code}`,
      );
    }
    // max_error_count (SESSION_SETTINGS_SQL) keeps every warning of a batch; fewer listed than counted means some went unseen.
    if (warnings.length < count) {
      throw new DeliveryError('bad_row', `the server reported ${count} warnings and listed ${warnings.length}; the batch was rolled back`, 'WARNINGS_UNSEEN');
    }
  }

  private readonly classify = deliveryErrorClassifier((error) => toDeliveryError(error, scrubSecrets));

  test(options: { eventType?: string } = {}): Promise<DestinationTestReport> {
    const eventType = options.eventType ?? 'pushrail.test';
    const table = mysqlTableFor(this.config, eventType);
    return runConnectionTest({
      host: this.config.host,
      username: this.config.auth.username,
      classify: this.classify,
      checkHost: () => this.pool(),
      open: (pool) => this.session(pool),
      tls: (session: Session) => this.tlsCheck(session.conn),
      insert: async (session) => {
        try {
          await session.conn.query('START TRANSACTION');
          await this.insertRows(session, table, [connectionTestEvent(eventType)]);
          return `INSERT into ${this.config.database}.${table} works (rolled back)`;
        } finally {
          await session.conn.query('ROLLBACK').catch(() => undefined);
        }
      },
      release: (session) => session.conn.release(),
    });
  }

  /** Whether the session is encrypted as configured, from the server's own view (no privilege needed). */
  private async tlsCheck(conn: PoolConnection): Promise<DestinationCheck> {
    if (!this.config.tls) return { name: 'tls', ok: true, message: 'TLS off (tls: false)' };
    const [rows] = await conn.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Ssl_version'");
    const version = String(rows[0]?.Value ?? '');
    if (version === '') return { name: 'tls', ok: false, message: 'TLS: the server reports this session as unencrypted' };
    return { name: 'tls', ok: true, message: `TLS on (${this.config.tlsMode ?? 'verify-full'}, ${version})` };
  }

  async close(): Promise<void> {
    const poolPromise = this.poolPromise;
    this.poolPromise = undefined;
    if (!poolPromise) return;
    const pool = await poolPromise.catch(() => undefined);
    await pool?.end();
  }
}
