import type { ControlDb } from '@pushrail/control-db';
import { checkReadiness, type PushrailMetrics } from '@pushrail/observability';
import { DocumentedRoutes } from '../openapi/documented-routes';
import type { Redis } from 'ioredis';
import type { HealthResponse, ReadinessResponse } from './health-schemas';

/** `/healthz` (the process lives), `/readyz` (Redis and the control database answer), `/metrics`. */
export function healthRoutes(deps: { db: ControlDb; redis: Redis; metrics: PushrailMetrics; metricsText?: () => Promise<string> }): DocumentedRoutes {
  const metricsText = deps.metricsText ?? (() => deps.metrics.registry.metrics());
  const routes = new DocumentedRoutes('');
  routes.serve('health', (_req, res) => {
    res.json({ ok: true } satisfies HealthResponse);
  });
  routes.serve('readiness', async (_req, res) => {
    const report = await checkReadiness({ redis: () => deps.redis.ping(), controlDb: () => deps.db.ping() });
    res.status(report.ok ? 200 : 503).json(report satisfies ReadinessResponse);
  });
  routes.serve('metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await metricsText());
  });
  return routes;
}
