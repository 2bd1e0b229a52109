import { matchesEventTypes } from './event-type-filter';

describe('matchesEventTypes', () => {
  it('takes every type without a filter', () => {
    expect(matchesEventTypes(undefined, 'anything')).toBe(true);
  });

  it('matches exact names and trailing-* prefixes, nothing else', () => {
    const filter = ['order.*', 'user.signed_up'];
    expect(matchesEventTypes(filter, 'order.completed')).toBe(true);
    expect(matchesEventTypes(filter, 'order.')).toBe(true);
    expect(matchesEventTypes(filter, 'user.signed_up')).toBe(true);
    expect(matchesEventTypes(filter, 'user.signed_up.v2')).toBe(false);
    expect(matchesEventTypes(filter, 'orders.completed')).toBe(false);
    expect(matchesEventTypes(['*'], 'x')).toBe(true);
  });
});
