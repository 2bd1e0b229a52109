import type { EventEnvelope } from '@pushrail/events';
import type { DestinationConfigBase } from '../config-fields';
import type { DestinationProvider } from '../provider';

/** A row as the conformance suite compares it, whatever the server's types. */
export interface StoredRow {
  eventId: string;
  eventType: string;
  /** ISO-8601 in UTC, to the server's precision (ConformanceServer.timePrecisionMs). */
  occurredAt: string;
  customerExternalId: string | null;
  source: string;
  payload: unknown;
  metadata: unknown;
  receivedAt: string;
}

/** What a fresh destination on the test server holds. */
export interface DestinationSetup {
  /** Tables to create with the provider's own set-up guide and grant INSERT on. Default: the config's base table. */
  tables?: string[];
  /** Grant the writer INSERT on those tables (default true). */
  grantInsert?: boolean;
  /** Also grant CREATE where the writer's tables live (for autoCreateTables). */
  grantCreate?: boolean;
  /** Fields of the config to set (tableMode, autoCreateTables, maxConnections…). */
  config?: Partial<DestinationConfigBase>;
}

/** A fresh database on the real server, with its INSERT-only writer and a config pointing at it. */
export interface ConformanceDestination<C extends DestinationConfigBase> {
  readonly config: C;
  /** The base table's name in the config (per-type tables derive from it). */
  readonly baseTable: string;
  /** Every row of `table` (default the base table), read as the server's administrator. */
  rows(table?: string): Promise<StoredRow[]>;
  /** Runs a text of SQL statements verbatim as the administrator, as a customer pastes the set-up guide. */
  runAsAdmin(sqlText: string): Promise<void>;
  /** What the writer may do on `table`. */
  privilegesOf(table: string): Promise<{ insert: boolean; select: boolean }>;
  /** Connections the writer holds open on the server now. */
  writerConnections(): Promise<number>;
  drop(): Promise<void>;
}

/**
 * A real server a provider's conformance run writes to: its test file starts
 * one of its own (the suite stops and starts it) and hands the suite this.
 */
export interface ConformanceServer<C extends DestinationConfigBase> {
  readonly provider: DestinationProvider<C>;
  createDestination(setup?: DestinationSetup): Promise<ConformanceDestination<C>>;
  /** The same config with a wrong password. */
  withWrongPassword(config: C): C;
  /** An envelope this server refuses as a bad row (the rest of its batch must land). */
  badRowEvent(): EventEnvelope;
  /** Precision of stored times, in milliseconds (1 where the server keeps milliseconds). */
  readonly timePrecisionMs: number;
  /** Stops the server for real (its clients see connections refused) and starts it again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /**
   * The server runs TLS with a certificate for one name: configs that trust
   * its CA, that trust another CA, and that connect by a name the
   * certificate does not hold (all verify-full).
   */
  tls: {
    trusted(config: C): C;
    unknownCa(config: C): C;
    wrongHost(config: C): C;
  };
  /** Whether the writer can create missing per-type tables when granted CREATE (autoCreateTables). */
  readonly supportsAutoCreate: boolean;
  /**
   * How the server keeps a replayed event to one row. `refused` (the
   * default): a unique key; the writer skips the replay and the first write
   * wins. `collapsed`: no unique key (ClickHouse's ReplacingMergeTree); the
   * replay is a second row until a merge keeps the last one, so `rows()`
   * must read as after a merge (`FINAL`), and the writer counts what it sent.
   */
  readonly duplicates?: 'refused' | 'collapsed';
  /**
   * Whether the server can give a user INSERT without SELECT (default true).
   * ClickHouse 18.16 cannot: users.xml has no grants, only databases.
   */
  readonly insertOnlyUser?: boolean;
}

/** A config of the shared shape: a host, an optional custom CA, and `auth` with a user name. */
type SharedShapeConfig = DestinationConfigBase & { host: string; tlsCa?: string | undefined; auth: { username: string } };

/**
 * The wrong-password and TLS variants of a config with the fields every
 * provider shares (`host`, `tlsCa`, password `auth`), for a harness whose
 * server's certificate names `localhost` and not `127.0.0.1`:
 * `{ ...sharedConfigVariants(otherCa.caPem), … }`.
 */
export function sharedConfigVariants<C extends SharedShapeConfig>(unknownCaPem: string): Pick<ConformanceServer<C>, 'withWrongPassword' | 'tls'> {
  return {
    withWrongPassword: (config) => ({ ...config, auth: { mode: 'PASSWORD', username: config.auth.username, password: 'wrong-password' } }),
    tls: {
      trusted: (config) => config,
      unknownCa: (config) => ({ ...config, tlsCa: unknownCaPem }),
      wrongHost: (config) => ({ ...config, host: '127.0.0.1' }),
    },
  };
}

