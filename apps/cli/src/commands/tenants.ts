import type { Command } from 'commander';
import { parsePositiveInt, parseRateLimit } from '../arguments';
import { confirmDrop } from '../confirm';
import type { CliContext } from '../context';

interface Tenant {
  id: string;
  name: string;
  rateLimitPerSec: number | null;
  createdAt: string;
}

const JSON_HELP = 'print the API answer as JSON';

function show(ctx: CliContext, tenant: Tenant, asJson: boolean | undefined): void {
  if (asJson) ctx.output.json(tenant);
  else ctx.output.record({ ...tenant, rateLimitPerSec: tenant.rateLimitPerSec ?? 'none' });
}

interface TenantPage {
  items: Tenant[];
  nextCursor: string | null;
}

/** `pushrail tenants create|get|list|set-rate-limit|delete`. */
export function registerTenants(program: Command, ctx: CliContext): void {
  const tenants = program.command('tenants').description('tenants and their rate limits');

  tenants
    .command('create')
    .description('create a tenant')
    .argument('<name>', 'its display name')
    .option('--json', JSON_HELP)
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      show(ctx, await ctx.client(command).json<Tenant>('POST', '/admin/v1/tenants', { body: { name } }), options.json);
    });

  tenants
    .command('get')
    .description('show a tenant')
    .argument('<id>', 'tenant id')
    .option('--json', JSON_HELP)
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      show(ctx, await ctx.client(command).json<Tenant>('GET', `/admin/v1/tenants/${encodeURIComponent(id)}`), options.json);
    });

  tenants
    .command('list')
    .description('list tenants in the order they were created')
    .option('--limit <n>', 'tenants per page (1 to 1000, default 100)', parsePositiveInt)
    .option('--cursor <cursor>', 'start after this page cursor (a nextCursor)')
    .option('--all', 'follow nextCursor to the end')
    .option('--json', JSON_HELP)
    .action(async (options: { limit?: number; cursor?: string; all?: boolean; json?: boolean }, command: Command) => {
      const client = ctx.client(command);
      const items: Tenant[] = [];
      let cursor = options.cursor;
      let nextCursor: string | null;
      do {
        const page = await client.json<TenantPage>('GET', '/admin/v1/tenants', { query: { limit: options.limit, cursor } });
        items.push(...page.items);
        nextCursor = page.nextCursor;
        cursor = nextCursor ?? undefined;
      } while (options.all && nextCursor);
      if (options.json) {
        ctx.output.json({ items, nextCursor });
        return;
      }
      ctx.output.table(
        ['id', 'name', 'rate limit', 'created'],
        items.map((t) => [t.id, t.name, t.rateLimitPerSec ?? 'none', t.createdAt]),
      );
      if (nextCursor) ctx.output.note(`more: --cursor ${nextCursor} for the next page, or --all`);
    });

  tenants
    .command('delete')
    .description('delete a tenant: its write keys stop at once; its destinations and their dead letters are deleted')
    .argument('<id>', 'tenant id')
    .option('--force', 'also drop events still queued for its destinations (refused otherwise)')
    .option('--yes', 'do not ask for confirmation (it drops data)')
    .action(async (id: string, options: { force?: boolean; yes?: boolean }, command: Command) => {
      const client = ctx.client(command);
      await confirmDrop(`delete tenant ${id} with its write keys, destinations and dead letters`, options.yes);
      // A 409 (events still queued) names each destination in its one error line (admin-client.ts).
      await client.send('DELETE', `/admin/v1/tenants/${encodeURIComponent(id)}`, { query: { force: options.force ? 'true' : undefined } });
      ctx.output.line(`deleted tenant ${id}`);
    });

  tenants
    .command('set-rate-limit')
    .description("set a tenant's event rate limit (takes effect within 2 s)")
    .argument('<id>', 'tenant id')
    .argument('<perSec>', 'events per second, or "none" to remove the limit', parseRateLimit)
    .option('--json', JSON_HELP)
    .action(async (id: string, perSec: number | null, options: { json?: boolean }, command: Command) => {
      const tenant = await ctx.client(command).json<Tenant>('PATCH', `/admin/v1/tenants/${encodeURIComponent(id)}`, {
        body: { rateLimitPerSec: perSec },
      });
      show(ctx, tenant, options.json);
    });
}
