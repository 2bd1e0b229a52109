import type { AdminClient } from './admin-client';
import { CliError } from './errors';
import type { Progress } from './progress';

/** Most dead-letter ids one redrive request carries (the API takes at most 1,000 ids a request). */
export const REDRIVE_CHUNK = 1_000;

/** What the API answers a redrive: `redriven`, plus counts of what it left alone and why. */
export interface RedriveAnswer {
  redriven: number;
  skipped?: number;
  skippedReasons?: Record<string, number>;
  /** By ids only: ids that name no dead letter. */
  notFound?: number;
  /** By ids only: dead letters redriven before, not sent again. */
  alreadyRedriven?: number;
}

export interface RedriveByIdsResult extends RedriveAnswer {
  requested: number;
}

/** Redrive filters (docs/design.md): a destination, optionally narrowed by error kind and dead-lettered time. */
export interface RedriveFilter {
  destinationId: string;
  errorKind?: string;
  since?: string;
  until?: string;
}

const REDRIVE_PATH = '/admin/v1/dead-letters/redrive';

/** Adds one chunk's answer into the running total, count by count. */
export function addAnswer(total: RedriveAnswer, answer: RedriveAnswer): void {
  total.redriven += answer.redriven;
  for (const field of ['skipped', 'notFound', 'alreadyRedriven'] as const) {
    const value = answer[field];
    if (typeof value === 'number') total[field] = (total[field] ?? 0) + value;
  }
  if (answer.skippedReasons) {
    total.skippedReasons ??= {};
    for (const [reason, count] of Object.entries(answer.skippedReasons)) {
      total.skippedReasons[reason] = (total.skippedReasons[reason] ?? 0) + count;
    }
  }
}

/**
 * Redrives dead letters by id, in requests of at most REDRIVE_CHUNK ids, one
 * after another. When a request fails, the ones before it stand (the API
 * never redrives a dead letter twice, so running the command again is safe),
 * and the error says how far it got.
 */
export async function redriveByIds(client: AdminClient, ids: string[], progress: Progress): Promise<RedriveByIdsResult> {
  const total: RedriveByIdsResult = { requested: ids.length, redriven: 0 };
  try {
    for (let start = 0; start < ids.length; start += REDRIVE_CHUNK) {
      const chunk = ids.slice(start, start + REDRIVE_CHUNK);
      try {
        addAnswer(total, await client.json<RedriveAnswer>('POST', REDRIVE_PATH, { body: { ids: chunk } }));
      } catch (error) {
        if (start === 0 || !(error instanceof CliError)) throw error;
        throw new CliError(`${error.message}; the first ${start} ids were done (${total.redriven} redriven), running it again is safe`);
      }
      progress.increment(chunk.length);
    }
  } finally {
    progress.stop();
  }
  return total;
}

/** Dead letters one listing page holds (the API's maximum). */
const LIST_PAGE = 1_000;

/**
 * The ids of every pending dead letter the filter matches, oldest first,
 * read a page at a time: what a redrive by filter sends, counted before it
 * starts so its progress bar has a total.
 */
export async function pendingIds(client: AdminClient, filter: RedriveFilter): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await client.json<{ items: Array<{ id: string }>; nextCursor: string | null }>('GET', '/admin/v1/dead-letters', {
      query: { ...filter, status: 'pending', limit: LIST_PAGE, cursor },
    });
    ids.push(...page.items.map((d) => d.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

/**
 * Redrives every pending dead letter the filter matches as it stands now:
 * their ids are listed first, then redriven by id in chunks, so the bar
 * counts real progress. Dead letters arriving meanwhile wait for the next
 * run (the API's own filter redrive behaves the same: it takes what matched
 * when it started).
 */
export async function redriveByFilter(
  client: AdminClient,
  filter: RedriveFilter,
  progressFor: (total: number) => Progress,
): Promise<RedriveByIdsResult> {
  const ids = await pendingIds(client, filter);
  return redriveByIds(client, ids, progressFor(ids.length));
}

/** `, 1 already redriven, 2 skipped (destination_deleted: 2)`: the counts that are not zero. */
export function describeLeftOver(answer: RedriveAnswer): string {
  const parts: string[] = [];
  if (answer.alreadyRedriven) parts.push(`${answer.alreadyRedriven} already redriven`);
  if (answer.notFound) parts.push(`${answer.notFound} not found`);
  if (answer.skipped) {
    const reasons = Object.entries(answer.skippedReasons ?? {})
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => `${reason}: ${count}`);
    parts.push(`${answer.skipped} skipped${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`);
  }
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}
