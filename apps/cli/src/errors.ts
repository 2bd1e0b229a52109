import { ConfigError } from '@pushrail/config';

/**
 * The two ways a command ends badly, each with its exit code: the command
 * line was wrong (2, like commander's own usage errors), or the work failed
 * (1: the API refused, the stack is unreachable, a file cannot be read).
 */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/** A wrong command line: missing configuration, conflicting or malformed options. Exit code 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, 2);
  }
}

/** Runs a step that parses configuration; a bad value becomes a UsageError with the schema's one line. */
export function parseConfigOrUsageError<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}
