import { z } from 'zod';

/**
 * Years an instant may be written in: PostgreSQL has no year 0 (22008), and
 * four digits is what ISO 8601 without an agreed expansion allows.
 */
export const MIN_INSTANT_YEAR = 1;
export const MAX_INSTANT_YEAR = 9999;

/** The largest UTC offset PostgreSQL takes, in minutes (±15:59; beyond it 22009). */
export const MAX_OFFSET_MINUTES = 15 * 60 + 59;

/**
 * Why an ISO-8601 instant (already of `z.iso.datetime`'s shape: year first,
 * `Z` or `±hh:mm` last) cannot be stored, or undefined. Reads a few
 * characters, no Date: it runs for every event.
 */
export function instantRangeProblem(text: string): string | undefined {
  const year = Number(text.slice(0, 4));
  if (!(year >= MIN_INSTANT_YEAR && year <= MAX_INSTANT_YEAR)) return `the year must be from ${MIN_INSTANT_YEAR} to ${MAX_INSTANT_YEAR}`;
  if (text.endsWith('Z') || text.endsWith('z')) return undefined;
  const offset = text.slice(-6);
  const minutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
  if (!(minutes <= MAX_OFFSET_MINUTES)) return 'the UTC offset must be within ±15:59';
  return undefined;
}

/** The shape alone: an ISO-8601 date-time with an explicit offset ("Z" or "+02:00"); a time without one is ambiguous. */
function instantShapeSchema() {
  return z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-05-26T14:21:08.493Z' });
}

/** {@link instantSchema} without its range check, for a schema that checks the range with its other rules (the envelope). */
export const instantShape = instantShapeSchema();

/**
 * An ISO-8601 instant with an explicit offset ("Z" or "+02:00"), in years
 * 1–9999 and with an offset within ±15:59: a time without an offset is
 * ambiguous, and anything outside those bounds a TIMESTAMPTZ refuses.
 */
export const instantSchema = instantShapeSchema().superRefine((text, ctx) => {
    // Only once the shape is right: a wrong shape has its issue already.
    if (ctx.issues.length > 0) return;
    const problem = instantRangeProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
  });
