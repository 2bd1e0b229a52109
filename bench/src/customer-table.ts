import { createTableSql, qualifiedTable } from '@pushrail/destination-postgres';
import { quoteIdent, withPgClient, type CustomerDatabase } from '@pushrail/testing';
import { round, sleep } from './stats';

/** What landed in a table, checked against what was acknowledged. */
export interface DeliveryCheck {
  /** Distinct event ids the producer was told were accepted. */
  accepted: number;
  rows: number;
  /** Accepted ids with no row. */
  lost: number;
  /** Rows whose id was never accepted (or a second row for one id: impossible with the primary key). */
  unexpected: number;
}

/** Commit times of a table's rows (`pg_xact_commit_timestamp`), in ms since the epoch. */
export interface CommitSpan {
  firstCommitMs: number;
  lastCommitMs: number;
}

/**
 * One envelope table in the customer's database. Reads are made as the
 * superuser (the writer role cannot SELECT); writes only by Pushrail or the
 * ceiling's client, as `pushrail_writer`.
 */
export class CustomerTable {
  private constructor(
    readonly customer: CustomerDatabase,
    readonly schema: string,
    readonly name: string,
  ) {}

  /**
   * A new table; throws if one of that name exists. The set-up SQL is
   * `IF NOT EXISTS` (customers run it twice), so without this check a
   * measurement that reused a name would count the rows of an earlier one.
   */
  static async create(customer: CustomerDatabase, schema: string, name: string): Promise<CustomerTable> {
    await withPgClient(customer.adminUrl, async (c) => {
      const existing = await c.query('SELECT to_regclass($1) IS NOT NULL AS exists', [qualifiedTable(schema, name)]);
      if (existing.rows[0].exists) throw new Error(`bench table ${qualifiedTable(schema, name)} exists already: each measurement needs a table of its own`);
      await c.query(`${createTableSql(schema, name)}\nGRANT INSERT ON ${qualifiedTable(schema, name)} TO ${quoteIdent(customer.writerUser)};`);
    });
    return new CustomerTable(customer, schema, name);
  }

  get qualified(): string {
    return qualifiedTable(this.schema, this.name);
  }

  async count(): Promise<number> {
    return withPgClient(this.customer.adminUrl, async (c) => (await c.query(`SELECT count(*)::int AS n FROM ${this.qualified}`)).rows[0].n);
  }

  /** Polls until the table holds `rows` rows; returns false after `timeoutMs` (a shortfall is reported, not thrown). */
  async waitForRows(rows: number, timeoutMs: number, intervalMs = 200): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = await this.count().catch(() => -1);
      if (n >= rows) return true;
      if (Date.now() > deadline) return false;
      await sleep(intervalMs);
    }
  }

  /** First and last commit among the rows (optionally only rows committed after `sinceMs`). */
  async commitSpan(): Promise<CommitSpan> {
    return withPgClient(this.customer.adminUrl, async (c) => {
      const r = await c.query(
        `SELECT extract(epoch FROM min(pg_xact_commit_timestamp(xmin))) * 1000 AS first,
                extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) * 1000 AS last
           FROM ${this.qualified}`,
      );
      return { firstCommitMs: Number(r.rows[0].first), lastCommitMs: Number(r.rows[0].last) };
    });
  }

  /**
   * Received (ingest's `received_at`) → committed (the row's transaction
   * commit time) over every row: p50, p99 and max, in milliseconds.
   */
  async receivedToCommittedMs(): Promise<{ p50: number; p99: number; max: number }> {
    return withPgClient(this.customer.adminUrl, async (c) => {
      const r = await c.query(
        `WITH l AS (SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin) - received_at) * 1000 AS ms FROM ${this.qualified})
         SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max FROM l`,
      );
      const row = r.rows[0];
      return { p50: round(Number(row.p50), 1), p99: round(Number(row.p99), 1), max: round(Number(row.max), 1) };
    });
  }

  /** Compares the rows with the ids the producer had acknowledged. */
  async check(acceptedIds: Iterable<string>): Promise<DeliveryCheck> {
    const accepted = new Set(acceptedIds);
    const stored = await withPgClient(this.customer.adminUrl, async (c) => {
      const r = await c.query(`SELECT coalesce(string_agg(event_id::text, ','), '') AS ids FROM ${this.qualified}`);
      const text = r.rows[0].ids as string;
      return text === '' ? [] : text.split(',');
    });
    let unexpected = 0;
    const seen = new Set<string>();
    for (const id of stored) {
      if (!accepted.has(id) || seen.has(id)) unexpected++;
      seen.add(id);
    }
    let lost = 0;
    for (const id of accepted) if (!seen.has(id)) lost++;
    return { accepted: accepted.size, rows: stored.length, lost, unexpected };
  }
}
