import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from '@pushrail/observability';

/**
 * `/metrics` across a cluster of ingest processes (docs/design.md, "Ingest
 * processes"): any process may get the scrape, and each holds only its share
 * of the counts, so the one that gets it asks the primary, which collects
 * every process's registry as JSON and merges them with prom-client's
 * AggregatorRegistry.aggregate (counters and histograms summed; a gauge as
 * its `aggregator` says).
 *
 * Our own messages rather than AggregatorRegistry.clusterMetrics(): its
 * listener in the processes did not answer here (prom-client 15.1.3, measured
 * with two ingest processes), and these few lines are all it takes.
 */

type Message =
  | { type: 'pushrail:metrics-request'; id: string }
  | { type: 'pushrail:metrics-collect'; id: string }
  | { type: 'pushrail:metrics-collected'; id: string; metrics?: unknown[]; error?: string }
  | { type: 'pushrail:metrics-reply'; id: string; text?: string; error?: string };

/** Longest a scrape waits for the cluster's figures, in milliseconds. */
const AGGREGATION_TIMEOUT_MS = 5_000;

function isMessage(value: unknown): value is Message {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && typeof (value as { id?: unknown }).id === 'string';
}

/** Waits for the first message `accept` takes, or rejects after the timeout. */
function nextMessage<T extends Message>(
  on: (listener: (message: unknown) => void) => void,
  off: (listener: (message: unknown) => void) => void,
  accept: (message: Message) => message is T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (message: unknown) => {
      if (!isMessage(message) || !accept(message)) return;
      clearTimeout(timer);
      off(listener);
      resolve(message);
    };
    const timer = setTimeout(() => {
      off(listener);
      reject(new Error('an ingest process did not answer for metrics in time'));
    }, AGGREGATION_TIMEOUT_MS);
    on(listener);
  });
}

/** Every live process's registry, as JSON. */
async function collect(): Promise<unknown[][]> {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
  const replies = await Promise.all(
    workers.map((worker) => {
      const id = randomUUID();
      const reply = nextMessage(
        (l) => worker.on('message', l),
        (l) => worker.off('message', l),
        (m): m is Extract<Message, { type: 'pushrail:metrics-collected' }> => m.type === 'pushrail:metrics-collected' && m.id === id,
      );
      worker.send({ type: 'pushrail:metrics-collect', id } satisfies Message);
      return reply;
    }),
  );
  return replies.map((r) => {
    if (!r.metrics) throw new Error(r.error ?? 'no metrics');
    return r.metrics;
  });
}

/** In the cluster primary: answers each process's scrape with every process's figures together. */
export function serveClusterMetrics(): void {
  cluster.on('message', (worker, message: unknown) => {
    if (!isMessage(message) || message.type !== 'pushrail:metrics-request') return;
    const { id } = message;
    collect()
      .then((all) => AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics())
      .then(
        (text) => worker.send({ type: 'pushrail:metrics-reply', id, text } satisfies Message),
        (error: unknown) => worker.send({ type: 'pushrail:metrics-reply', id, error: String(error) } satisfies Message),
      );
  });
}

/** The `/metrics` text of this process: alone, its own registry; in a cluster, every process's figures. */
export function metricsTextFor(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  process.on('message', (message: unknown) => {
    if (!isMessage(message) || message.type !== 'pushrail:metrics-collect') return;
    registry.getMetricsAsJSON().then(
      (metrics) => process.send!({ type: 'pushrail:metrics-collected', id: message.id, metrics } satisfies Message),
      (error: unknown) => process.send!({ type: 'pushrail:metrics-collected', id: message.id, error: String(error) } satisfies Message),
    );
  });
  return async () => {
    const id = randomUUID();
    const reply = nextMessage(
      (l) => process.on('message', l),
      (l) => process.off('message', l),
      (m): m is Extract<Message, { type: 'pushrail:metrics-reply' }> => m.type === 'pushrail:metrics-reply' && m.id === id,
    );
    process.send!({ type: 'pushrail:metrics-request', id } satisfies Message);
    const answer = await reply;
    if (answer.text === undefined) throw new Error(`the cluster's metrics could not be gathered: ${answer.error ?? 'unknown error'}`);
    return answer.text;
  };
}
