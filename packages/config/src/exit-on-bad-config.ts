import { ConfigError } from './config-error';

/**
 * Runs a boot step that reads configuration; a bad value stops the process
 * (exit code 2) with one line, `<processName>: invalid configuration: …`,
 * naming the variable, never a stack trace.
 */
export function exitOnBadConfig<T>(processName: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `invalid configuration: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`${processName}: ${message}`);
    process.exit(2);
  }
}
