import { Pool } from 'undici';
import { batchBody, SINGLE_BODY } from '../sample-event';

/** One tenant's write key and where its acknowledged ids are recorded. */
export interface SoakTarget {
  writeKey: string;
  /** Every event id a 202 acknowledged for this tenant. */
  accepted: string[];
}

export interface SoakLoadOptions {
  baseUrl: string;
  targets: SoakTarget[];
  /** Single-event requests a second, over all tenants. */
  singlesPerSec: number;
  /** Batch requests a second, over all tenants. */
  batchesPerSec: number;
  batchEvents: number;
  /** Requests in flight at most; a tick that finds them all busy skips its request (counted). */
  maxInFlight: number;
}

export interface SoakLoadCounts {
  requests: number;
  acceptedEvents: number;
  unavailable: number;
  skipped: number;
  /** Answers other than 202 and 503, or requests that failed outright: the soak fails on any. */
  errors: number;
  firstError?: string;
}

/** How often the load generator wakes to send what is due, in milliseconds. */
const TICK_MS = 20;

/**
 * An open-loop load at a steady rate, the tenants taken in turn: what a day
 * of customers' services sends, compressed. Answers never slow the rate
 * (past `maxInFlight` a request is skipped, not queued).
 */
export class SoakLoad {
  readonly counts: SoakLoadCounts = { requests: 0, acceptedEvents: 0, unavailable: 0, skipped: 0, errors: 0 };
  private readonly pool: Pool;
  private readonly batch: string;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private next = 0;

  constructor(private readonly options: SoakLoadOptions) {
    this.batch = batchBody(options.batchEvents);
    this.pool = new Pool(options.baseUrl, { connections: options.maxInFlight, pipelining: 1 });
  }

  start(): void {
    const started = performance.now();
    let singlesSent = 0;
    let batchesSent = 0;
    this.timer = setInterval(() => {
      const elapsedSec = (performance.now() - started) / 1000;
      while (singlesSent < elapsedSec * this.options.singlesPerSec) {
        singlesSent++;
        this.send('/v1/events', SINGLE_BODY);
      }
      while (batchesSent < elapsedSec * this.options.batchesPerSec) {
        batchesSent++;
        this.send('/v1/batch', this.batch);
      }
    }, TICK_MS);
  }

  private send(path: string, body: string): void {
    if (this.inFlight.size >= this.options.maxInFlight) {
      this.counts.skipped++;
      return;
    }
    const target = this.options.targets[this.next++ % this.options.targets.length]!;
    const request = this.post(target, path, body).finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }

  private async post(target: SoakTarget, path: string, body: string): Promise<void> {
    this.counts.requests++;
    try {
      const response = await this.pool.request({
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${target.writeKey}`, 'content-type': 'application/json' },
        body,
      });
      const text = await response.body.text();
      const status = response.statusCode;
      if (status === 202) {
        const answer = JSON.parse(text) as { eventId?: string; eventIds?: string[] };
        const ids = answer.eventIds ?? [answer.eventId!];
        target.accepted.push(...ids);
        this.counts.acceptedEvents += ids.length;
      } else if (status === 503) {
        this.counts.unavailable++;
      } else {
        this.counts.errors++;
        this.counts.firstError ??= `${path} answered ${status}: ${text.slice(0, 200)}`;
      }
    } catch (error) {
      this.counts.errors++;
      this.counts.firstError ??= `${path} failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  /** Stops sending and waits for every request in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
    await this.pool.close();
  }
}
