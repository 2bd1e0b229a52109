import { randomBytes } from 'node:crypto';
import { tableNameForEventType, type IdentifierLimit } from './event-type-tables';

const POSTGRES: IdentifierLimit = { max: 63, unit: 'bytes' };
const MYSQL: IdentifierLimit = { max: 64, unit: 'characters' };

/** A random event type: ASCII letters, digits, punctuation, spaces and some non-ASCII, 1..120 characters. */
function randomEventType(seed: Buffer): string {
  const chars = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:/ @#é€日本🙂'];
  const length = 1 + (seed[0]! % 120);
  let out = '';
  for (let i = 0; i < length; i++) out += chars[seed[(i + 1) % seed.length]! % chars.length];
  return out;
}

describe('tableNameForEventType', () => {
  it('follows the documented rule: lower-cased, each run outside [a-z0-9] becomes _, no hash when it fits', () => {
    expect(tableNameForEventType('events', 'order.completed', POSTGRES)).toBe('events_order_completed');
    expect(tableNameForEventType('events', 'user.signed_up', POSTGRES)).toBe('events_user_signed_up');
    expect(tableNameForEventType('events', 'invoice.payment_failed', POSTGRES)).toBe('events_invoice_payment_failed');
    expect(tableNameForEventType('ev', 'Order--Completed!', POSTGRES)).toBe('ev_order_completed_');
  });

  it('puts types that meet in one name into that one table', () => {
    expect(tableNameForEventType('events', 'a.b', POSTGRES)).toBe(tableNameForEventType('events', 'a_b', POSTGRES));
  });

  it('cuts a name longer than the limit with a hash suffix, so long types stay apart', () => {
    const a = tableNameForEventType('events', 'a'.repeat(80), POSTGRES);
    const b = tableNameForEventType('events', 'a'.repeat(81), POSTGRES);
    expect(Buffer.byteLength(a)).toBe(63);
    expect(a).not.toBe(b);
    expect(a).toMatch(/_[0-9a-f]{8}$/);
    expect(tableNameForEventType('events', 'b'.repeat(56), POSTGRES)).toBe(`events_${'b'.repeat(56)}`);
    expect(tableNameForEventType('events', 'b'.repeat(57), POSTGRES)).toMatch(/_[0-9a-f]{8}$/);
  });

  it('counts characters where the server does (MySQL: 64)', () => {
    const name = tableNameForEventType('évènements', 'x'.repeat(54), MYSQL);
    expect([...name].length).toBe(64);
    expect(name).toMatch(/_[0-9a-f]{8}$/);
    expect(tableNameForEventType('évènements', 'x'.repeat(53), MYSQL)).toBe(`évènements_${'x'.repeat(53)}`);
  });

  it('property: for 5,000 random types, names fit, are stable and well formed', () => {
    for (let i = 0; i < 5_000; i++) {
      const type = randomEventType(randomBytes(130));
      const name = tableNameForEventType('events', type, POSTGRES);
      expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^events_[a-z0-9_]+$/);
      expect(tableNameForEventType('events', type, POSTGRES)).toBe(name);
    }
  });

  it('keeps a non-ASCII base table within the byte limit', () => {
    const name = tableNameForEventType('évènements_'.repeat(5), 'order.completed', POSTGRES);
    expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(63);
  });
});
