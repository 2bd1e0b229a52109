import type { BackoffOptions } from './backoff';
import type { DropReason } from './errors';

/** What `send()` does when the queue is at its bound. */
export type OverflowPolicy =
  /** Throw QueueFullError: the caller decides (the default). */
  | 'error'
  /** Drop the event being sent; `onDrop` gets it. */
  | 'drop-newest'
  /** Drop the oldest queued events to make room; `onDrop` gets them. */
  | 'drop-oldest';

export interface PushrailClientOptions {
  /** Ingest's origin, e.g. `https://ingest.example.com` (the client posts to `<url>/v1/batch`). */
  url: string;
  /** A write key of the tenant. */
  writeKey: string;
  /** `source` of events sent without one. */
  source?: string;
  /** Send as soon as this many events are queued; at most 1,000 (a batch's limit). Default 100. */
  flushAt?: number;
  /** Send queued events at the latest this long after the first of them was queued, in milliseconds. Default 1,000. */
  flushIntervalMs?: number;
  /** Most events held in memory (queued or being sent). Default 10,000. */
  maxQueueEvents?: number;
  /** Most bytes of event JSON held in memory. Default 32 MiB. */
  maxQueueBytes?: number;
  /** What `send()` does when either bound is reached. Default `error`. */
  overflow?: OverflowPolicy;
  /** Attempts per batch before its events are dropped as `retries_exhausted`; counts from 1. Default 10. */
  maxAttempts?: number;
  /** Backoff between attempts (429 waits at least its Retry-After). Default 200 ms doubling to 30 s. */
  backoff?: Partial<BackoffOptions>;
  /** One request's time limit, in milliseconds; a request over it is retried. Default 10,000. */
  requestTimeoutMs?: number;
  /** Told of every event that leaves the client undelivered, with why; the events are as they were queued. */
  onDrop?: (events: QueuedClientEvent[], reason: DropReason, error?: Error) => void;
}

/** An event as the client holds it: the envelope with every default filled in, and its JSON text. */
export interface QueuedClientEvent {
  idempotencyKey: string;
  /** The event's JSON, measured and serialised once at `send()`. */
  json: string;
}

export const DEFAULTS = {
  flushAt: 100,
  flushIntervalMs: 1_000,
  maxQueueEvents: 10_000,
  maxQueueBytes: 32 * 1024 * 1024,
  overflow: 'error',
  maxAttempts: 10,
  backoff: { initialDelayMs: 200, maxDelayMs: 30_000 },
  requestTimeoutMs: 10_000,
} as const satisfies Partial<PushrailClientOptions>;
