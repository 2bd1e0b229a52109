import type { AdminClient } from '../admin-client';

/** `GET /admin/v1/destinations/:id/status` as the API answers it. */
export interface DestinationStatus {
  state: 'active' | 'paused' | 'backing_off';
  pausedReason?: string;
  pausedMessage?: string | null;
  queueDepth: number;
  oldestWaitingSec: number;
  lastDeliveredAt: string | null;
  lastError: { at: string; kind: string; code: string | null; message: string } | null;
  delivered24h: number;
  deadLettered24h: number;
}

/** Status requests `destinations list` has in flight at once. */
const STATUS_CONCURRENCY = 8;

export const statusPath = (id: string) => `/admin/v1/destinations/${encodeURIComponent(id)}/status`;

/**
 * The status of each destination, a few requests at a time; a destination
 * whose status cannot be read (deleted meanwhile, Redis away) maps to
 * undefined, so a list still prints.
 */
export async function fetchStatuses(client: AdminClient, ids: readonly string[]): Promise<Map<string, DestinationStatus | undefined>> {
  const statuses = new Map<string, DestinationStatus | undefined>();
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      statuses.set(id, await client.json<DestinationStatus>('GET', statusPath(id)).catch(() => undefined));
    }
  };
  await Promise.all(Array.from({ length: Math.min(STATUS_CONCURRENCY, ids.length) }, lane));
  return statuses;
}

/** `paused (operator)`, `backing_off`, `active`. */
export function stateText(status: DestinationStatus): string {
  return status.state === 'paused' ? `paused (${status.pausedReason ?? 'unknown'})` : status.state;
}

/** `3m ago`, `2h ago`, `never`: how long since a time, for a table cell. */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const sec = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (sec < 60) return `${sec}s ago`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m ago`;
  if (sec < 86_400) return `${Math.floor(sec / 3600)}h ago`;
  return `${Math.floor(sec / 86_400)}d ago`;
}

/** The status as `destinations status` prints it: one field a line. */
export function statusRecord(id: string, status: DestinationStatus): Record<string, unknown> {
  return {
    id,
    state: stateText(status),
    ...(status.pausedMessage ? { pausedMessage: status.pausedMessage } : {}),
    queueDepth: status.queueDepth,
    oldestWaitingSec: status.oldestWaitingSec,
    lastDeliveredAt: status.lastDeliveredAt ? `${status.lastDeliveredAt} (${ago(status.lastDeliveredAt)})` : 'never',
    delivered24h: status.delivered24h,
    deadLettered24h: status.deadLettered24h,
    lastError: status.lastError ? `${status.lastError.at} ${status.lastError.kind}${status.lastError.code ? ` ${status.lastError.code}` : ''}: ${status.lastError.message}` : 'none',
  };
}
