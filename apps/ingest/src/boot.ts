import { ConfigError } from '@pushrail/config';

/**
 * Runs a boot step that reads configuration; a bad value stops the process
 * with one line naming the variable, never a stack trace.
 */
export function exitOnBadConfig<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `invalid configuration: ${(error as Error).message}`;
    console.error(`pushrail: ${message}`);
    process.exit(2);
  }
}
