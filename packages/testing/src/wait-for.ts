import { toError } from '@pushrail/observability';

/** How long and how often {@link waitFor} polls. */
export interface WaitForOptions {
  /** Give up after this long, in milliseconds. Default 10,000. */
  timeoutMs?: number;
  /** Pause between attempts, in milliseconds. Default 50. */
  intervalMs?: number;
  /** What we are waiting for, in words; it names the timeout error. */
  description: string;
  /** Stops the wait at once, rethrowing the abort reason: for conditions that can no longer come true (the process died). */
  signal?: AbortSignal;
}

/** Thrown by {@link waitFor} when the condition never held. */
export class WaitForTimeoutError extends Error {
  override readonly name = 'WaitForTimeoutError';
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    readonly lastError: Error | undefined,
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for ${description}` +
        (lastError ? ` (last error: ${lastError.message})` : ''),
    );
  }
}

/**
 * Polls `fn` until it returns a truthy value, and returns that value.
 *
 * This is the one way tests wait for something to happen: a bounded poll on
 * the condition itself, never a sleep standing in for it. A throw from `fn`
 * counts as "not yet"; the last one is named in the timeout error so a
 * failing test says why it kept failing.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions,
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: Error | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = toError(err);
    }
    if (Date.now() >= deadline) throw new WaitForTimeoutError(options.description, timeoutMs, lastError);
    await pause(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
    options.signal?.throwIfAborted();
  }
}

/** The pause between two polls; only {@link waitFor} uses it. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
