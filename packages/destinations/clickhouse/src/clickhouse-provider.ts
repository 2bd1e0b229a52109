import type { DestinationProvider } from '@pushrail/destination-core';
import { CLICKHOUSE_SECRET_PATHS, clickhouseDestinationConfigSchema, clickhousePortOf, type ClickHouseDestinationConfig } from './clickhouse-destination-config';
import { renderSetupGuide } from './clickhouse-sql';
import { ClickHouseWriter } from './clickhouse-writer';
import { clickhouseTableFor } from './identifiers';
import { CURRENT_CLICKHOUSE_VERSION, featuresOf } from './server-features';

/** ClickHouse: one row per event, one JSONEachRow INSERT per batch, ReplacingMergeTree by event_id. */
export const clickhouseProvider: DestinationProvider<ClickHouseDestinationConfig> = {
  type: 'CLICKHOUSE',
  label: 'ClickHouse',
  configSchema: clickhouseDestinationConfigSchema,
  secretPaths: CLICKHOUSE_SECRET_PATHS,
  hostsOf: (config) => [config.host],
  targetOf: (config) => ({ host: config.host, port: clickhousePortOf(config), database: config.database, table: `${config.database}.${config.table}` }),
  tableFor: clickhouseTableFor,
  setupGuide: (config, tables) =>
    renderSetupGuide({
      database: config.database,
      tables,
      username: config.auth.username,
      features: featuresOf(config.serverVersion ?? CURRENT_CLICKHOUSE_VERSION),
    }),
  createWriter: (config, options) => new ClickHouseWriter(config, options),
};
