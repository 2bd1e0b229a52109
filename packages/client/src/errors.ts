/** Why events left the client without being delivered; each reaches `onDrop` with the events. */
export type DropReason =
  /** The queue was full and the overflow policy dropped them (`drop-newest`, `drop-oldest`). */
  | 'queue_full'
  /** Ingest refused them for good: invalid (400), or the write key is unknown or revoked (401). */
  | 'rejected'
  /** Every attempt failed with a retryable answer or a network error (`maxAttempts`). */
  | 'retries_exhausted'
  /** `close()` ran out of its time while they were still queued or being retried. */
  | 'closed';

/** Thrown by `send()` when the queue is full and the overflow policy is `error` (the default). */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  constructor(limit: string) {
    super(`the Pushrail client's queue is full (${limit}); the event was not queued`);
  }
}

/** Thrown by `send()` after `close()`. */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError';
  constructor() {
    super('the Pushrail client is closed; the event was not queued');
  }
}

/** Thrown by `send()` for an event no retry could deliver: its JSON is over ingest's 1 MB event limit. */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
  constructor(bytes: number, limit: number) {
    super(`the event is ${bytes} bytes of JSON, over ingest's limit of ${limit} bytes; it was not queued`);
  }
}

/** Turns anything thrown into an Error, once. */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
