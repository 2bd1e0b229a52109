import type { Command } from 'commander';
import type { CliContext } from '../context';

/** `GET /admin/v1/tenants/:id/write-keys`: never the key. */
interface WriteKeySummary {
  id: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * Adds `list <tenantId>` to a command group: a tenant's write keys with
 * prefix, creation, last use and revocation. Registered as `write-keys list`
 * and, for operators who think of them as "keys", `keys list`.
 */
export function registerWriteKeyList(group: Command, ctx: CliContext): void {
  group
    .command('list')
    .description("list a tenant's write keys: id, prefix, created, last used (to the minute), revoked; never the key")
    .argument('<tenantId>', 'tenant id')
    .option('--json', 'print the API answer as JSON')
    .action(async (tenantId: string, options: { json?: boolean }, command: Command) => {
      const answer = await ctx.client(command).json<{ items: WriteKeySummary[] }>(
        'GET',
        `/admin/v1/tenants/${encodeURIComponent(tenantId)}/write-keys`,
      );
      if (options.json) {
        ctx.output.json(answer);
        return;
      }
      ctx.output.table(
        ['id', 'prefix', 'created', 'last used', 'state'],
        answer.items.map((k) => [k.id, k.prefix, k.createdAt, k.lastUsedAt ?? 'never', k.revokedAt ? `revoked ${k.revokedAt}` : 'active']),
      );
    });
}
