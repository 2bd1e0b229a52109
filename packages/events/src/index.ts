export * from './event-envelope';
export * from './event-id';
export * from './queued-event';
export * from './example-event';
export * from './encoded-events';
