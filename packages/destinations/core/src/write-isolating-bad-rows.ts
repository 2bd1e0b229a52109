import { decodeEvents, encodeEvents, type EncodedEvents, type QueuedEvent } from '@pushrail/events';
import { isDeliveryError, type DeliveryError } from './delivery-error';
import type { DestinationWriter, WriteOutcome } from './destination';

/** What a batch's write did once its bad rows were set apart. */
export interface IsolatedWrite {
  inserted: number;
  skipped: number;
  /** Events the destination refused while the rest committed: each bad row alone, a refused table's events together. */
  refused: Array<{ events: QueuedEvent[]; error: DeliveryError }>;
}

/**
 * Writes a batch; when the destination refuses rows (`bad_row`), finds them
 * by bisection and writes the rest, so one bad event never holds up its
 * batch (docs/design.md, "Errors"). A part refused as a whole (a
 * per-event-type table missing) is set apart as it is. Transient and
 * whole-batch permanent failures are thrown: nothing of the batch committed.
 *
 * `decode` takes the batch apart when bisection needs its events (the slow
 * path; the caller may drop envelopes it cannot pair with ids).
 */
export async function writeIsolatingBadRows(
  writer: DestinationWriter,
  batch: EncodedEvents,
  decode: () => QueuedEvent[] = () => decodeEvents(batch),
): Promise<IsolatedWrite> {
  const result: IsolatedWrite = { inserted: 0, skipped: 0, refused: [] };

  const settle = async (outcome: WriteOutcome): Promise<void> => {
    result.inserted += outcome.inserted;
    result.skipped += outcome.skipped;
    for (const rejected of outcome.rejected) {
      if (rejected.error.kind === 'bad_row' && rejected.events.length > 1) await bisect(rejected.events);
      else result.refused.push(rejected);
    }
  };

  const writeSlice = async (slice: QueuedEvent[]): Promise<void> => {
    try {
      await settle(await writer.write(encodeEvents(slice)));
    } catch (error) {
      if (!isDeliveryError(error) || error.kind !== 'bad_row') throw error;
      if (slice.length === 1) result.refused.push({ events: slice, error });
      else await bisect(slice);
    }
  };

  const bisect = async (slice: QueuedEvent[]): Promise<void> => {
    const middle = Math.ceil(slice.length / 2);
    await writeSlice(slice.slice(0, middle));
    await writeSlice(slice.slice(middle));
  };

  try {
    await settle(await writer.write(batch));
  } catch (error) {
    if (!isDeliveryError(error) || error.kind !== 'bad_row') throw error;
    const events = decode();
    if (events.length === 1) result.refused.push({ events, error });
    else if (events.length > 1) await bisect(events);
  }
  return result;
}
