import { randomUUID } from 'node:crypto';
import { MAX_BATCH_EVENTS, MAX_EVENT_BYTES, type EventEnvelope } from '@pushrail/events';
import { backoffDelayMs, retryAfterMs, type BackoffOptions } from './backoff';
import { DEFAULTS, type OverflowPolicy, type PushrailClientOptions, type QueuedClientEvent } from './client-options';
import { ClientClosedError, EventTooLargeError, QueueFullError, toError, type DropReason } from './errors';

/**
 * An event as `send()` takes it: the envelope of @pushrail/events, with
 * `occurredAt` (default: now, a Date is fine), `source` (default: the
 * client's) and `idempotencyKey` (default: a fresh UUID) optional.
 */
export type ClientEvent = Omit<EventEnvelope, 'occurredAt' | 'source' | 'idempotencyKey'> & {
  occurredAt?: string | Date;
  source?: string;
  idempotencyKey?: string;
};

/**
 * Bytes of one request body at most. Under ingest's 5 MB body limit
 * (README, "Limits") by the room of one more 1 MB event, so a batch is cut
 * before the event that would cross it.
 */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/** Statuses worth another attempt: rate limited, and the server (or a proxy before it) unable to take the write now. */
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Counters of what the client did, for a caller's metrics and for tests. */
export interface ClientStats {
  /** Events accepted by ingest (202). */
  delivered: number;
  /** Events dropped, for any DropReason. */
  dropped: number;
  /** Requests that failed and were tried again. */
  retries: number;
  /** Events in memory now: queued or in the request being sent. */
  pending: number;
}

interface Waiter {
  /** The sequence number of the last event queued when `flush()` was called. */
  upTo: number;
  resolve: () => void;
}

interface Held extends QueuedClientEvent {
  /** Order of queueing, from 1. */
  seq: number;
  bytes: number;
}

/** Waits `ms`, or less when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends events to Pushrail ingest's `POST /v1/batch`. `send()` queues in
 * memory and returns at once; batches go out when `flushAt` events are
 * queued or `flushIntervalMs` after the first, one request at a time, in
 * order. Every event carries an idempotency key, so a retried batch (after a
 * lost answer, a 429, a 503 or a network error) never makes a second row.
 * Memory is bounded by `maxQueueEvents` and `maxQueueBytes`; `overflow` says
 * what happens at the bound. Call `close()` before the process exits.
 */
export class PushrailClient {
  private readonly endpoint: string;
  private readonly authorization: string;
  private readonly flushAt: number;
  private readonly flushIntervalMs: number;
  private readonly maxQueueEvents: number;
  private readonly maxQueueBytes: number;
  private readonly overflow: OverflowPolicy;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffOptions;
  private readonly requestTimeoutMs: number;

  /** Events not yet settled, oldest first; the batch being sent is at the head. */
  private readonly queue: Held[] = [];
  private queueBytes = 0;
  private inFlight = 0;
  private nextSeq = 1;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private closed = false;
  /** Aborted by `close()` when its time is up: the sender stops waiting and retrying. */
  private readonly stop = new AbortController();
  private readonly waiters: Waiter[] = [];
  private readonly counters = { delivered: 0, dropped: 0, retries: 0 };

  constructor(private readonly options: PushrailClientOptions) {
    this.endpoint = new URL('/v1/batch', options.url).toString();
    this.authorization = `Bearer ${options.writeKey}`;
    this.flushAt = Math.min(Math.max(1, options.flushAt ?? DEFAULTS.flushAt), MAX_BATCH_EVENTS);
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULTS.flushIntervalMs;
    this.maxQueueEvents = options.maxQueueEvents ?? DEFAULTS.maxQueueEvents;
    this.maxQueueBytes = options.maxQueueBytes ?? DEFAULTS.maxQueueBytes;
    this.overflow = options.overflow ?? DEFAULTS.overflow;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts);
    this.backoff = { ...DEFAULTS.backoff, ...options.backoff };
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
  }

  /**
   * Queues one event and returns its idempotency key (the event's id in
   * Pushrail is derived from it). Throws EventTooLargeError for an event
   * over 1 MB, ClientClosedError after `close()`, and QueueFullError when
   * the queue is full and `overflow` is `error`.
   */
  send(event: ClientEvent): string {
    if (this.closed) throw new ClientClosedError();
    const source = event.source ?? this.options.source;
    if (source === undefined) throw new TypeError('the event has no source and the client none to fill in (options.source)');
    const idempotencyKey = event.idempotencyKey ?? randomUUID();
    const occurredAt = event.occurredAt instanceof Date ? event.occurredAt.toISOString() : (event.occurredAt ?? new Date().toISOString());
    const envelope: EventEnvelope = { ...event, occurredAt, source, idempotencyKey };
    const json = JSON.stringify(envelope);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_EVENT_BYTES) throw new EventTooLargeError(bytes, MAX_EVENT_BYTES);
    if (!this.makeRoom(bytes)) {
      this.drop([{ idempotencyKey, json }], 'queue_full');
      return idempotencyKey;
    }
    this.queue.push({ idempotencyKey, json, bytes, seq: this.nextSeq++ });
    this.queueBytes += bytes;
    if (this.queue.length - this.inFlight >= this.flushAt) this.startSending();
    else this.timer ??= setTimeout(() => this.startSending(), this.flushIntervalMs);
    return idempotencyKey;
  }

  /** True when an event of `bytes` fits; applies the overflow policy when it does not (throws for `error`). */
  private makeRoom(bytes: number): boolean {
    const fits = () => this.queue.length < this.maxQueueEvents && this.queueBytes + bytes <= this.maxQueueBytes;
    if (fits()) return true;
    switch (this.overflow) {
      case 'error':
        throw new QueueFullError(`${this.queue.length} events, ${this.queueBytes} bytes`);
      case 'drop-newest':
        return false;
      case 'drop-oldest': {
        // Events in the request being sent are not evicted: its answer settles them.
        const evicted: Held[] = [];
        while (!fits() && this.queue.length > this.inFlight) {
          const oldest = this.queue.splice(this.inFlight, 1)[0]!;
          this.queueBytes -= oldest.bytes;
          evicted.push(oldest);
        }
        if (evicted.length > 0) this.drop(evicted, 'queue_full');
        return fits();
      }
      default: {
        const unknown: never = this.overflow;
        throw new TypeError(`unknown overflow policy ${String(unknown)}`);
      }
    }
  }

  /** Sends everything queued now; resolves when each of those events is delivered or dropped. */
  async flush(): Promise<void> {
    const upTo = this.nextSeq - 1;
    if (this.settledUpTo(upTo)) return;
    const done = new Promise<void>((resolve) => this.waiters.push({ upTo, resolve }));
    this.startSending();
    await done;
  }

  /**
   * Stops taking events and sends what is queued. After `timeoutMs` (default:
   * no limit) it stops retrying and drops what is left as `closed`.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    this.closed = true;
    try {
      await this.closeWithin(options.timeoutMs);
    } finally {
      // Nothing more can be queued: no timer may keep the process alive after close().
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private async closeWithin(timeoutMs: number | undefined): Promise<void> {
    const flushed = this.flush();
    if (timeoutMs === undefined) return flushed;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([flushed, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.stop.abort();
      await this.sending;
      const left = this.queue.splice(0);
      this.queueBytes = 0;
      if (left.length > 0) this.drop(left, 'closed');
      this.settleWaiters();
    }
  }

  get stats(): ClientStats {
    return { ...this.counters, pending: this.queue.length };
  }

  private settledUpTo(seq: number): boolean {
    return this.queue.length === 0 || this.queue[0]!.seq > seq;
  }

  private settleWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (this.settledUpTo(waiter.upTo) || this.stop.signal.aborted) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private startSending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending ??= this.sendLoop().finally(() => {
      this.sending = undefined;
      // Events queued while the last batch was out, short of flushAt, still go within the interval.
      if (this.queue.length > 0 && !this.closed) this.timer ??= setTimeout(() => this.startSending(), this.flushIntervalMs);
    });
  }

  /** Sends batches, one at a time, while a full batch is queued or someone waits for a flush. */
  private async sendLoop(): Promise<void> {
    let first = true;
    while (this.queue.length > 0 && !this.stop.signal.aborted && (first || this.queue.length >= this.flushAt || this.waiters.length > 0)) {
      first = false;
      await this.sendBatch(this.takeBatch());
      this.settleWaiters();
    }
  }

  /** The head of the queue, up to flushAt events and MAX_REQUEST_BYTES; marked in flight. */
  private takeBatch(): Held[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < this.flushAt) {
      const next = this.queue[count]!;
      if (count > 0 && bytes + next.bytes + 1 > MAX_REQUEST_BYTES) break;
      bytes += next.bytes + 1;
      count++;
    }
    this.inFlight = count;
    return this.queue.slice(0, count);
  }

  /** Removes a batch's events from the head of the queue. */
  private settle(batch: Held[]): void {
    const settled = new Set(batch);
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (settled.has(this.queue[i]!)) {
        this.queueBytes -= this.queue[i]!.bytes;
        this.queue.splice(i, 1);
      }
    }
    this.inFlight = 0;
  }

  private drop(events: QueuedClientEvent[], reason: DropReason, error?: Error): void {
    this.counters.dropped += events.length;
    try {
      this.options.onDrop?.(events.map(({ idempotencyKey, json }) => ({ idempotencyKey, json })), reason, error);
    } catch (thrown) {
      // The caller's callback failing must not stop the sender, which still holds other events.
      process.emitWarning(toError(thrown), 'PushrailClientWarning');
    }
  }

  /** One batch until it is delivered, refused for good, or out of attempts. */
  private async sendBatch(batch: Held[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(batch);
      if (outcome.kind === 'delivered') {
        this.settle(batch);
        this.counters.delivered += batch.length;
        return;
      }
      if (outcome.kind === 'invalid') {
        // All or nothing: drop the events ingest named; the others stay at the head of the queue for the next batch.
        const bad = outcome.indexes.map((i) => batch[i]).filter((e): e is Held => e !== undefined);
        this.settle(bad);
        this.drop(bad, 'rejected', outcome.error);
        if (bad.length === 0) {
          this.settle(batch);
          this.drop(batch, 'rejected', outcome.error);
        }
        return;
      }
      if (outcome.kind === 'rejected') {
        this.settle(batch);
        this.drop(batch, 'rejected', outcome.error);
        return;
      }
      if (this.stop.signal.aborted) {
        // close() ran out of time: the batch stays queued, and close() drops it as `closed`.
        this.inFlight = 0;
        return;
      }
      if (attempt >= this.maxAttempts) {
        this.settle(batch);
        this.drop(batch, 'retries_exhausted', outcome.error);
        return;
      }
      this.counters.retries++;
      await sleep(Math.max(outcome.retryAfterMs ?? 0, backoffDelayMs(attempt, this.backoff)), this.stop.signal);
    }
  }

  private async attempt(batch: Held[]): Promise<
    | { kind: 'delivered' }
    | { kind: 'invalid'; indexes: number[]; error: Error }
    | { kind: 'rejected'; error: Error }
    | { kind: 'retry'; error: Error; retryAfterMs?: number }
  > {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { authorization: this.authorization, 'content-type': 'application/json' },
        body: `{"events":[${batch.map((e) => e.json).join(',')}]}`,
        signal: AbortSignal.any([AbortSignal.timeout(this.requestTimeoutMs), this.stop.signal]),
      });
    } catch (thrown) {
      return { kind: 'retry', error: toError(thrown) };
    }
    const text = await response.text().catch(() => '');
    if (response.status === 202) return { kind: 'delivered' };
    const error = new Error(`ingest answered ${response.status}: ${text.slice(0, 500)}`);
    if (RETRYABLE_STATUS.has(response.status)) {
      const wait = retryAfterMs(response.headers.get('retry-after'));
      return { kind: 'retry', error, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    }
    if (response.status === 400) {
      const invalid = invalidIndexes(text);
      if (invalid) return { kind: 'invalid', indexes: invalid, error };
    }
    return { kind: 'rejected', error };
  }
}

/** The indexes a 400 `invalid_events` answer lists, or undefined for any other answer. */
function invalidIndexes(text: string): number[] | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; invalidEvents?: Array<{ index?: unknown }> } };
    if (body.error?.code !== 'invalid_events' || !Array.isArray(body.error.invalidEvents)) return undefined;
    return body.error.invalidEvents.map((e) => e.index).filter((i): i is number => typeof i === 'number');
  } catch {
    return undefined;
  }
}
