import type { DestinationProvider } from '@pushrail/destination-core';
import { MYSQL_SECRET_PATHS, mysqlDestinationConfigSchema, type MysqlDestinationConfig } from './mysql-destination-config';
import { mysqlTableFor } from './mysql-tables';
import { MysqlWriter } from './mysql-writer';
import { renderMysqlSetupGuide } from './setup-guide';

/** MySQL and MariaDB: one row per event, `INSERT IGNORE` with every warning checked, by an INSERT-only user. */
export const mysqlProvider: DestinationProvider<MysqlDestinationConfig> = {
  type: 'MYSQL',
  label: 'MySQL',
  configSchema: mysqlDestinationConfigSchema,
  secretPaths: MYSQL_SECRET_PATHS,
  hostsOf: (config) => [config.host],
  targetOf: (config) => ({ host: config.host, port: config.port, database: config.database, table: `${config.database}.${config.table}` }),
  tableFor: mysqlTableFor,
  setupGuide: (config, tables) =>
    renderMysqlSetupGuide({ database: config.database, tables, username: config.auth.username, authMode: config.auth.mode }),
  createWriter: (config, options) => new MysqlWriter(config, options),
};
