import type { z } from 'zod';

/** Bad configuration: one line naming each variable, never its value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }

  static fromZod(error: z.ZodError): ConfigError {
    return new ConfigError(error.issues.map((issue) => `${issue.path.join('.') || '(environment)'} ${issue.message}`));
  }
}
