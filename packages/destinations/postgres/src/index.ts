export * from './classify-pg-error';
export * from './connection-options';
export * from './envelope-sql';
export * from './identifiers';
export * from './postgres-destination-config';
export * from './postgres-provider';
export * from './postgres-tables';
export * from './postgres-writer';
