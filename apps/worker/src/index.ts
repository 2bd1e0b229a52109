export * from './deliver-batch';
export * from './destination-consumer';
export * from './destination-consumers';
export * from './event-batcher';
export * from './metrics-server';
export * from './worker-process';
export * from './destination-health';
export * from './dead-letter-sweeper';
