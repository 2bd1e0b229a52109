export * from './event-envelope';
export * from './event-id';
export * from './queued-event';
export * from './example-event';
export * from './encoded-events';
export * from './instant';
export * from './unstorable-text';
export * from './json-text-check';
