/**
 * How a failed write is handled:
 * - `transient`: the destination may work later (down, overloaded, deadlock); retry with backoff.
 * - `permanent`: the destination is wrong (auth, missing table, no privilege); retrying will not help
 *   until an operator fixes it, so the events are dead-lettered at once.
 * - `bad_row`: the destination works but refuses some event (e.g. `\u0000` in JSONB); isolate it.
 */
export const DELIVERY_ERROR_KINDS = ['transient', 'permanent', 'bad_row'] as const;

export type DeliveryErrorKind = (typeof DELIVERY_ERROR_KINDS)[number];

/**
 * A classified delivery failure. `code` is the SQLSTATE or Node error code it
 * was classified from. The message is already free of secrets.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly kind: DeliveryErrorKind,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Checks the name as well as the class: errors cross the queue and process
 * boundaries as plain data, where `instanceof` no longer holds.
 */
export function isDeliveryError(error: unknown): error is DeliveryError {
  return (
    error instanceof DeliveryError ||
    (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'DeliveryError' &&
      (DELIVERY_ERROR_KINDS as readonly unknown[]).includes((error as { kind?: unknown }).kind))
  );
}

/** Exhaustiveness check at the end of every switch over a union. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
