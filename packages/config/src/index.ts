export * from './config-error';
export * from './parse-env';
export * from './ingest-config';
export * from './worker-config';
export * from './exit-on-bad-config';
