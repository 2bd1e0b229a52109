import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import {
  CIPHERTEXT_VERSION,
  IV_BYTES,
  TAG_BYTES,
  formatCiphertext,
  headerOf,
  parseCiphertext,
} from './ciphertext-format';
import { parseEncryptionKey, type EncryptionKey } from './encryption-key';
import { DecryptionFailedError, InvalidEncryptionKeyError, UnknownEncryptionKeyError } from './errors';

const ALGORITHM = 'aes-256-gcm';

/** The keys a {@link Keyring} is built from, as base64 strings (parsing the environment is the caller's job). */
export interface KeyringOptions {
  /** The key new ciphertexts are written under (PUSHRAIL_ENCRYPTION_KEY). */
  currentKey: string;
  /** Older keys still accepted for decryption during rotation (PUSHRAIL_ENCRYPTION_OLD_KEYS, split on commas). */
  oldKeys?: readonly string[];
}

/**
 * AES-256-GCM with a key id in every ciphertext, so keys can rotate: encrypt
 * always uses the current key, decrypt picks the key the ciphertext names.
 *
 * Rotation: make the new key current and move the old one to `oldKeys`;
 * re-encrypt what {@link Keyring.needsReencryption} flags (see
 * {@link Keyring.reencrypt}); then drop the old key.
 */
export class Keyring {
  /** Id of the key new ciphertexts are written under (8 hex characters). */
  readonly currentKeyId: string;

  // Private fields, and KeyObjects rather than Buffers, so that logging or
  // JSON-serialising a Keyring never shows key material.
  readonly #current: EncryptionKey;
  readonly #byId: ReadonlyMap<string, EncryptionKey>;

  /**
   * @throws InvalidEncryptionKeyError when a key is not base64 of 32 bytes, or
   *   two different keys share an id (a 1-in-2^32 chance; generate another key).
   */
  constructor(options: KeyringOptions) {
    this.#current = parseEncryptionKey(options.currentKey, 'current encryption key');
    const byId = new Map<string, EncryptionKey>([[this.#current.id, this.#current]]);
    (options.oldKeys ?? []).forEach((material, index) => {
      const key = parseEncryptionKey(material, `old encryption key #${index + 1}`);
      const known = byId.get(key.id);
      if (known === undefined) {
        byId.set(key.id, key);
      } else if (!known.key.equals(key.key)) {
        throw new InvalidEncryptionKeyError(
          `old encryption key #${index + 1} has the same key id (${key.id}) as another key; generate a new key`,
        );
      }
      // The same key listed twice (e.g. current also among old keys) is harmless.
    });
    this.#byId = byId;
    this.currentKeyId = this.#current.id;
  }

  /** Ids of every key this keyring can decrypt with, the current one first. */
  get keyIds(): readonly string[] {
    return [...this.#byId.keys()];
  }

  /**
   * Encrypts a UTF-8 string under the current key with a fresh random 12-byte iv.
   * @returns `v1.<keyId>.<base64url iv>.<base64url ciphertext>.<base64url tag>`
   */
  encrypt(plaintext: string): string {
    // A random 96-bit iv per message: the NIST limit of 2^32 messages per key
    // under random ivs is far beyond the credentials Pushrail stores.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(headerOf(CIPHERTEXT_VERSION, this.#current.id));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return formatCiphertext({
      version: CIPHERTEXT_VERSION,
      keyId: this.#current.id,
      iv,
      data,
      tag: cipher.getAuthTag(),
    });
  }

  /**
   * Decrypts a string made by {@link Keyring.encrypt} under any key in this keyring.
   * @throws UnknownEncryptionKeyError when the ciphertext's key id is not in the keyring.
   * @throws DecryptionFailedError when the ciphertext is malformed or fails authentication.
   */
  decrypt(ciphertext: string): string {
    const parts = parseCiphertext(ciphertext);
    const key = this.#byId.get(parts.keyId);
    if (key === undefined) throw new UnknownEncryptionKeyError(parts.keyId);
    const decipher = createDecipheriv(ALGORITHM, key.key, parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(headerOf(parts.version, parts.keyId));
    decipher.setAuthTag(parts.tag);
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(parts.data), decipher.final()]);
    } catch {
      // OpenSSL's own message ("Unsupported state or unable to authenticate
      // data") says nothing more useful; replace it with ours.
      throw new DecryptionFailedError();
    }
    return plaintext.toString('utf8');
  }

  /** JSON-serialises a value and encrypts it (see {@link Keyring.encrypt}). */
  encryptJson(value: unknown): string {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('encryptJson: value is not JSON-serialisable');
    return this.encrypt(json);
  }

  /**
   * Decrypts and JSON-parses a value made by {@link Keyring.encryptJson}. The
   * type parameter is not checked at run time; validate the result if it matters.
   * @throws DecryptionFailedError also when the plaintext is not JSON (the
   *   message never contains the plaintext, unlike JSON.parse's own).
   */
  decryptJson<T = unknown>(ciphertext: string): T {
    const json = this.decrypt(ciphertext);
    try {
      return JSON.parse(json) as T;
    } catch {
      throw new DecryptionFailedError('decrypted plaintext is not valid JSON');
    }
  }

  /**
   * True when the ciphertext is not under the current key, so a rotation job
   * should re-encrypt it. Reads only the header; it does not authenticate.
   * @throws DecryptionFailedError when the ciphertext is malformed.
   */
  needsReencryption(ciphertext: string): boolean {
    return parseCiphertext(ciphertext).keyId !== this.currentKeyId;
  }

  /** Decrypts under whichever key it names and encrypts again under the current key. */
  reencrypt(ciphertext: string): string {
    return this.encrypt(this.decrypt(ciphertext));
  }
}
