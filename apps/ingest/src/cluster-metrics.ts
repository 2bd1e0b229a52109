import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from '@pushrail/observability';

/** Message types between an ingest process and its cluster primary. */
const METRICS_REQUEST = 'pushrail:metrics-request';
const METRICS_REPLY = 'pushrail:metrics-reply';

/** Longest a process waits for the primary's aggregated figures before it answers with its own, in milliseconds. */
const AGGREGATION_TIMEOUT_MS = 5_000;

interface MetricsReply {
  type: typeof METRICS_REPLY;
  id: string;
  text?: string;
  error?: string;
}

function isReply(message: unknown, id: string): message is MetricsReply {
  return typeof message === 'object' && message !== null && (message as MetricsReply).type === METRICS_REPLY && (message as MetricsReply).id === id;
}

/**
 * In the cluster primary: answers each process's request for the metrics of
 * every process together, from prom-client's AggregatorRegistry (counters and
 * histograms summed; a gauge as its `aggregator` says).
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== METRICS_REQUEST) return;
    const { id } = message as { id: string };
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_REPLY, id, text } satisfies MetricsReply),
      (error: unknown) => worker.send({ type: METRICS_REPLY, id, error: String(error) } satisfies MetricsReply),
    );
  });
}

/**
 * The `/metrics` text of this process: alone, its own registry; as one of a
 * cluster, every process's figures aggregated by the primary (any process
 * may get the scrape, and each holds only its share of the counts).
 */
export function metricsTextFor(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker) return () => registry.metrics();
  // prom-client answers the primary's collection requests from these registries.
  AggregatorRegistry.setRegistries([registry]);
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = randomUUID();
      const onMessage = (message: unknown) => {
        if (!isReply(message, id)) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        if (message.text !== undefined) resolve(message.text);
        else reject(new Error(`the primary could not aggregate metrics: ${message.error ?? 'unknown error'}`));
      };
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new Error('the primary did not answer for metrics'));
      }, AGGREGATION_TIMEOUT_MS);
      process.on('message', onMessage);
      process.send!({ type: METRICS_REQUEST, id });
    });
}
