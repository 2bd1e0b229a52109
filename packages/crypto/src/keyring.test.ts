import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

import { generateEncryptionKey, keyIdOf } from './encryption-key';
import { DecryptionFailedError, InvalidEncryptionKeyError, UnknownEncryptionKeyError } from './errors';
import { Keyring } from './keyring';

const keyA = generateEncryptionKey();
const keyB = generateEncryptionKey();

/** Flips one bit in the decoded bytes of segment `index` and re-encodes it canonically. */
function flipBitInSegment(ciphertext: string, index: number, byte = 0): string {
  const segments = ciphertext.split('.');
  const bytes = Buffer.from(segments[index] ?? '', 'base64url');
  bytes[byte] = (bytes[byte] ?? 0) ^ 0x01;
  segments[index] = bytes.toString('base64url');
  return segments.join('.');
}

function replaceSegment(ciphertext: string, index: number, value: string): string {
  const segments = ciphertext.split('.');
  segments[index] = value;
  return segments.join('.');
}

describe('Keyring round trip', () => {
  const keyring = new Keyring({ currentKey: keyA });

  it.each([
    ['ascii', 'postgres-password'],
    ['empty string', ''],
    ['unicode', 'пароль 🔑 密码 \u0000 naïve'],
    ['long', 'x'.repeat(100_000)],
  ])('decrypts what it encrypted (%s)', (_label, plaintext) => {
    expect(keyring.decrypt(keyring.encrypt(plaintext))).toBe(plaintext);
  });

  it('writes v1.<keyId>.<iv>.<data>.<tag> with a 12-byte iv and a 16-byte tag', () => {
    const ciphertext = keyring.encrypt('secret');
    const [version, keyId, iv, data, tag, ...rest] = ciphertext.split('.');
    expect(rest).toEqual([]);
    expect(version).toBe('v1');
    expect(keyId).toBe(keyring.currentKeyId);
    expect(keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(Buffer.from(iv ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(data ?? '', 'base64url')).toHaveLength('secret'.length);
    expect(Buffer.from(tag ?? '', 'base64url')).toHaveLength(16);
    expect(ciphertext).not.toContain('secret');
  });

  it('uses the first 8 hex characters of SHA-256 of the key bytes as key id', () => {
    expect(keyring.currentKeyId).toBe(keyIdOf(Buffer.from(keyA, 'base64')));
    expect(new Keyring({ currentKey: keyA }).currentKeyId).toBe(keyring.currentKeyId);
  });

  it('uses a distinct iv for equal plaintexts', () => {
    const ciphertexts = Array.from({ length: 50 }, () => keyring.encrypt('same'));
    const ivs = new Set(ciphertexts.map((c) => c.split('.')[2]));
    expect(ivs.size).toBe(50);
    expect(new Set(ciphertexts).size).toBe(50);
  });

  it('round-trips JSON objects', () => {
    const value = { password: 'p@ss', nested: { list: [1, 'two', null], unicode: 'ü' } };
    expect(keyring.decryptJson(keyring.encryptJson(value))).toEqual(value);
  });

  it('refuses to encrypt a value JSON cannot represent', () => {
    expect(() => keyring.encryptJson(undefined)).toThrow(TypeError);
  });

  it('reports non-JSON plaintext without echoing it', () => {
    const ciphertext = keyring.encrypt('hunter2 is not json');
    expect(() => keyring.decryptJson(ciphertext)).toThrow(DecryptionFailedError);
    expect(() => keyring.decryptJson(ciphertext)).not.toThrow(/hunter2/);
  });

  it('never shows key material when logged or serialised', () => {
    const keyBytesHex = Buffer.from(keyA, 'base64').toString('hex');
    for (const shown of [inspect(keyring, { showHidden: true, depth: 10 }), JSON.stringify(keyring)]) {
      expect(shown).not.toContain(keyA);
      expect(shown).not.toContain(keyBytesHex);
    }
  });
});

describe('Keyring tamper detection', () => {
  const keyring = new Keyring({ currentKey: keyA, oldKeys: [keyB] });
  const ciphertext = keyring.encrypt('the destination password');

  it.each([
    ['iv', 2],
    ['ciphertext', 3],
    ['tag', 4],
  ])('rejects a flipped bit in the %s', (_label, index) => {
    expect(() => keyring.decrypt(flipBitInSegment(ciphertext, index))).toThrow(DecryptionFailedError);
    expect(() => keyring.decrypt(flipBitInSegment(ciphertext, index))).toThrow('ciphertext failed authentication');
  });

  it('rejects a flipped bit in the last byte of the tag', () => {
    expect(() => keyring.decrypt(flipBitInSegment(ciphertext, 4, 15))).toThrow(DecryptionFailedError);
  });

  it('rejects a changed key id as unknown, naming the id', () => {
    const keyId = ciphertext.split('.')[1] ?? '';
    const otherId = keyId.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const tampered = replaceSegment(ciphertext, 1, otherId);
    expect(() => keyring.decrypt(tampered)).toThrow(UnknownEncryptionKeyError);
    expect(() => keyring.decrypt(tampered)).toThrow(otherId);
  });

  it('rejects a key id swapped to another known key (the header is authenticated)', () => {
    const oldId = new Keyring({ currentKey: keyB }).currentKeyId;
    expect(() => keyring.decrypt(replaceSegment(ciphertext, 1, oldId))).toThrow(DecryptionFailedError);
  });

  it.each(['v2', 'v0', 'V1', 'w1'])('rejects a changed version (%s)', (version) => {
    expect(() => keyring.decrypt(replaceSegment(ciphertext, 0, version))).toThrow(DecryptionFailedError);
  });

  it('rejects non-canonical base64url that decodes to the same bytes', () => {
    // The tag is 16 bytes = 22 base64url characters; the last carries 4 unused bits.
    const tag = ciphertext.split('.')[4] ?? '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(tag.slice(-1));
    const sameBytes = tag.slice(0, -1) + alphabet[last ^ 0x01];
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(tag, 'base64url'));
    expect(() => keyring.decrypt(replaceSegment(ciphertext, 4, sameBytes))).toThrow(DecryptionFailedError);
  });

  it.each([
    ['empty string', ''],
    ['too few parts', 'v1.abcdef01.AAAA'],
    ['too many parts', `${ciphertext}.extra`],
    ['short iv', replaceSegment(ciphertext, 2, 'AAAA')],
    ['short tag', replaceSegment(ciphertext, 4, 'AAAA')],
    ['bad characters', replaceSegment(ciphertext, 3, '!!!!')],
    ['key id not hex', replaceSegment(ciphertext, 1, 'ZZZZZZZZ')],
  ])('rejects a malformed ciphertext (%s)', (_label, malformed) => {
    expect(() => keyring.decrypt(malformed)).toThrow(DecryptionFailedError);
  });

  it('cannot be read by a keyring that lacks its key', () => {
    const stranger = new Keyring({ currentKey: generateEncryptionKey() });
    expect(() => stranger.decrypt(ciphertext)).toThrow(UnknownEncryptionKeyError);
  });

  it('sets name on every error so it survives serialisation', () => {
    expect(new DecryptionFailedError().name).toBe('DecryptionFailedError');
    expect(new UnknownEncryptionKeyError('abcdef01').name).toBe('UnknownEncryptionKeyError');
    expect(new InvalidEncryptionKeyError('x').name).toBe('InvalidEncryptionKeyError');
  });
});

describe('Keyring rotation', () => {
  const oldRing = new Keyring({ currentKey: keyA });
  const underOld = oldRing.encrypt('rotate me');
  const rotated = new Keyring({ currentKey: keyB, oldKeys: [keyA] });

  it('decrypts ciphertexts written under an old key', () => {
    expect(rotated.decrypt(underOld)).toBe('rotate me');
  });

  it('flags ciphertexts under an old key for re-encryption', () => {
    expect(rotated.needsReencryption(underOld)).toBe(true);
    expect(oldRing.needsReencryption(underOld)).toBe(false);
  });

  it('re-encrypts under the current key id', () => {
    const reencrypted = rotated.reencrypt(underOld);
    expect(reencrypted.split('.')[1]).toBe(rotated.currentKeyId);
    expect(rotated.needsReencryption(reencrypted)).toBe(false);
    expect(rotated.decrypt(reencrypted)).toBe('rotate me');
    expect(new Keyring({ currentKey: keyB }).decrypt(reencrypted)).toBe('rotate me');
  });

  it('fails with UnknownEncryptionKeyError once the old key is dropped', () => {
    const dropped = new Keyring({ currentKey: keyB });
    expect(() => dropped.decrypt(underOld)).toThrow(UnknownEncryptionKeyError);
    expect(() => dropped.decrypt(underOld)).toThrow(oldRing.currentKeyId);
  });

  it('lists key ids with the current one first and tolerates duplicates', () => {
    const ring = new Keyring({ currentKey: keyB, oldKeys: [keyA, keyB, keyA] });
    expect(ring.keyIds).toEqual([rotated.currentKeyId, oldRing.currentKeyId]);
  });
});

describe('Keyring key validation', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['16 bytes', randomBytes(16).toString('base64'), /16 bytes; expected exactly 32/],
    ['33 bytes', randomBytes(33).toString('base64'), /33 bytes; expected exactly 32/],
    ['hex instead of base64', randomBytes(32).toString('hex'), /48 bytes|not valid base64/],
    ['not base64', 'this is definitely not a base64 key!!!!!!!!', /not valid base64/],
    ['padding inside', `${keyA.slice(0, 10)}=${keyA.slice(11)}`, /not valid base64/],
    ['empty', '', /is empty/],
    ['whitespace', '   ', /is empty/],
  ];

  it.each(cases)('rejects a key that is %s without echoing it', (_label, bad, message) => {
    const attempt = (): Keyring => new Keyring({ currentKey: bad });
    expect(attempt).toThrow(InvalidEncryptionKeyError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/current encryption key/);
    if (bad.trim() !== '') {
      try {
        attempt();
      } catch (error) {
        expect((error as Error).message).not.toContain(bad);
        expect((error as Error).message).not.toContain(bad.slice(0, 8));
      }
    }
  });

  it('names which old key is bad', () => {
    const bad = randomBytes(16).toString('base64');
    expect(() => new Keyring({ currentKey: keyA, oldKeys: [keyB, bad] })).toThrow(/old encryption key #2/);
  });

  it('accepts base64url, unpadded and whitespace-surrounded keys', () => {
    const bytes = Buffer.from(keyA, 'base64');
    const expected = new Keyring({ currentKey: keyA }).currentKeyId;
    for (const variant of [bytes.toString('base64url'), keyA.replace(/=+$/, ''), `  ${keyA}\n`]) {
      expect(new Keyring({ currentKey: variant }).currentKeyId).toBe(expected);
    }
  });

  it('generates 32-byte base64 keys that differ', () => {
    const generated = generateEncryptionKey();
    expect(Buffer.from(generated, 'base64')).toHaveLength(32);
    expect(generated).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(generateEncryptionKey()).not.toBe(generated);
  });
});
