/**
 * A destination's `eventTypes`: exact names and trailing-`*` prefixes
 * (`order.*`). Absent means every type.
 */
export type EventTypeFilter = readonly string[] | undefined;

/** True when the destination takes events of `eventType`. */
export function matchesEventTypes(filter: EventTypeFilter, eventType: string): boolean {
  if (filter === undefined) return true;
  for (const pattern of filter) {
    if (pattern.endsWith('*') ? eventType.startsWith(pattern.slice(0, -1)) : eventType === pattern) return true;
  }
  return false;
}
