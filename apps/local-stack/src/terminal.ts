/** How the stack's own lines are marked, beside its children's `[ingest]` and `[worker]`. */
const PREFIX = '[stack]';

/** A progress line on stdout. */
export function say(message: string): void {
  process.stdout.write(`${PREFIX} ${message}\n`);
}

/** A problem on stderr. */
export function complain(message: string): void {
  process.stderr.write(`${PREFIX} ${message}\n`);
}
