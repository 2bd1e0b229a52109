import { InvalidArgumentError } from 'commander';
import { parseErrorKind, parseIdList, parsePositiveInt, parseRateLimit, parseStatus, parseTime } from './arguments';

describe('command-line value parsers', () => {
  it('reads positive whole numbers and refuses anything else', () => {
    expect(parsePositiveInt('25')).toBe(25);
    for (const bad of ['0', '-1', '1.5', 'ten', '', '99999999999999999999']) {
      expect(() => parsePositiveInt(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('reads a rate limit or "none"', () => {
    expect(parseRateLimit('500')).toBe(500);
    expect(parseRateLimit('none')).toBeNull();
    expect(parseRateLimit('NONE')).toBeNull();
    expect(() => parseRateLimit('0')).toThrow(/positive whole number\) or "none"/);
    expect(() => parseRateLimit('fast')).toThrow(InvalidArgumentError);
  });

  it('reads comma-separated dead-letter ids, deduplicated in order', () => {
    expect(parseIdList('3, 1,2,,3')).toEqual(['3', '1', '2']);
    expect(() => parseIdList(',')).toThrow(/must list dead-letter ids/);
    expect(() => parseIdList('1,abc')).toThrow(/"abc" is not a dead-letter id/);
    expect(() => parseIdList('1;2')).toThrow(InvalidArgumentError);
  });

  it('reads the three error kinds only', () => {
    expect(parseErrorKind('bad_row')).toBe('bad_row');
    expect(() => parseErrorKind('fatal')).toThrow(/transient, permanent, bad_row/);
  });

  it('reads the three listing statuses only', () => {
    expect(parseStatus('pending')).toBe('pending');
    expect(() => parseStatus('failed')).toThrow(/pending, redriven, discarded, all/);
  });

  it('reads ISO times and durations ago', () => {
    const now = () => Date.parse('2026-05-26T14:00:00.000Z');
    expect(parseTime('2026-05-26T10:00:00Z', now)).toBe('2026-05-26T10:00:00.000Z');
    expect(parseTime('2026-05-26', now)).toBe('2026-05-26T00:00:00.000Z');
    expect(parseTime('15m', now)).toBe('2026-05-26T13:45:00.000Z');
    expect(parseTime('2h', now)).toBe('2026-05-26T12:00:00.000Z');
    expect(parseTime('7d', now)).toBe('2026-05-19T14:00:00.000Z');
    expect(parseTime('90s', now)).toBe('2026-05-26T13:58:30.000Z');
    for (const bad of ['yesterday', '2h ago', '12', '2026-13-45', 'May 26 2026']) {
      expect(() => parseTime(bad, now)).toThrow(InvalidArgumentError);
    }
  });
});
