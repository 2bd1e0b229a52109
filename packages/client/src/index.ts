export { PushrailClient, type ClientEvent, type ClientStats } from './client';
export type { OverflowPolicy, PushrailClientOptions, QueuedClientEvent } from './client-options';
export { ClientClosedError, EventTooLargeError, QueueFullError, type DropReason } from './errors';
export { backoffDelayMs, retryAfterMs, type BackoffOptions } from './backoff';
