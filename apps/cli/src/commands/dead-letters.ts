import type { Command } from 'commander';
import { ERROR_KINDS_TEXT, parseErrorKind, parseIdList, parsePositiveInt, parseStatus, parseTime } from '../arguments';
import type { AdminClient, Query } from '../admin-client';
import type { CliContext } from '../context';
import { confirmDrop } from '../confirm';
import { UsageError } from '../errors';
import { count } from '../output';
import { NO_PROGRESS, progressBar } from '../progress';
import { describeLeftOver, redriveByFilter, redriveByIds, REDRIVE_CHUNK } from '../redrive';

/** A dead letter as the API lists it (DeadLetterRecord, times as ISO strings). */
interface DeadLetter {
  id: string;
  destinationId: string;
  eventId: string;
  errorKind: string;
  errorCode: string | null;
  errorMessage: string;
  attempts: number;
  deadLetteredAt: string;
  redrivenAt: string | null;
  [field: string]: unknown;
}

interface Page {
  items: DeadLetter[];
  nextCursor: string | null;
}

interface ListOptions {
  destination?: string;
  errorKind?: string;
  status?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
  all?: boolean;
  json?: boolean;
}

interface RedriveOptions {
  ids?: string[];
  destination?: string;
  errorKind?: string;
  since?: string;
  until?: string;
  json?: boolean;
}

const JSON_HELP = 'print the API answer as JSON';
const TIME_HELP = 'ISO 8601, or a duration ago: 15m, 2h, 7d';

/** Every page from `cursor` on (`--all`), or just that one. */
async function fetchPages(client: AdminClient, query: Query, all: boolean): Promise<Page> {
  const items: DeadLetter[] = [];
  let cursor = query.cursor as string | undefined;
  for (;;) {
    const page = await client.json<Page>('GET', '/admin/v1/dead-letters', { query: { ...query, cursor } });
    items.push(...page.items);
    if (!all || !page.nextCursor) return { items, nextCursor: page.nextCursor ?? null };
    cursor = page.nextCursor;
  }
}

/** The event a dead letter keeps, as JSON text or already parsed, for `show`. */
function eventOf(deadLetter: DeadLetter): unknown {
  if (deadLetter.event !== undefined) return deadLetter.event;
  if (typeof deadLetter.eventJson === 'string') {
    try {
      return JSON.parse(deadLetter.eventJson);
    } catch {
      return deadLetter.eventJson;
    }
  }
  return undefined;
}

/** `pushrail dead-letters list|show|redrive|discard`. */
export function registerDeadLetters(program: Command, ctx: CliContext): void {
  const deadLetters = program.command('dead-letters').description('events that could not be delivered: list, inspect, redrive');

  deadLetters
    .command('list')
    .description('list dead letters, oldest first')
    .option('--destination <id>', "only this destination's")
    .option('--error-kind <kind>', `only ${ERROR_KINDS_TEXT}`, parseErrorKind)
    .option('--status <status>', 'pending, redriven, discarded or all (the default)', parseStatus)
    .option('--since <time>', `dead-lettered at or after (${TIME_HELP})`, (v) => parseTime(v))
    .option('--until <time>', `dead-lettered before (${TIME_HELP})`, (v) => parseTime(v))
    .option('--limit <n>', 'dead letters per page (the API allows 1 to 1000, default 100)', parsePositiveInt)
    .option('--cursor <cursor>', 'start after this page cursor (a nextCursor)')
    .option('--all', 'follow nextCursor to the end')
    .option('--json', JSON_HELP)
    .action(async (options: ListOptions, command: Command) => {
      const query: Query = {
        destinationId: options.destination,
        errorKind: options.errorKind,
        status: options.status,
        since: options.since,
        until: options.until,
        limit: options.limit,
        cursor: options.cursor,
      };
      const page = await fetchPages(ctx.client(command), query, options.all ?? false);
      if (options.json) {
        ctx.output.json(page);
        return;
      }
      const withDestination = options.destination === undefined;
      ctx.output.table(
        ['id', ...(withDestination ? ['destination'] : []), 'event', 'kind', 'code', 'attempts', 'dead-lettered', 'redriven', 'error'],
        page.items.map((d) => [
          d.id,
          ...(withDestination ? [d.destinationId] : []),
          d.eventId,
          d.errorKind,
          d.errorCode,
          d.attempts,
          d.deadLetteredAt,
          d.redrivenAt,
          d.errorMessage,
        ]),
      );
      if (page.nextCursor) ctx.output.note(`more: --cursor ${page.nextCursor} for the next page, or --all`);
    });

  deadLetters
    .command('show')
    .description('show one dead letter with its event and error')
    .argument('<id>', 'dead-letter id')
    .option('--json', JSON_HELP)
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const deadLetter = await ctx.client(command).json<DeadLetter>('GET', `/admin/v1/dead-letters/${encodeURIComponent(id)}`);
      if (options.json) {
        ctx.output.json(deadLetter);
        return;
      }
      const { event: _event, eventJson: _eventJson, ...fields } = deadLetter;
      ctx.output.record(fields);
      ctx.output.line('event:');
      ctx.output.line(JSON.stringify(eventOf(deadLetter), null, 2) ?? '-');
    });

  deadLetters
    .command('redrive')
    .description('deliver dead letters again, by id or by destination (with error kind and time filters); never duplicates a row')
    .option('--ids <ids>', 'dead-letter ids, comma-separated', parseIdList)
    .option('--destination <id>', "every pending dead letter of this destination")
    .option('--error-kind <kind>', `with --destination: only ${ERROR_KINDS_TEXT}`, parseErrorKind)
    .option('--since <time>', `with --destination: dead-lettered at or after (${TIME_HELP})`, (v) => parseTime(v))
    .option('--until <time>', `with --destination: dead-lettered before (${TIME_HELP})`, (v) => parseTime(v))
    .option('--json', JSON_HELP)
    .action(async (options: RedriveOptions, command: Command) => {
      if ((options.ids === undefined) === (options.destination === undefined)) {
        throw new UsageError('redrive needs either --ids or --destination (not both)');
      }
      const filtered = options.errorKind !== undefined || options.since !== undefined || options.until !== undefined;
      if (options.ids !== undefined && filtered) {
        throw new UsageError('--error-kind, --since and --until narrow --destination; they cannot be used with --ids');
      }
      const client = ctx.client(command);
      // A bar only when there is more than one request to wait for.
      const progressFor = (total: number) => (total > REDRIVE_CHUNK ? progressBar(ctx.output.streams.stderr, total, 'redriving') : NO_PROGRESS);
      if (options.ids !== undefined) {
        const result = await redriveByIds(client, options.ids, progressFor(options.ids.length));
        if (options.json) ctx.output.json(result);
        else ctx.output.line(`redriven ${result.redriven} of ${count(result.requested, 'dead letter')}${describeLeftOver(result)}`);
        return;
      }
      const result = await redriveByFilter(
        client,
        { destinationId: options.destination!, errorKind: options.errorKind, since: options.since, until: options.until },
        progressFor,
      );
      if (options.json) ctx.output.json(result);
      else ctx.output.line(`redriven ${count(result.redriven, 'dead letter')} of destination ${options.destination!}${describeLeftOver(result)}`);
    });

  deadLetters
    .command('discard')
    .description('give up on dead letters, by id or by destination (with filters): never redriven, deleted after the retention period')
    .option('--ids <ids>', 'dead-letter ids, comma-separated (at most 1,000)', parseIdList)
    .option('--destination <id>', 'every pending dead letter of this destination')
    .option('--error-kind <kind>', `with --destination: only ${ERROR_KINDS_TEXT}`, parseErrorKind)
    .option('--since <time>', `with --destination: dead-lettered at or after (${TIME_HELP})`, (v) => parseTime(v))
    .option('--until <time>', `with --destination: dead-lettered before (${TIME_HELP})`, (v) => parseTime(v))
    .option('--yes', 'do not ask for confirmation (it drops data)')
    .option('--json', JSON_HELP)
    .action(async (options: RedriveOptions & { yes?: boolean }, command: Command) => {
      if ((options.ids === undefined) === (options.destination === undefined)) {
        throw new UsageError('discard needs either --ids or --destination (not both)');
      }
      if (options.ids !== undefined && (options.errorKind !== undefined || options.since !== undefined || options.until !== undefined)) {
        throw new UsageError('--error-kind, --since and --until narrow --destination; they cannot be used with --ids');
      }
      if (options.ids !== undefined && options.ids.length > REDRIVE_CHUNK) {
        throw new UsageError(`--ids takes at most ${REDRIVE_CHUNK} ids; use --destination with filters for more`);
      }
      const client = ctx.client(command);
      const what = options.ids !== undefined ? count(options.ids.length, 'dead letter') : `every pending dead letter of destination ${options.destination!} that matches`;
      await confirmDrop(`discard ${what}: they will never be delivered`, options.yes);
      const body =
        options.ids !== undefined
          ? { ids: options.ids }
          : { destinationId: options.destination!, errorKind: options.errorKind, since: options.since, until: options.until };
      const result = await client.json<{ discarded: number; notFound?: number; alreadyResolved?: number }>('DELETE', '/admin/v1/dead-letters', { body });
      if (options.json) {
        ctx.output.json(result);
        return;
      }
      const left = [
        result.notFound ? `${result.notFound} not found` : '',
        result.alreadyResolved ? `${result.alreadyResolved} already redriven or discarded` : '',
      ].filter((part) => part !== '');
      ctx.output.line(`discarded ${count(result.discarded, 'dead letter')}${left.length > 0 ? `; ${left.join(', ')}` : ''}`);
    });
}
