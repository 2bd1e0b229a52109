import { DEFAULT_ADMIN_URL } from '@pushrail/config';
import { scrubSecrets, toError } from '@pushrail/observability';
import { Command, CommanderError } from 'commander';
import { oneLine } from './admin-client';
import { registerDeadLetters } from './commands/dead-letters';
import { registerDestinations } from './commands/destinations';
import { registerKeys } from './commands/keys';
import { registerMigrate } from './commands/migrate';
import { registerPortalLink } from './commands/portal-link';
import { registerTenants } from './commands/tenants';
import { registerWriteKeys } from './commands/write-keys';
import { CliContext } from './context';
import { CliError } from './errors';
import { Output, type Streams } from './output';
import { CLI_VERSION } from './version';

/** Exit codes: 0 done, 1 the work failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Commander's own outcomes that are not errors. */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.version']);

/** The `pushrail` command tree. Settings given here before `.command()` are inherited by every subcommand. */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('pushrail')
    .description('Operate Pushrail from a terminal: tenants, write keys, destinations, dead letters, portal links, migrations.')
    .option('--url <url>', `the admin API (env PUSHRAIL_URL, default ${DEFAULT_ADMIN_URL})`)
    .option('--token <token>', 'the admin token (prefer env PUSHRAIL_ADMIN_TOKEN: a flag shows in ps)')
    .version(CLI_VERSION, '-V, --version', 'print the version of pushrail')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => ctx.output.streams.stdout.write(text),
      writeErr: (text) => ctx.output.streams.stderr.write(text),
      // Commander's usage errors in the same one-line shape as ours.
      outputError: (text, write) => write(`pushrail: ${oneLine(text.replace(/^error: /, ''))}\n`),
    });
  registerTenants(program, ctx);
  registerWriteKeys(program, ctx);
  registerDestinations(program, ctx);
  registerDeadLetters(program, ctx);
  registerMigrate(program, ctx);
  registerKeys(program, ctx);
  registerPortalLink(program, ctx);
  return program;
}

/**
 * Runs one command line (arguments after the program name) and returns the
 * exit code. Every failure ends as one `pushrail: <message>` line on
 * stderr: no stack trace, and never the admin token.
 */
export async function run(args: string[], streams: Streams, env: NodeJS.ProcessEnv): Promise<number> {
  const ctx = new CliContext(new Output(streams), env);
  const flagToken = tokenFlag(args);
  if (flagToken) ctx.secrets.add(flagToken);
  try {
    await createProgram(ctx).parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // Commander has already printed its message through outputError (or the help).
      return COMMANDER_SUCCESS.has(thrown.code) ? EXIT.ok : EXIT.usage;
    }
    const error = toError(thrown);
    streams.stderr.write(`pushrail: ${redact(oneLine(error.message), ctx.secrets)}\n`);
    return error instanceof CliError ? error.exitCode : EXIT.failed;
  }
}

/** The value of `--token X` / `--token=X`, so that no message can echo it. */
function tokenFlag(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--token') return args[i + 1];
    if (arg.startsWith('--token=')) return arg.slice('--token='.length);
  }
  return undefined;
}

/** Shortest secret replaced word for word, in characters: a 1-letter "token" would blank every such letter of the message. */
const MIN_REDACTED_LENGTH = 4;

function redact(message: string, secrets: ReadonlySet<string>): string {
  let out = scrubSecrets(message);
  for (const secret of secrets) {
    if (secret.length >= MIN_REDACTED_LENGTH) out = out.split(secret).join('[REDACTED]');
  }
  return out;
}
