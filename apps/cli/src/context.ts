import type { Command } from 'commander';
import { AdminClient } from './admin-client';
import { resolveAdminConfig, type GlobalOptions } from './cli-config';
import type { Output } from './output';

/** What every command needs, given once by `run`. */
export class CliContext {
  /** Values no message may print (the admin token), collected as they are resolved. */
  readonly secrets = new Set<string>();

  constructor(
    readonly output: Output,
    readonly env: NodeJS.ProcessEnv,
  ) {
    if (env.PUSHRAIL_ADMIN_TOKEN) this.secrets.add(env.PUSHRAIL_ADMIN_TOKEN);
  }

  /** The admin API client, configured from the command's global options and the environment. */
  client(command: Command): AdminClient {
    const config = resolveAdminConfig(command.optsWithGlobals<GlobalOptions>(), this.env);
    this.secrets.add(config.token);
    return new AdminClient(config);
  }
}
