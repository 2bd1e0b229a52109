import { Pool } from 'undici';
import { sleep } from './stats';

/**
 * The load generator: undici's Pool, keep-alive connections, pipelining 1,
 * in this process. undici rather than autocannon because it costs less CPU
 * per request on the 2 cores the generator shares with what it measures
 * (generator-cost.ts measures both), and because every 202's event ids must
 * be read to check that each became a row.
 */
export interface LoadOptions {
  baseUrl: string;
  path: '/v1/events' | '/v1/batch';
  body: string;
  writeKey: string;
  connections: number;
}

export interface LoadResult {
  /** Requests sent and answered. */
  requests: number;
  /** Event ids from 202 answers. */
  acceptedIds: string[];
  /** Answers other than 202, by status (0: the request itself failed). */
  refused: Record<string, number>;
  /** First refusal's body, to say why. */
  firstRefusal: string | undefined;
  /** Per request: answer time minus intended send time, in ms. */
  latenciesMs: number[];
  /** The same for requests due during an open loop's warm-up, kept apart from `latenciesMs`. */
  warmupLatenciesMs: number[];
  /** When the first request was sent and the last answer came, in ms since the epoch. */
  startedAtMs: number;
  endedAtMs: number;
}

class Recorder {
  readonly result: LoadResult;
  constructor() {
    this.result = { requests: 0, acceptedIds: [], refused: {}, firstRefusal: undefined, latenciesMs: [], warmupLatenciesMs: [], startedAtMs: Date.now(), endedAtMs: 0 };
  }
}

/** The answer to one request: status and body text (status 0 when the request itself failed). */
interface Answer {
  status: number;
  text: string;
}

/**
 * Sends one request with undici's low-level dispatch and calls `done` with
 * the status (0 when the request itself failed) and the body text: no
 * stream object and no promise per response. This costs the generator
 * about a third less CPU per request than `pool.request` (generator-cost.ts
 * measures it), CPU the server under test gets instead.
 */
function dispatch(pool: Pool, options: LoadOptions, done: (status: number, text: string) => void): void {
  let status = 0;
  const chunks: Buffer[] = [];
  pool.dispatch(
    {
      method: 'POST',
      path: options.path,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.writeKey}` },
      body: options.body,
    },
    // The classic handler shape: Pool hands it to its Clients as is (undici 7 asserts onConnect there).
    {
      onConnect: () => undefined,
      onHeaders: (statusCode) => {
        status = statusCode;
        return true;
      },
      onData: (chunk) => {
        chunks.push(chunk);
        return true;
      },
      onComplete: () => done(status, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
      onError: (error) => done(0, error.message),
    },
  );
}

/**
 * Sends one request and records it; the latency runs from `intendedAt`
 * (performance.now() ms), so a late send counts against us. A warm-up
 * request's latency goes to `warmupLatenciesMs` instead; its event ids are
 * kept like any other, so it is checked for loss all the same.
 */
function send(pool: Pool, options: LoadOptions, recorder: Recorder, intendedAt: number, then: () => void, warmup = false): void {
  dispatch(pool, options, (status, text) => {
    const r = recorder.result;
    (warmup ? r.warmupLatenciesMs : r.latenciesMs).push(performance.now() - intendedAt);
    r.requests++;
    if (status === 202) {
      const answer = JSON.parse(text) as { eventId?: string; eventIds?: string[] };
      if (answer.eventId) r.acceptedIds.push(answer.eventId);
      else for (const id of answer.eventIds ?? []) r.acceptedIds.push(id);
    } else {
      r.refused[status] = (r.refused[status] ?? 0) + 1;
      r.firstRefusal ??= text.slice(0, 300);
    }
    then();
  });
}

function newPool(options: LoadOptions): Pool {
  return new Pool(options.baseUrl, { connections: options.connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

/**
 * Closed loop: each connection sends its next request when the last is
 * answered, until `durationMs` has passed or `maxRequests` were sent.
 */
export async function closedLoop(options: LoadOptions & { durationMs: number; maxRequests?: number }): Promise<LoadResult> {
  const pool = newPool(options);
  const recorder = new Recorder();
  const deadline = performance.now() + options.durationMs;
  let sent = 0;
  const max = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const connection = () =>
    new Promise<void>((resolve) => {
      const next = (): void => {
        if (performance.now() >= deadline || sent >= max) return resolve();
        sent++;
        send(pool, options, recorder, performance.now(), next);
      };
      next();
    });
  await Promise.all(Array.from({ length: options.connections }, connection));
  recorder.result.endedAtMs = Date.now();
  await pool.close();
  return recorder.result;
}

/**
 * Open loop at `ratePerSec` requests a second for `warmupMs` then
 * `durationMs`, without a pause between: request i is due at i/rate, sent
 * then whatever came back before (no coordinated omission), and its latency
 * counts from when it was due. Requests due in the first `warmupMs` are the
 * warm-up: their latencies are kept apart (`warmupLatenciesMs`).
 */
export async function openLoop(
  options: LoadOptions & { durationMs: number; ratePerSec: number; warmupMs?: number },
): Promise<LoadResult & { sendLagMs: number }> {
  const pool = newPool(options);
  const recorder = new Recorder();
  const start = performance.now();
  let answered = 0;
  let allAnswered: () => void = () => undefined;
  const onAnswer = () => {
    if (++answered === total) allAnswered();
  };
  let due = 0;
  let sendLagMs = 0;
  const warmupRequests = Math.floor(((options.warmupMs ?? 0) * options.ratePerSec) / 1000);
  const total = warmupRequests + Math.floor((options.durationMs * options.ratePerSec) / 1000);
  while (due < total) {
    const now = performance.now();
    const dueNow = Math.min(total, Math.floor(((now - start) * options.ratePerSec) / 1000));
    for (; due < dueNow; due++) {
      const intendedAt = start + (due * 1000) / options.ratePerSec;
      sendLagMs = Math.max(sendLagMs, now - intendedAt);
      send(pool, options, recorder, intendedAt, onAnswer, due < warmupRequests);
    }
    await sleep(1);
  }
  if (answered < total) await new Promise<void>((resolve) => (allAnswered = resolve));
  recorder.result.endedAtMs = Date.now();
  await pool.close();
  return { ...recorder.result, sendLagMs };
}
