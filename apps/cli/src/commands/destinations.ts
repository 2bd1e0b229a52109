import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../context';
import { CliError, UsageError } from '../errors';
import { confirmDrop } from '../confirm';
import { readSeedFile } from '../seed-file';
import { ago, fetchStatuses, stateText, statusPath, statusRecord, type DestinationStatus } from './destination-status';

/** A destination as the API shows it (secrets redacted). */
interface DestinationView {
  id: string;
  tenantId: string;
  name: string;
  type: string;
  target: { host: string; port: number; database: string; table: string };
  config: Record<string, unknown>;
  paused: boolean;
  pausedReason: string | null;
  pausedMessage: string | null;
  pausedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface TestReport {
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; message?: string }>;
}

const JSON_HELP = 'print the API answer as JSON';
const path = (id: string, rest = '') => `/admin/v1/destinations/${encodeURIComponent(id)}${rest}`;

function state(d: DestinationView): string {
  return d.paused ? `paused (${d.pausedReason ?? 'unknown'})` : 'active';
}

function show(ctx: CliContext, destination: DestinationView, asJson: boolean | undefined): void {
  if (asJson) ctx.output.json(destination);
  else ctx.output.record({ ...destination, state: state(destination) });
}

/**
 * `--set batchSize=500 --set auth.mode=PASSWORD` → `{batchSize: 500, auth: {mode: 'PASSWORD'}}`:
 * a value is JSON when it parses as JSON (numbers, booleans, null, quoted strings), else the text.
 */
export function collectSet(pair: string, previous: Record<string, unknown>): Record<string, unknown> {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`${JSON.stringify(pair)} is not field=value.`);
  const path = pair.slice(0, eq).split('.');
  if (path.some((part) => part === '' || part === '__proto__' || part === 'constructor' || part === 'prototype')) {
    throw new InvalidArgumentError(`${JSON.stringify(pair.slice(0, eq))} is not a field name.`);
  }
  const text = pair.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  let target = previous;
  for (const part of path.slice(0, -1)) {
    const next = target[part];
    target = (target[part] = next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
  }
  target[path[path.length - 1]!] = value;
  return previous;
}

/** The file's fields with the --set fields over them, nested objects merged. */
export function mergePatch(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    const bothObjects = [current, value].every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    merged[key] = bothObjects ? mergePatch(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return merged;
}

/** `pushrail destinations create|list|get|update|status|test|ddl|pause|resume|delete`. */
export function registerDestinations(program: Command, ctx: CliContext): void {
  const destinations = program.command('destinations').description("where events go: the customers' databases");

  destinations
    .command('create')
    .description('create a destination from a JSON config file (type POSTGRES, MYSQL or CLICKHOUSE, with its fields: see the README)')
    .requiredOption('--tenant <id>', 'the tenant whose events it receives')
    .requiredOption('--file <path>', 'the destination config, a JSON file')
    .option('--json', JSON_HELP)
    .action(async (options: { tenant: string; file: string; json?: boolean }, command: Command) => {
      const client = ctx.client(command);
      const seed = await readSeedFile(options.file);
      if ('tenantId' in seed && seed.tenantId !== options.tenant) {
        throw new UsageError(`${options.file} names tenant ${String(seed.tenantId)} but --tenant is ${options.tenant}`);
      }
      const created = await client.json<DestinationView>('POST', '/admin/v1/destinations', {
        body: { ...seed, tenantId: options.tenant },
      });
      show(ctx, created, options.json);
    });

  destinations
    .command('list')
    .description('list destinations')
    .option('--tenant <id>', "only this tenant's")
    .option('--json', JSON_HELP)
    .action(async (options: { tenant?: string; json?: boolean }, command: Command) => {
      const answer = await ctx.client(command).json<{ items: DestinationView[] }>('GET', '/admin/v1/destinations', {
        query: { tenantId: options.tenant },
      });
      if (options.json) {
        ctx.output.json(answer);
        return;
      }
      const statuses = await fetchStatuses(ctx.client(command), answer.items.map((d) => d.id));
      ctx.output.table(
        ['id', 'name', 'tenant', 'type', 'database', 'table', 'state', 'depth', 'last delivery'],
        answer.items.map((d) => {
          const status = statuses.get(d.id);
          return [
            d.id,
            d.name,
            d.tenantId,
            d.type,
            `${d.target.host}:${d.target.port}/${d.target.database}`,
            `${d.target.table}${d.config.tableMode === 'per_event_type' ? '_*' : ''}`,
            status ? stateText(status) : state(d),
            status?.queueDepth,
            status ? ago(status.lastDeliveredAt) : undefined,
          ];
        }),
      );
    });

  destinations
    .command('get')
    .description('show a destination (secrets redacted)')
    .argument('<id>', 'destination id')
    .option('--json', JSON_HELP)
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      show(ctx, await ctx.client(command).json<DestinationView>('GET', path(id)), options.json);
    });

  destinations
    .command('update')
    .description('change a destination (PATCH: the fields given are merged over its config and validated like a create)')
    .argument('<id>', 'destination id')
    .option('--file <path>', 'the fields to change, a JSON file (a password given there replaces the stored one)')
    .option('--set <field=value...>', 'a field to change, e.g. batchSize=500 or auth.mode=RDS_IAM (values are JSON when they parse as JSON)', collectSet, {})
    .option('--json', JSON_HELP)
    .action(async (id: string, options: { file?: string; set: Record<string, unknown>; json?: boolean }, command: Command) => {
      const client = ctx.client(command);
      const patch = mergePatch(options.file ? await readSeedFile(options.file) : {}, options.set);
      if (Object.keys(patch).length === 0) throw new UsageError('update needs --file or at least one --set field=value');
      show(ctx, await client.json<DestinationView>('PATCH', path(id), { body: patch }), options.json);
    });

  destinations
    .command('status')
    .description('show a destination\'s state, queue, deliveries and dead letters of the last 24 h, and its last error')
    .argument('<id>', 'destination id')
    .option('--json', JSON_HELP)
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const status = await ctx.client(command).json<DestinationStatus>('GET', statusPath(id));
      if (options.json) ctx.output.json(status);
      else ctx.output.record(statusRecord(id, status));
    });

  destinations
    .command('test')
    .description('check a destination: host, connect, TLS, an INSERT rolled back; exits 1 when a check fails')
    .argument('<id>', 'destination id')
    .option('--event-type <type>', 'check the table of this event type (per_event_type mode)')
    .option('--json', JSON_HELP)
    .action(async (id: string, options: { eventType?: string; json?: boolean }, command: Command) => {
      const report = await ctx.client(command).json<TestReport>('POST', path(id, '/test'), {
        query: { eventType: options.eventType },
      });
      if (options.json) ctx.output.json(report);
      else {
        for (const check of report.checks) {
          ctx.output.line(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}${check.message ? `: ${check.message}` : ''}`);
        }
      }
      if (!report.ok) {
        const failed = report.checks.find((c) => !c.ok);
        throw new CliError(`destination ${id} failed its test${failed ? ` at ${failed.name}: ${failed.message ?? 'no detail'}` : ''}`);
      }
    });

  destinations
    .command('ddl')
    .description('print the CREATE TABLE and GRANT statements the customer runs')
    .argument('<id>', 'destination id')
    .option('--event-type <type>', 'the table of this event type (per_event_type mode)')
    .action(async (id: string, options: { eventType?: string }, command: Command) => {
      ctx.output.line(await ctx.client(command).text('GET', path(id, '/ddl'), { query: { eventType: options.eventType } }));
    });

  for (const [verb, description] of [
    ['pause', 'stop delivering to a destination; events keep queueing'],
    ['resume', 'deliver to a paused destination again'],
  ] as const) {
    destinations
      .command(verb)
      .description(description)
      .argument('<id>', 'destination id')
      .option('--json', JSON_HELP)
      .action(async (id: string, options: { json?: boolean }, command: Command) => {
        const destination = await ctx.client(command).json<DestinationView>('POST', path(id, `/${verb}`));
        if (options.json) ctx.output.json(destination);
        else ctx.output.line(`${verb === 'pause' ? 'paused' : 'resumed'} destination ${destination.id} (${destination.name}): ${state(destination)}`);
      });
  }

  destinations
    .command('delete')
    .description('delete a destination and drop the events queued for it')
    .argument('<id>', 'destination id')
    .option('--yes', 'do not ask for confirmation (it drops data)')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      const client = ctx.client(command);
      await confirmDrop(`delete destination ${id} and drop the events queued for it`, options.yes);
      await client.send('DELETE', path(id));
      ctx.output.line(`deleted destination ${id}`);
    });
}
