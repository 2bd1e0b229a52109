// One jest run for the whole workspace. Tests import @pushrail/* from src (via
// the mapper below), so a test never runs stale dist code; subprocess tests
// start the built dist, which `pnpm test` builds first.
/** @type {import('jest').Config} */
const path = require('node:path');

const sourceOf = {
  '@pushrail/destination-core': 'packages/destinations/core/src/index.ts',
  '@pushrail/destination-core/conformance': 'packages/destinations/core/src/conformance/index.ts',
  '@pushrail/destinations': 'packages/destinations/registry/src/index.ts',
};
for (const type of ['postgres', 'mysql', 'clickhouse']) {
  sourceOf[`@pushrail/destination-${type}`] = `packages/destinations/${type}/src/index.ts`;
}
for (const name of ['events', 'config', 'observability', 'crypto', 'queue', 'control-db', 'testing', 'client']) {
  sourceOf[`@pushrail/${name}`] = `packages/${name}/src/index.ts`;
}
for (const name of ['ingest', 'worker']) sourceOf[`@pushrail/${name}`] = `apps/${name}/src/index.ts`;

module.exports = {
  // Node's environment, plus a check that each test file closes what it opened.
  testEnvironment: '<rootDir>/packages/testing/jest-leak-checking-environment.js',
  roots: ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/infra', '<rootDir>/docs', '<rootDir>/tests', '<rootDir>/bench'],
  testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleNameMapper: Object.fromEntries(
    Object.entries(sourceOf).map(([name, file]) => [`^${name.replace('/', '\\/')}$`, path.join(__dirname, file)]),
  ),
  globalSetup: '<rootDir>/packages/testing/src/jest-global-setup.ts',
  globalTeardown: '<rootDir>/packages/testing/src/jest-global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/packages/testing/jest-summary-reporter.js'],
};
