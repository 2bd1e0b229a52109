import type { QueuedEvent } from '@pushrail/events';
import { GroupCommitter } from './group-commit';

function event(n: number): QueuedEvent {
  return {
    id: `0190a1b2-c3d4-7e5f-8a9b-${String(n).padStart(12, '0')}`,
    receivedAt: 1_795_000_000_000,
    event: { eventType: 'order.completed', occurredAt: '2026-05-26T14:21:08.493Z', source: 'checkout', payload: { n } },
  };
}

/** The end of the current event-loop turn: setImmediate callbacks queued before this one have run. */
const endOfTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Records every write; `fail` makes writes to that destination reject. */
function recordingWriter(fail: ReadonlySet<string> = new Set()) {
  const writes: Array<{ destinationId: string; ids: string[]; at: number }> = [];
  const enqueue = async (destinationId: string, events: QueuedEvent[]) => {
    writes.push({ destinationId, ids: events.map((e) => e.id), at: performance.now() });
    if (fail.has(destinationId)) throw new Error(`redis refused ${destinationId}`);
  };
  return { writes, enqueue };
}

describe('GroupCommitter (paced group commit)', () => {
  it('writes requests of the same turn as one job per destination, at the end of the turn after a quiet spell', async () => {
    const { writes, enqueue } = recordingWriter();
    const committer = new GroupCommitter(enqueue, { maxDelayMs: 50, maxEvents: 500 });
    const done = [committer.submit(['a'], [event(1)]), committer.submit(['a', 'b'], [event(2)]), committer.submit(['a'], [event(3)])];
    expect(writes).toHaveLength(0);
    await endOfTurn();
    expect(writes.map((w) => [w.destinationId, w.ids.length])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    await Promise.all(done);
  });

  it('waits until maxDelayMs after the last write before writing the next round', async () => {
    const { writes, enqueue } = recordingWriter();
    const committer = new GroupCommitter(enqueue, { maxDelayMs: 40, maxEvents: 500 });
    await committer.submit(['a'], [event(1)]);
    const second = committer.submit(['a'], [event(2)]);
    await endOfTurn();
    expect(writes).toHaveLength(1); // not at the end of the turn: the spacing has not passed
    await second;
    expect(writes).toHaveLength(2);
    // A lower bound only: a slow machine makes the gap longer, never shorter. Half the spacing, because the
    // first write's time is taken when it returns, after the timer for the next round was set (seen 38.8 ms);
    // without the spacing the gap would be about 0.
    expect(writes[1]!.at - writes[0]!.at).toBeGreaterThanOrEqual(40 / 2);
  });

  it('writes a round at once when it holds maxEvents events', async () => {
    const { writes, enqueue } = recordingWriter();
    const committer = new GroupCommitter(enqueue, { maxDelayMs: 60_000, maxEvents: 3 });
    await committer.submit(['a'], [event(1)]); // the first round: written at the end of its turn
    const full = committer.submit(['a'], [event(2), event(3), event(4)]);
    expect(writes).toHaveLength(2); // written synchronously, not after the 60 s spacing
    await full;
  });

  it('fails only the requests whose own destination failed; nothing is acknowledged from memory', async () => {
    const { enqueue } = recordingWriter(new Set(['down']));
    const committer = new GroupCommitter(enqueue, { maxDelayMs: 5, maxEvents: 500 });
    const onUp = committer.submit(['up'], [event(1)]);
    const onBoth = committer.submit(['up', 'down'], [event(2)]);
    await expect(onUp).resolves.toBeUndefined();
    await expect(onBoth).rejects.toThrow('redis refused down');
  });

  it('drain writes the open round at once and waits for it', async () => {
    const { writes, enqueue } = recordingWriter();
    const committer = new GroupCommitter(enqueue, { maxDelayMs: 60_000, maxEvents: 500 });
    await committer.submit(['a'], [event(1)]);
    const pending = committer.submit(['a'], [event(2)]);
    await committer.drain();
    expect(writes).toHaveLength(2);
    await pending;
  });

  it('runs afterWrites once per round with the destinations written, and fails the round\'s requests when it fails', async () => {
    const { enqueue } = recordingWriter(new Set(['broken']));
    const confirmed: string[][] = [];
    let refuse = false;
    const committer = new GroupCommitter(enqueue, {
      maxDelayMs: 1,
      maxEvents: 500,
      afterWrites: async (ids) => {
        confirmed.push([...ids].sort());
        if (refuse) throw new Error('replicas not reached');
      },
    });
    await Promise.all([committer.submit(['a'], [event(1)]), committer.submit(['a', 'b'], [event(2)])]);
    expect(confirmed).toEqual([['a', 'b']]);
    const results = await Promise.allSettled([committer.submit(['a'], [event(3)]), committer.submit(['broken'], [event(4)])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(confirmed[1]).toEqual(['a']);
    refuse = true;
    await expect(committer.submit(['b'], [event(5)])).rejects.toThrow('replicas not reached');
  });
});
