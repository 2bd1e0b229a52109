import { DELIVERY_ERROR_KINDS, type DeliveryErrorKind } from '@pushrail/destination-core';
import { InvalidArgumentError } from 'commander';

/**
 * Parsers of command-line values. Each throws commander's
 * InvalidArgumentError, so a bad value is a usage error (exit 2) naming
 * the option.
 */

/** The error kinds a dead letter can have, as the options' help says them. */
export const ERROR_KINDS_TEXT = `${DELIVERY_ERROR_KINDS.slice(0, -1).join(', ')} or ${DELIVERY_ERROR_KINDS.at(-1)}`;

/** Which dead letters a listing shows. */
export const STATUSES = ['pending', 'redriven', 'discarded', 'all'] as const;

/** Relative times for --since/--until, each unit in milliseconds. */
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a positive whole number.');
  }
  return Number(value);
}

/** `500` events a second, or `none` to remove the limit (null). */
export function parseRateLimit(value: string): number | null {
  if (value.toLowerCase() === 'none') return null;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('must be events per second (a positive whole number) or "none".');
  }
  return Number(value);
}

/** `1,2,3` → ['1', '2', '3']: dead-letter ids, deduplicated, order kept. */
export function parseIdList(value: string): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new InvalidArgumentError('must list dead-letter ids, comma-separated.');
  const bad = ids.find((id) => !/^\d{1,18}$/.test(id));
  if (bad !== undefined) throw new InvalidArgumentError(`${JSON.stringify(bad)} is not a dead-letter id (a number).`);
  return [...new Set(ids)];
}

export function parseErrorKind(value: string): DeliveryErrorKind {
  if (!(DELIVERY_ERROR_KINDS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${DELIVERY_ERROR_KINDS.join(', ')}.`);
  }
  return value as DeliveryErrorKind;
}

export function parseStatus(value: string): (typeof STATUSES)[number] {
  if (!(STATUSES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${STATUSES.join(', ')}.`);
  return value as (typeof STATUSES)[number];
}

/**
 * A point in time as an ISO 8601 string: an ISO date/time as given, or a
 * duration before `now` (`90s`, `15m`, `2h`, `7d`).
 */
export function parseTime(value: string, now: () => number = Date.now): string {
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) return new Date(now() - Number(relative[1]) * UNIT_MS[relative[2]!]!).toISOString();
  // Date.parse accepts more than ISO 8601; only date-shaped input gets that far.
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new InvalidArgumentError('must be an ISO 8601 time (2026-05-26T14:00:00Z) or a duration ago (15m, 2h, 7d).');
  }
  return new Date(time).toISOString();
}
