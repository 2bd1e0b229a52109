export * from './conformance-server';
export * from './conformance-suite';
