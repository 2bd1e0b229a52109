import { tableNameForEventType } from '@pushrail/destination-core';
import { MYSQL_IDENTIFIER_LIMIT } from './identifiers';
import type { MysqlDestinationConfig } from './mysql-destination-config';

/** The table an event of `eventType` goes to, per the destination's table mode (names fit 64 characters). */
export function mysqlTableFor(config: Pick<MysqlDestinationConfig, 'table' | 'tableMode'>, eventType: string): string {
  return config.tableMode === 'per_event_type' ? tableNameForEventType(config.table, eventType, MYSQL_IDENTIFIER_LIMIT) : config.table;
}
