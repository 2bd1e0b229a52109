/**
 * `node bench/dist/generator-cost.js [requests]`: which load generator costs
 * less CPU per request, since the generator shares the 2 cores with what it
 * measures. Both drive the same bare node:http server (a child process that
 * reads the body and answers 202 with an id) over 64 keep-alive connections,
 * pipelining 1, for the same number of requests; the figure is the bench
 * process's own CPU time per request.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { closedLoop } from './http-load';
import { textTable } from './report';
import { SINGLE_BODY } from './sample-event';
import { round } from './stats';

const CONNECTIONS = 64;

function serve(): void {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ eventId: randomUUID() }));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as { port: number }).port));
}

async function measure(name: string, requests: number, run: () => Promise<void>): Promise<string[]> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuUs = used.user + used.system;
  return [name, String(requests), String(Math.round((requests * 1000) / elapsedMs)), String(round(cpuUs / requests, 1)), String(round(cpuUs / 1e6 / (elapsedMs / 1000), 2))];
}

/**
 * The generator as first written: `pool.request` and a promise per request,
 * reading each id. Kept to show what moving to dispatch saved.
 */
async function requestLoop(pool: Pool, requests: number): Promise<void> {
  let sent = 0;
  const ids: string[] = [];
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (sent < requests) {
        sent++;
        const t = performance.now();
        const { statusCode, body } = await pool.request({
          method: 'POST',
          path: '/v1/events',
          headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
          body: SINGLE_BODY,
        });
        const text = await body.text();
        latencies.push(performance.now() - t);
        if (statusCode === 202) ids.push((JSON.parse(text) as { eventId: string }).eventId);
      }
    }),
  );
  await pool.close();
}

async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 100_000);
  const child = fork(__filename, ['--serve'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(Number(p))));
  const url = `http://127.0.0.1:${port}`;
  try {
    const rows: string[][] = [];
    for (let round = 0; round < 2; round++) {
      rows.push(
        await measure('undici pool.request (before)', requests, async () => {
          await requestLoop(new Pool(url, { connections: CONNECTIONS, pipelining: 1 }), requests);
        }),
      );
      rows.push(
        await measure('undici dispatch (http-load.ts)', requests, async () => {
          await closedLoop({ baseUrl: url, path: '/v1/events', body: SINGLE_BODY, writeKey: 'x', connections: CONNECTIONS, durationMs: 600_000, maxRequests: requests });
        }),
      );
      rows.push(
        await measure('autocannon', requests, async () => {
          await autocannon({
            url: `${url}/v1/events`,
            method: 'POST',
            connections: CONNECTIONS,
            pipelining: 1,
            amount: requests,
            headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
            body: SINGLE_BODY,
          });
        }),
      );
      rows.push(
        await measure('autocannon, reading each id', requests, async () => {
          const ids: string[] = [];
          await autocannon({
            url: `${url}/v1/events`,
            connections: CONNECTIONS,
            pipelining: 1,
            amount: requests,
            requests: [
              {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
                body: SINGLE_BODY,
                onResponse: (status: number, body: string) => {
                  if (status === 202) ids.push((JSON.parse(body) as { eventId: string }).eventId);
                },
              },
            ],
          });
          if (ids.length !== requests) throw new Error(`autocannon read ${ids.length} ids of ${requests}`);
        }),
      );
    }
    console.log(textTable(['generator', 'requests', 'requests/s', 'generator CPU µs/request', 'generator cores busy'], rows));
  } finally {
    child.kill();
  }
}

if (process.argv[2] === '--serve') serve();
else void main();
