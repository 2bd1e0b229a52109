/**
 * Helpers of the scale-out tests (scale-*.int.test.ts): many destinations on
 * one pipeline, who holds their leases, and what a process has open.
 */
import fs from 'node:fs';
import { leaseKey } from '@pushrail/queue';
import { waitFor, withPgClient } from '@pushrail/testing';
import { type Pipeline, seedEvent } from './pipeline';

/** Table names `events_0` … `events_<n-1>`. */
export function numberedTables(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `events_${i}`);
}

/** Creates one destination per table through the admin API (on the pipeline's tenant by default); returns their ids in table order. */
export async function createDestinations(
  pipeline: Pipeline,
  tables: string[],
  overrides: Record<string, unknown> = {},
  tenantId = pipeline.tenantId,
): Promise<string[]> {
  const ids: string[] = [];
  // A few at a time: the admin API checks each one (SSRF guard, encryption) and the order must follow the tables.
  for (let start = 0; start < tables.length; start += 25) {
    const answers = await Promise.all(
      tables.slice(start, start + 25).map((table) =>
        pipeline.admin('POST', '/admin/v1/destinations', {
          tenantId,
          ...pipeline.destinationConfig({ name: `scale ${table}`, table, ...overrides }),
        }),
      ),
    );
    for (const answer of answers) {
      if (answer.status !== 201) throw new Error(`destination not created: ${answer.status} ${answer.text}`);
      ids.push(answer.body.id as string);
    }
  }
  return ids;
}

/** The pid inside a worker id (`<hostname>-<pid>-<8 hex>`, see createWorker), or undefined. */
export function pidOfWorkerId(workerId: string | null): number | undefined {
  const match = /-(\d+)-[0-9a-f]{8}$/.exec(workerId ?? '');
  return match ? Number(match[1]) : undefined;
}

/** For each destination, the pid of the worker process holding its lease now (undefined: nobody). */
export async function leaseHolders(pipeline: Pipeline, destinationIds: string[]): Promise<Map<string, number | undefined>> {
  const values = await Promise.all(destinationIds.map((id) => pipeline.redis.get(leaseKey(pipeline.prefix, id))));
  return new Map(destinationIds.map((id, i) => [id, pidOfWorkerId(values[i] ?? null)]));
}

/** `count` seed events with unique idempotency keys under `tag`. */
export function seedEvents(tag: string, from: number, count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => seedEvent({ idempotencyKey: `${tag}-${from + i}`, payload: { n: from + i } }));
}

/**
 * Sends batches of `batchSize` events every `everyMs` until stopped, keeping
 * every id ingest acknowledged. Any answer but 202 fails the sender.
 */
export function startSteadyLoad(pipeline: Pipeline, options: { tag: string; batchSize: number; everyMs: number }) {
  const accepted: string[] = [];
  let stopped = false;
  let sent = 0;
  const run = (async () => {
    while (!stopped) {
      const tick = Date.now();
      const answer = await pipeline.postBatch(seedEvents(options.tag, sent, options.batchSize));
      if (answer.status !== 202) throw new Error(`ingest answered ${answer.status}: ${answer.text}`);
      accepted.push(...(answer.body.eventIds as string[]));
      sent += options.batchSize;
      // Pacing, not a condition: the load is a steady rate of batches.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, options.everyMs - (Date.now() - tick))));
    }
  })();
  return {
    accepted,
    /** Stops sending; resolves once the last batch was answered (rejects if any was refused). */
    stop: async () => {
      stopped = true;
      await run;
      return accepted;
    },
  };
}

/**
 * For each table: how many rows it holds and how many of them are among
 * `ids`. Every id landed once in a table exactly when both equal `ids.length`
 * (event_id is the primary key, so a row cannot be there twice).
 */
export async function tableCounts(
  pipeline: Pipeline,
  tables: string[],
  ids: string[],
): Promise<Map<string, { rows: number; matching: number }>> {
  return withPgClient(pipeline.customer.adminUrl, async (client) => {
    const counts = new Map<string, { rows: number; matching: number }>();
    for (const table of tables) {
      const result = await client.query(
        `SELECT count(*)::int AS rows, count(*) FILTER (WHERE event_id = ANY($1::uuid[]))::int AS matching FROM pushrail.${table}`,
        [ids],
      );
      counts.set(table, result.rows[0]);
    }
    return counts;
  });
}

/**
 * Waits until every one of `tables` holds a row for each accepted id, then
 * asserts each holds exactly those: every acknowledged event once in every table.
 */
export async function expectEveryTableHoldsEachOnce(pipeline: Pipeline, tables: string[], accepted: string[], timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => [...(await tableCounts(pipeline, tables, accepted)).values()].every((c) => c.rows === accepted.length), {
    description: `${accepted.length} events in each of the ${tables.length} tables`,
    timeoutMs,
    intervalMs: 250,
  });
  const counts = await tableCounts(pipeline, tables, accepted);
  for (const table of tables) expect([table, counts.get(table)]).toEqual([table, { rows: accepted.length, matching: accepted.length }]);
}

/** Total rows over `tables`. */
export async function totalRows(pipeline: Pipeline, tables: string[]): Promise<number> {
  return withPgClient(pipeline.customer.adminUrl, async (client) => {
    const union = tables.map((t) => `SELECT count(*) AS n FROM pushrail.${t}`).join(' UNION ALL ');
    return Number((await client.query(`SELECT sum(n)::bigint AS total FROM (${union}) AS c`)).rows[0].total);
  });
}

/** Socket inodes a process has open (from /proc/<pid>/fd). */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return inodes;
}


/** Local ports of the clients Redis lists (CLIENT LIST), with their names. */
export async function redisClients(pipeline: Pipeline): Promise<Array<{ port: number; name: string }>> {
  const list = (await pipeline.redis.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      return { port: Number(String(fields.addr).split(':').pop()), name: String(fields.name ?? '') };
    });
}

/** Local ports of a process's TCP connections to 127.0.0.1:`remotePort`. */
export function localPortsTo(pid: number, remotePort: number): Set<number> {
  const inodes = socketInodes(pid);
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      if (parseInt(fields[2]!.split(':')[1]!, 16) === remotePort && inodes.has(fields[9]!)) {
        ports.add(parseInt(fields[1]!.split(':')[1]!, 16));
      }
    }
  }
  return ports;
}
