import { createInterface } from 'node:readline/promises';
import { UsageError } from './errors';

/** Where a confirmation is asked: a terminal's input, and where the question goes. */
export interface ConfirmStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/**
 * Every command that drops data asks first. `--yes` answers for scripts; at
 * a terminal the question is asked and only `y`/`yes` goes on; anywhere
 * else (a pipe, CI) without `--yes` it is a usage error, so nothing is ever
 * dropped by a command that could not ask.
 */
export async function confirmDrop(what: string, yes: boolean | undefined, streams: ConfirmStreams = process): Promise<void> {
  if (yes) return;
  if (!streams.stdin.isTTY) throw new UsageError(`${what}: this drops data; pass --yes to confirm`);
  const prompt = createInterface({ input: streams.stdin, output: streams.stderr });
  try {
    const answer = (await prompt.question(`${what}. Type "yes" to go on: `)).trim().toLowerCase();
    if (answer !== 'yes' && answer !== 'y') throw new UsageError(`${what}: not confirmed, nothing was done`);
  } finally {
    prompt.close();
  }
}
