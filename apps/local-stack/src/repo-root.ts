import path from 'node:path';

/** The repository root: this file runs from `apps/local-stack/dist`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Where `pnpm start` keeps its servers' data, secrets and demo ids when PUSHRAIL_HOME is unset. */
export const DEFAULT_HOME = path.join(REPO_ROOT, '.pushrail');
