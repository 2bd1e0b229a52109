import type { Command } from 'commander';
import type { CliContext } from '../context';

interface PortalLink {
  url: string;
  expiresAt: string;
}

/** `pushrail portal-link <tenantId>`: a single-use link to the customer portal, to hand to the customer. */
export function registerPortalLink(program: Command, ctx: CliContext): void {
  program
    .command('portal-link')
    .description("print a single-use link that opens the customer portal for one tenant's people")
    .argument('<tenantId>', 'tenant id')
    .option('--read-only', 'the session may look but change nothing')
    .option('--json', 'print the API answer as JSON')
    .action(async (tenantId: string, options: { readOnly?: boolean; json?: boolean }, command: Command) => {
      const link = await ctx.client(command).json<PortalLink>('POST', `/admin/v1/tenants/${encodeURIComponent(tenantId)}/portal-links`, {
        body: { readOnly: options.readOnly === true },
      });
      if (options.json) {
        ctx.output.json(link);
        return;
      }
      // The link alone on its line, so it can be copied whole.
      ctx.output.line(link.url);
      ctx.output.note(`Opens once, until ${link.expiresAt}${options.readOnly ? ', read-only' : ''}.`);
    });
}
