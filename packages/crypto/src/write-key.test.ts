import { createHash } from 'node:crypto';

import { hashSecret } from './secret-hash';
import { generateWriteKey, looksLikeWriteKey } from './write-key';

describe('generateWriteKey', () => {
  it('is pr_wk_ followed by base64url of 32 bytes', () => {
    const { key } = generateWriteKey();
    expect(key).toMatch(/^pr_wk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice('pr_wk_'.length), 'base64url')).toHaveLength(32);
    expect(looksLikeWriteKey(key)).toBe(true);
  });

  it('exposes the first 12 characters as prefix and the hex SHA-256 as hash', () => {
    const { key, prefix, hash } = generateWriteKey();
    expect(prefix).toBe(key.slice(0, 12));
    expect(prefix.startsWith('pr_wk_')).toBe(true);
    expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hash).toBe(hashSecret(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('draws fresh randomness every time', () => {
    const keys = Array.from({ length: 1_000 }, () => generateWriteKey().key);
    expect(new Set(keys).size).toBe(keys.length);
    // Every base64url character should appear across 43,000 random characters;
    // a broken generator (zero bytes, hex) would not.
    const chars = new Set(keys.flatMap((k) => [...k.slice(6)]));
    expect(chars.size).toBe(64);
  });

  it.each(['', 'pr_wk_', 'pr_wk_short', `pr_sk_${'a'.repeat(43)}`, `pr_wk_${'a'.repeat(42)}!`, `pr_wk_${'a'.repeat(44)}`])(
    'looksLikeWriteKey rejects %p',
    (value) => {
      expect(looksLikeWriteKey(value)).toBe(false);
    },
  );
});
