import { seedEvent } from './pipeline';

/** Events in each batch request of {@link startAckedLoad}. */
const BATCH_EVENTS = 10;

/** One answer: when the request was sent and answered (performance.now(), ms), and what it was. */
export interface LoadAnswer {
  sentAt: number;
  answeredAt: number;
  status: number;
  /** The ids the 202 acknowledged (none otherwise). */
  eventIds: string[];
}

export interface AckedLoad {
  /** Every event id that got a 202, in answer order. */
  readonly accepted: Set<string>;
  readonly answers: LoadAnswer[];
  /** Answers that were 503 (Redis could not take or confirm the write). */
  unavailable(): number;
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<void>;
}

/**
 * Keeps `connections` requests in flight against one ingest, each loop
 * sending the next as soon as the last is answered: every fourth loop
 * sends batches of 10, the others single events, each with an idempotency
 * key of its own. A 202 records its ids; a 503 is the honest "retry later";
 * any other answer, or a request that fails outright, fails the load.
 */
export function startAckedLoad(baseUrl: string, writeKey: string, options: { connections: number; label: string }): AckedLoad {
  const accepted = new Set<string>();
  const answers: LoadAnswer[] = [];
  let stopping = false;
  let failure: Error | undefined;
  const post = async (path: string, body: unknown): Promise<{ status: number; body: any }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(baseUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const loop = async (index: number) => {
    for (let n = 0; !stopping && !failure; n++) {
      const key = `${options.label}-${index}-${n}`;
      const batch = index % 4 === 0;
      const sentAt = performance.now();
      try {
        const answer = batch
          ? await post('/v1/batch', { events: Array.from({ length: BATCH_EVENTS }, (_, j) => seedEvent({ idempotencyKey: `${key}-${j}` })) })
          : await post('/v1/events', seedEvent({ idempotencyKey: key }));
        const eventIds: string[] = answer.status === 202 ? (batch ? answer.body.eventIds : [answer.body.eventId]) : [];
        if (answer.status !== 202 && answer.status !== 503) throw new Error(`unexpected ${answer.status}: ${JSON.stringify(answer.body)}`);
        for (const id of eventIds) accepted.add(id);
        answers.push({ sentAt, answeredAt: performance.now(), status: answer.status, eventIds });
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  const loops = Array.from({ length: options.connections }, (_, i) => loop(i));
  return {
    accepted,
    answers,
    unavailable: () => answers.filter((a) => a.status === 503).length,
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
      if (failure) throw failure;
    },
  };
}
