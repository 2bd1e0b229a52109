export * from './deliver-batch';
export * from './destination-consumer';
export * from './destination-consumers';
export * from './event-batcher';
export * from './metrics-server';
export * from './worker-process';
