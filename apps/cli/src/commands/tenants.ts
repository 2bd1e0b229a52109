import type { Command } from 'commander';
import { parseRateLimit } from '../arguments';
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

/** `pushrail tenants create|get|set-rate-limit`. */
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
