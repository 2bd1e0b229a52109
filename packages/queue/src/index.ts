export * from './event-producer';
export * from './job-catalogue';
export * from './queue-names';
export * from './redis-connection';
export * from './redis-settings-check';
export * from './queue-stats';
export * from './redis-ready';
export * from './deliver-payload';
