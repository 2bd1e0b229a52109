import { createHash } from 'node:crypto';
import { hashSecret, safeEqual } from './secret-hash';

describe('hashSecret', () => {
  it('is the hex SHA-256 of the UTF-8 string', () => {
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // Stored write-key hashes were made with createHash: the one-shot form must give the same for any text.
    for (const secret of ['ключ🔑', 'pr_wk_6aKTZtCMhwqDv_SrFKlAMqDjEzYQA3cMbjUUVgMrTO4', '']) {
      expect(hashSecret(secret)).toBe(createHash('sha256').update(secret, 'utf8').digest('hex'));
    }
  });
});

describe('safeEqual', () => {
  it.each([
    ['equal', 'token-123', 'token-123', true],
    ['both empty', '', '', true],
    ['unicode equal', 'ключ🔑', 'ключ🔑', true],
    ['different', 'token-123', 'token-124', false],
    ['prefix', 'token', 'token-123', false],
    ['different lengths', 'a', 'a'.repeat(1000), false],
    ['empty vs non-empty', '', 'x', false],
    ['case', 'Token', 'token', false],
  ])('%s', (_label, a, b, expected) => {
    expect(safeEqual(a, b)).toBe(expected);
    expect(safeEqual(b, a)).toBe(expected);
  });
});
