import http from 'node:http';
import { checkReadiness, type PushrailMetrics, type ReadinessCheck } from '@pushrail/observability';

export type ReadinessChecks = Record<string, ReadinessCheck>;

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
      void checkReadiness(checks).then((report) => send(report.ok ? 200 : 503, 'application/json', JSON.stringify(report)));
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
