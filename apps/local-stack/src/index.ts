/**
 * @pushrail/local-stack: `pnpm start` (run `dist/main.js`). Exported here:
 * the pieces a test or a script may want without starting anything.
 */
export { READY_LINE, SEED_EVENT, seedCurlCommand, psqlCommand, renderReadyBanner, shellQuote, type ReadyInfo } from './ready-banner';
export { PREFERRED_POSTGRES_PORT, PREFERRED_REDIS_PORT } from './embedded-servers';
