import * as keys from './redis-keys';

const PREFIX = 'px';
const ID = '0190f5e2-0000-7000-8000-000000000001';

describe('Redis key names', () => {
  const perDestination = [
    keys.failedSetKey,
    keys.leaseKey,
    keys.failingSinceKey,
    keys.backoffRoundsKey,
    keys.backoffRoundKey,
    keys.sweptUpToKey,
    keys.tenantRateBucketKey,
    keys.queueLimiterKey,
    keys.deliveryCountsKey,
    keys.deliveryLastKey,
  ];
  const fleetWide = [keys.workIndexKey, keys.liveWorkersKey, keys.deadLetterSweeperLockKey, keys.workIndexAuditLockKey];

  it('start with the prefix, and a destination or tenant key carries its id as the hash tag of its queue', () => {
    for (const key of perDestination.map((of) => of(PREFIX, ID))) {
      expect(key.startsWith(`${PREFIX}:`)).toBe(true);
      expect(key).toContain(`{${ID}}`);
    }
    for (const key of fleetWide.map((of) => of(PREFIX))) expect(key.startsWith(`${PREFIX}:`)).toBe(true);
  });

  it('are all different', () => {
    const all = [...perDestination.map((of) => of(PREFIX, ID)), ...fleetWide.map((of) => of(PREFIX))];
    expect(new Set(all).size).toBe(all.length);
  });

  it('name BullMQ keys as BullMQ does, in the queue of the destination', () => {
    expect(keys.failedSetKey(PREFIX, ID)).toBe(`${PREFIX}:dest-{${ID}}:failed`);
    expect(keys.destinationIdOfQueue(keys.destinationQueueName(ID))).toBe(ID);
  });
});
