import { tableNameForEventType } from '@pushrail/destination-core';
import { POSTGRES_IDENTIFIER_LIMIT } from './identifiers';
import type { PostgresDestinationConfig } from './postgres-destination-config';

/** The table an event of `eventType` goes to, per the destination's table mode. */
export function postgresTableFor(config: Pick<PostgresDestinationConfig, 'table' | 'tableMode'>, eventType: string): string {
  return config.tableMode === 'per_event_type' ? tableNameForEventType(config.table, eventType, POSTGRES_IDENTIFIER_LIMIT) : config.table;
}
