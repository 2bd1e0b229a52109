import { loadCliEnv, type CliEnv } from '@pushrail/config';
import type { Command } from 'commander';
import { AdminClient } from './admin-client';
import { resolveAdminConfig, type GlobalOptions } from './cli-config';
import type { Output } from './output';

/** What every command needs, given once by `run`. */
export class CliContext {
  /** Values no message may print (the admin token), collected as they are resolved. */
  readonly secrets = new Set<string>();

  /** The admin commands' variables, parsed once. */
  private readonly cliEnv: CliEnv;

  constructor(
    readonly output: Output,
    /** The whole environment: `migrate` and `keys reencrypt` parse it with their own schemas. */
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.cliEnv = loadCliEnv(env);
    if (this.cliEnv.adminToken) this.secrets.add(this.cliEnv.adminToken);
  }

  /** The admin API client, configured from the command's global options and the environment. */
  client(command: Command): AdminClient {
    const config = resolveAdminConfig(command.optsWithGlobals<GlobalOptions>(), this.cliEnv);
    this.secrets.add(config.token);
    return new AdminClient(config);
  }
}
