export * from './logger';
export * from './metrics';
export * from './scrub-secrets';
export * from './to-error';
export { AggregatorRegistry, Gauge, type Registry } from 'prom-client';
export * from './readiness';
