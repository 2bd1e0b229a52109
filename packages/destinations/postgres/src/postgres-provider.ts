import type { DestinationProvider } from '@pushrail/destination-core';
import { renderCustomerDdl } from './envelope-sql';
import { POSTGRES_SECRET_PATHS, postgresDestinationConfigSchema, type PostgresDestinationConfig } from './postgres-destination-config';
import { postgresTableFor } from './postgres-tables';
import { PostgresWriter } from './postgres-writer';

/** PostgreSQL: one row per event, `INSERT … ON CONFLICT DO NOTHING` by an INSERT-only role. */
export const postgresProvider: DestinationProvider<PostgresDestinationConfig> = {
  type: 'POSTGRES',
  label: 'PostgreSQL',
  configSchema: postgresDestinationConfigSchema,
  secretPaths: POSTGRES_SECRET_PATHS,
  hostsOf: (config) => [config.host],
  targetOf: (config) => ({ host: config.host, port: config.port, database: config.database, table: `${config.schema}.${config.table}` }),
  tableFor: postgresTableFor,
  setupGuide: (config, tables) =>
    renderCustomerDdl({ schema: config.schema, tables, username: config.auth.username, authMode: config.auth.mode, database: config.database }),
  createWriter: (config, options) => new PostgresWriter(config, options),
};
