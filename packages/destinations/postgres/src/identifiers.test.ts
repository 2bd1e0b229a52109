import { randomBytes } from 'node:crypto';
import { MAX_IDENTIFIER_BYTES, quoteIdent, tableNameForEventType } from './identifiers';

/** A random event type: ASCII letters, digits, punctuation, spaces and some non-ASCII, 1..120 characters. */
function randomEventType(seed: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:/ @#é€日本🙂';
  const chars = [...alphabet];
  const length = 1 + (seed[0]! % 120);
  let out = '';
  for (let i = 0; i < length; i++) out += chars[seed[(i + 1) % seed.length]! % chars.length];
  return out;
}

describe('tableNameForEventType', () => {
  it('gives the canonical names of DESIGN.md', () => {
    expect(tableNameForEventType('events', 'order.completed')).toBe('events_order_completed');
    expect(tableNameForEventType('events', 'user.signed.up')).toBe('events_user_signed_up');
  });

  it('keeps types that differ only in punctuation or case apart', () => {
    const types = ['order.completed', 'order_completed', 'order-completed', 'Order.Completed', 'order..completed', 'order completed'];
    const names = types.map((t) => tableNameForEventType('events', t));
    expect(new Set(names).size).toBe(types.length);
    for (const name of names) expect(name).toMatch(/^events_order_completed(_[0-9a-f]{8})?$/);
  });

  it('cuts long names to 63 bytes with a hash suffix, never leaving truncation to the server', () => {
    const long = 'a'.repeat(80);
    const longer = 'a'.repeat(81);
    const a = tableNameForEventType('events', long);
    const b = tableNameForEventType('events', longer);
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    expect(a).not.toBe(b);
    expect(a).toMatch(/_[0-9a-f]{8}$/);
  });

  it('property: for 5,000 random types, names are valid, stable, and distinct for distinct types', () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 5_000; i++) {
      const type = randomEventType(randomBytes(130));
      const name = tableNameForEventType('events', type);
      expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
      expect(name).toMatch(/^events_[a-z0-9_]+$/);
      expect(tableNameForEventType('events', type)).toBe(name);
      const previous = seen.get(name);
      if (previous !== undefined) expect(previous).toBe(type);
      seen.set(name, type);
    }
  });

  it('handles a non-ASCII base table without passing the byte limit', () => {
    const name = tableNameForEventType('évènements_'.repeat(5), 'order.completed');
    expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
  });
});

describe('quoteIdent', () => {
  it('doubles quotes and refuses NUL', () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(() => quoteIdent('a\u0000b')).toThrow();
  });
});
