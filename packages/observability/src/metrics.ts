import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Pushrail metric, on a registry of the process's own (not prom-client's
 * global one, so an ingest and a worker can live in one test process).
 * Labels are bounded: `destination_id`, `error_kind`, and for HTTP a route
 * template, method and status; never an event id.
 */
export class PushrailMetrics {
  readonly registry = new Registry();

  readonly eventsAccepted = new Counter({
    name: 'pushrail_events_accepted_total',
    help: 'Events answered 202: durable in Redis for every destination.',
    registers: [this.registry],
  });

  readonly eventsUnrouted = new Counter({
    name: 'pushrail_events_unrouted_total',
    help: 'Events answered 202 that no destination of their tenant takes (none at all, or no eventTypes filter matches): they go nowhere.',
    labelNames: ['tenant_id'] as const,
    registers: [this.registry],
  });

  readonly eventsDelivered = new Counter({
    name: 'pushrail_events_delivered_total',
    help: 'Events committed to the destination (including those skipped as already there).',
    labelNames: ['destination_id'] as const,
    registers: [this.registry],
  });

  readonly duplicatesSkipped = new Counter({
    name: 'pushrail_events_duplicates_skipped_total',
    help: "Rows a batch's INSERT skipped because the event was already there (from its row count).",
    labelNames: ['destination_id'] as const,
    registers: [this.registry],
  });

  readonly eventsDeadLettered = new Counter({
    name: 'pushrail_events_dead_lettered_total',
    help: 'Events moved to the dead-letter table.',
    labelNames: ['destination_id', 'error_kind'] as const,
    registers: [this.registry],
  });

  readonly deliveryRetries = new Counter({
    name: 'pushrail_delivery_retries_total',
    help: 'Batches that failed transiently and will be retried.',
    labelNames: ['destination_id'] as const,
    registers: [this.registry],
  });

  readonly deliveryErrors = new Counter({
    name: 'pushrail_delivery_errors_total',
    help: 'Events in batch writes that failed, by error kind (a retried event counts again).',
    labelNames: ['destination_id', 'error_kind'] as const,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'pushrail_batch_size',
    help: 'Events per committed batch.',
    buckets: [1, 5, 10, 50, 100, 250, 500, 750, 1000, 2500, 5000],
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'pushrail_delivery_latency_seconds',
    help: 'From receipt at ingest to commit in the destination, in seconds.',
    labelNames: ['destination_id'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.25, 1.5, 2, 3, 5, 10, 30, 60, 300, 3600],
    registers: [this.registry],
  });

  /** Ingest's HTTP answers. `route` is the route's template (`/admin/v1/destinations/:id`), never a raw path or an id. */
  readonly httpRequests = new Counter({
    name: 'pushrail_http_requests_total',
    help: 'HTTP requests answered by ingest, by route template, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'pushrail_http_request_duration_seconds',
    help: 'From the request reaching ingest to its answer sent, in seconds, by route template and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
