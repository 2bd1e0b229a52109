export * from './logger';
export * from './metrics';
export * from './scrub-secrets';
export * from './to-error';
export { Gauge } from 'prom-client';
export * from './readiness';
