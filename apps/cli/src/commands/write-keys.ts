import type { Command } from 'commander';
import type { CliContext } from '../context';
import { registerWriteKeyList } from './write-key-list';

interface CreatedWriteKey {
  id: string;
  key: string;
  prefix: string;
  tenantId: string;
  createdAt: string;
}

/** `pushrail write-keys create|list|revoke`. */
export function registerWriteKeys(program: Command, ctx: CliContext): void {
  const writeKeys = program.command('write-keys').description("tenants' write keys (for POST /v1/events)");

  writeKeys
    .command('create')
    .description('create a write key for a tenant; the key is printed this once')
    .argument('<tenantId>', 'tenant id')
    .option('--json', 'print the API answer as JSON')
    .action(async (tenantId: string, options: { json?: boolean }, command: Command) => {
      const created = await ctx.client(command).json<CreatedWriteKey>(
        'POST',
        `/admin/v1/tenants/${encodeURIComponent(tenantId)}/write-keys`,
      );
      if (options.json) {
        ctx.output.json(created);
        return;
      }
      ctx.output.record({ id: created.id, tenantId: created.tenantId, prefix: created.prefix, createdAt: created.createdAt });
      // The key alone on its line, so it can be copied (or cut from a pipe) whole; it is stored hashed.
      ctx.output.line(created.key);
      ctx.output.note('The key above is shown once: Pushrail stores only its hash. Keep it now.');
    });

  registerWriteKeyList(writeKeys, ctx);

  writeKeys
    .command('revoke')
    .description('revoke a write key; it stops working at once')
    .argument('<keyId>', 'write key id (not the key)')
    .action(async (keyId: string, _options: unknown, command: Command) => {
      await ctx.client(command).send('DELETE', `/admin/v1/write-keys/${encodeURIComponent(keyId)}`);
      ctx.output.line(`revoked write key ${keyId}`);
    });
}
