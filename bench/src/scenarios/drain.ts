import type { QueuedEvent } from '@pushrail/events';
import type { BenchStack } from '../bench-stack';
import { CpuMeter } from '../cpu-meter';
import { Deployment, peaks } from '../deployment';
import { medianOfRuns, type Measurement, type RunSize } from '../measurement';
import { queuedSampleEvents } from '../sample-event';
import { perSecond } from '../stats';

/** Jobs written to Redis at once while pre-queuing. */
const ENQUEUE_IN_FLIGHT = 8;

/**
 * The shapes measured. One destination is leased by one worker at a time,
 * so a second worker process cannot speed up a single destination's drain;
 * the 2-destination lines show what a second process adds when there is
 * work for both.
 */
interface DrainVariant {
  /** Destinations that get events (the drain's events split evenly over them). */
  destinations: number;
  workers: number;
  /** More destinations of the tenant that get none. */
  idle?: number;
}

const VARIANTS: readonly DrainVariant[] = [
  { destinations: 1, workers: 1 },
  { destinations: 1, workers: 2 },
  { destinations: 2, workers: 1 },
  { destinations: 2, workers: 2 },
];

/**
 * Many destinations: 1,000 of a tenant, 100 of them with events, 1 worker
 * (issue 21's goal: at least 70 % of the 1-destination drain). The worker
 * leases only destinations with work, so the idle 900 should cost nothing.
 */
const MANY_DESTINATIONS: DrainVariant = { destinations: 100, workers: 1, idle: 900 };

/** The many-destinations drain (`--only=drain-many`; in every full run). */
export async function runDrainMany(stack: BenchStack, size: RunSize, cpuProfDir?: string): Promise<Measurement[]> {
  return [await measureDrain(stack, size, MANY_DESTINATIONS, 1, cpuProfDir)];
}

/**
 * Drain: `drainEvents` events already queued, in jobs of `drainJobEvents`
 * events (the shape group commit and `POST /v1/batch` make), written with
 * EventProducer.enqueue as ingest writes them; then the worker process(es)
 * start, and the clock runs from the first worker answering /healthz to the
 * last row's commit.
 */
export async function runDrain(stack: BenchStack, size: RunSize, cpuProfDir?: string): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const variant of VARIANTS) {
    // 1 destination, 1 worker is the drain goal's line: its median of goalLineRuns.
    const runs = variant.destinations === 1 && variant.workers === 1 ? size.goalLineRuns : 1;
    out.push(await medianOfRuns(runs, (run) => measureDrain(stack, size, variant, run, cpuProfDir)));
  }
  return out;
}

/** One drain of one variant, from a quiet server (the previous drain's 200,000 rows would set off autovacuum during it). */
async function measureDrain(
  stack: BenchStack,
  size: RunSize,
  variant: DrainVariant,
  run: number,
  cpuProfDir: string | undefined,
): Promise<Measurement> {
  await stack.settle();
  const label = `drain${variant.destinations}d${variant.workers}w${run > 1 ? `r${run}` : ''}`;
  const deployment = await Deployment.start(stack, {
    label,
    destinations: variant.destinations,
    ...(variant.idle ? { idleDestinations: variant.idle } : {}),
    ...(cpuProfDir ? { cpuProfDir } : {}),
  });
  try {
    const perDestination = Math.floor(size.drainEvents / variant.destinations);
    const queued = new Map<string, QueuedEvent[]>();
    const enqueueStarted = performance.now();
    for (const destination of deployment.destinations) {
      const events = queuedSampleEvents(perDestination);
      queued.set(destination.id, events);
      await enqueueInJobs(deployment, destination.id, events, size.drainJobEvents);
    }
    const enqueueMs = performance.now() - enqueueStarted;
    const workers = await deployment.startWorkers(variant.workers);
    const cpu = new CpuMeter(deployment.cpuSources());
    const upAt = Math.min(...workers.map((w) => w.upAt));
    const spawnedAt = Math.min(...workers.map((w) => w.process.startedAt));
    let lastCommitMs = 0;
    let firstCommitMs = Number.POSITIVE_INFINITY;
    let lost = 0;
    let unexpected = 0;
    let rows = 0;
    for (const destination of deployment.destinations) await destination.table.waitForRows(perDestination, size.settleTimeoutMs);
    // Read before the bench's own checks below: their queries over 200,000 rows are not the drain's work.
    const cpuSeconds = cpu.read();
    for (const destination of deployment.destinations) {
      const span = await destination.table.commitSpan();
      lastCommitMs = Math.max(lastCommitMs, span.lastCommitMs);
      firstCommitMs = Math.min(firstCommitMs, span.firstCommitMs);
      const check = await destination.table.check(queued.get(destination.id)!.map((e) => e.id));
      lost += check.lost;
      unexpected += check.unexpected;
      rows += check.rows;
    }
    const report = await deployment.stop();
    const many = variant.idle !== undefined;
    return {
      key: many ? 'drain.many' : `drain.${variant.destinations}d${variant.workers}w`,
      label: many
        ? `drain: ${variant.destinations + variant.idle!} destinations, ${variant.destinations} with events, ${variant.workers} worker process`
        : `drain: ${variant.destinations} destination${variant.destinations > 1 ? 's' : ''}, ${variant.workers} worker process${variant.workers > 1 ? 'es' : ''}`,
      events: rows,
      eventsPerSec: perSecond(rows, lastCommitMs - upAt),
      lost,
      duplicated: unexpected + report.duplicatesSkipped,
      ...peaks(report),
      detail: {
        jobEvents: size.drainJobEvents,
        enqueueMs: Math.round(enqueueMs),
        spawnToUpMs: upAt - spawnedAt,
        spawnToFirstCommitMs: Math.round(firstCommitMs - spawnedAt),
        eventsPerSecFromSpawn: perSecond(rows, lastCommitMs - spawnedAt),
        cpuSeconds,
        deadLettered: report.deadLettered,
      },
    };
  } finally {
    await deployment.stop();
    await stack.flushRedis();
  }
}

/** Queues `events` for a destination in jobs of `jobEvents`, as ingest writes them (EventProducer.enqueue). */
export async function enqueueInJobs(deployment: Deployment, destinationId: string, events: QueuedEvent[], jobEvents: number): Promise<void> {
  const producer = deployment.eventProducer();
  let next = 0;
  await Promise.all(
    Array.from({ length: ENQUEUE_IN_FLIGHT }, async () => {
      while (next < events.length) {
        const job = events.slice(next, next + jobEvents);
        next += job.length;
        await producer.enqueue(destinationId, job);
      }
    }),
  );
}
