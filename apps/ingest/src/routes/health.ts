import type { ControlDb } from '@pushrail/control-db';
import type { PushrailMetrics } from '@pushrail/observability';
import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { HealthResponse, ReadinessResponse } from './health-schemas';

/** Longest a readiness probe waits for each dependency, in milliseconds. */
const READY_TIMEOUT_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Checks each dependency; the answer names the failing ones and nothing more. */
export async function readiness(checks: Record<string, () => Promise<unknown>>): Promise<{ ok: boolean; checks: Record<string, boolean> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), READY_TIMEOUT_MS);
        return [name, true] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  return { ok: entries.every(([, ok]) => ok), checks: Object.fromEntries(entries) };
}

/** `/healthz` (the process lives), `/readyz` (Redis and the control database answer), `/metrics`. */
export function healthRoutes(deps: { db: ControlDb; redis: Redis; metrics: PushrailMetrics }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true } satisfies HealthResponse);
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness({ redis: () => deps.redis.ping(), controlDb: () => deps.db.ping() });
    res.status(report.ok ? 200 : 503).json(report satisfies ReadinessResponse);
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
