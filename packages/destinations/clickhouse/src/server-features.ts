/**
 * What a ClickHouse server can do, from its version (`SELECT version()`),
 * so the writer and the set-up guide use each newer feature only where it
 * exists (README, "ClickHouse"). Versions from the ClickHouse
 * changelog; 18.16 is the oldest we test (Debian's package).
 */
export interface ClickHouseFeatures {
  /** The version the features were read from, `18.16.1`. */
  version: string;
  /** `DateTime64(3, 'UTC')`: millisecond times from 1900 to 2299 (20.1). Without it: `DateTime('UTC')`, whole seconds from 1970 to 2106. */
  dateTime64: boolean;
  /** `LowCardinality(String)` without an experimental setting (19.9; 18.16 needs `allow_experimental_low_cardinality_type`). */
  lowCardinality: boolean;
  /** `date_time_input_format = 'best_effort'`: ISO 8601 times with zone and fraction as input (19.7). */
  bestEffortTimes: boolean;
  /** `insert_deduplication_token`: a retried insert with the same token is dropped (22.2). */
  insertDeduplicationToken: boolean;
  /** SQL users and `GRANT INSERT` (20.5); before it, users live in users.xml. */
  sqlUsers: boolean;
}

type Version = readonly [major: number, minor: number];

const DATETIME64: Version = [20, 1];
const LOW_CARDINALITY: Version = [19, 9];
const BEST_EFFORT_TIMES: Version = [19, 7];
const INSERT_DEDUPLICATION_TOKEN: Version = [22, 2];
const SQL_USERS: Version = [20, 5];

/** The version a set-up guide is written for when the config names none: any current server has every feature. */
export const CURRENT_CLICKHOUSE_VERSION = '24.8';

function parseVersion(version: string): Version {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return [Number.isFinite(major) ? major : 0, Number.isFinite(minor) ? minor : 0];
}

function atLeast(version: Version, since: Version): boolean {
  return version[0] > since[0] || (version[0] === since[0] && version[1] >= since[1]);
}

export function featuresOf(version: string): ClickHouseFeatures {
  const v = parseVersion(version);
  return {
    version,
    dateTime64: atLeast(v, DATETIME64),
    lowCardinality: atLeast(v, LOW_CARDINALITY),
    bestEffortTimes: atLeast(v, BEST_EFFORT_TIMES),
    insertDeduplicationToken: atLeast(v, INSERT_DEDUPLICATION_TOKEN),
    sqlUsers: atLeast(v, SQL_USERS),
  };
}
