/** When to try again after a failed attempt. */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. */
  initialDelayMs: number;
  /** Longest delay between two attempts, in milliseconds. */
  maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": the n-th retry (n counts from 1)
 * waits between half and all of `initialDelayMs · 2^(n−1)`, capped at
 * `maxDelayMs`. The random half keeps many clients that failed together
 * (an ingest restart) from retrying in step; the fixed half keeps a retry
 * from coming back at once.
 */
export function backoffDelayMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * `Retry-After` in milliseconds (RFC 9110 §10.2.3: seconds, or an HTTP date),
 * or undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
