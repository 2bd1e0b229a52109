import http from 'node:http';
import type { PushrailMetrics } from '@pushrail/observability';

/** Longest a readiness probe waits for each dependency, in milliseconds. */
const READY_TIMEOUT_MS = 1_000;

export type ReadinessChecks = Record<string, () => Promise<unknown> | unknown>;

async function runChecks(checks: ReadinessChecks): Promise<{ ok: boolean; checks: Record<string, boolean> }> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const outcome = await Promise.race([
          Promise.resolve(check()),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS);
          }),
        ]);
        return [name, outcome !== false] as const;
      } catch {
        return [name, false] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: results.every(([, ok]) => ok), checks: Object.fromEntries(results) };
}

/** The worker's `/metrics`, `/healthz` and `/readyz`, on a bare node:http server (no framework needed). */
export function createMetricsServer(metrics: PushrailMetrics, checks: ReadinessChecks): http.Server {
  return http.createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return send(405, 'application/json', JSON.stringify({ error: { code: 'method_not_allowed', message: 'GET only' } }));
    if (path === '/healthz') return send(200, 'application/json', JSON.stringify({ ok: true }));
    if (path === '/readyz') {
      void runChecks(checks).then((report) => send(report.ok ? 200 : 503, 'application/json', JSON.stringify(report)));
      return;
    }
    if (path === '/metrics') {
      void metrics.registry.metrics().then(
        (text) => send(200, metrics.registry.contentType, text),
        () => send(500, 'application/json', JSON.stringify({ error: { code: 'internal', message: 'metrics failed' } })),
      );
      return;
    }
    send(404, 'application/json', JSON.stringify({ error: { code: 'not_found', message: `no route for GET ${path}` } }));
  });
}
